"""Monthly cost estimates checked against hand computations from eks_variants/report/prices.yaml.

What AWS bills: the EKS control plane per cluster-hour ($0.10 standard, $0.60 extended support; EKS
pricing), NAT gateways per hour and GB (VPC pricing), interface endpoints per AZ-hour and GB (PrivateLink
pricing: "billed for each hour that your VPC endpoint remains provisioned in each Availability Zone"),
every public IPv4 address per hour (AWS News blog, public IPv4 address charge, 2024-02-01), EC2 per
instance-hour, EBS gp3 per GB-month, KMS per key-month. 730 hours a month.
"""
import pytest

from preflight.errors import InputError
from eks_variants.report.cost import estimate, load_usage, price_book
from eks_variants.report.facts import stack_facts
from eks_variants.report.pages import cost_table, total_cell

H = 730


def priced(region, key):
    return price_book().regional(region, key).value


def glob(key):
    return price_book().global_price(key).value


def ec2(region, itype):
    return price_book().instance(region, itype).value


def test_price_file_has_a_source_and_date_for_every_figure():
    book = price_book()
    entries = list(book.globals.values())
    for region in book.regions.values():
        entries += [v for k, v in region.items() if k != "ec2"] + list(region.get("ec2", {}).values())
    for value, source in entries:
        assert value > 0 and source in book.sources
    for meta in book.sources.values():
        assert meta["url"].startswith("https://") and meta["checked"] and meta["status"] in (
            "verified", "reference", "secondary", "unverified")
    for region in ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ca-central-1", "ap-southeast-2"):
        assert {"nat_hour", "endpoint_az_hour", "gp3_gb_month", "fargate_vcpu_hour"} <= set(book.regions[region])


def test_private_managed_eu_west_1(recorded):
    facts = stack_facts(recorded["cost-private-managed"])
    # What the stack file asks for (EKS User Guide, private-clusters: ec2, ecr.api, ecr.dkr, sts + extras).
    assert facts.region == "eu-west-1"
    assert [(e.service, e.azs) for e in facts.interface_endpoints] == [
        ("ec2", 3), ("ecr.api", 3), ("ecr.dkr", 3), ("eks-auth", 3), ("logs", 3), ("sts", 3)]
    assert facts.nat_gateways == [] and facts.elastic_ips == []
    [plane] = facts.data_planes
    assert (plane.kind, plane.instance_types, plane.desired, plane.disk_gib, plane.public_ip) == (
        "managed node group", ["m6i.large"], 2, 50, False)
    hand = (glob("eks_standard_hour") * H                         # control plane, 1.36 in standard support
            + 6 * 3 * H * priced("eu-west-1", "endpoint_az_hour")  # 6 interface endpoints x 3 AZs
            + 2 * H * ec2("eu-west-1", "m6i.large")                 # 2 nodes
            + 2 * 50 * priced("eu-west-1", "gp3_gb_month")          # 2 x 50 GiB root volumes
            + glob("kms_key_month"))                                # the secrets key
    # The same sum with the figures written out, so a price edit shows here too.
    assert hand == pytest.approx(73.0 + 18 * 730 * 0.011 + 2 * 730 * 0.107 + 100 * 0.088 + 1.0)
    cost = estimate(facts)
    assert cost.total == round(hand, 2) == 383.56
    assert cost.unpriced == []


def test_public_fargate_us_east_1(recorded):
    facts = stack_facts(recorded["cost-public-fargate"])
    assert [n for n, _ in facts.nat_gateways] and len(facts.nat_gateways) == 1 and len(facts.elastic_ips) == 1
    hand = 73.0 + 730 * 0.045 + 730 * 0.005 + 1.0  # cluster + NAT hours + its Elastic IP + KMS key
    cost = estimate(facts)
    assert cost.total == round(hand, 2) == 110.50
    fargate = [line for line in cost.lines if line.resource.startswith("Fargate")]
    # Fargate bills vCPU and memory per pod-hour: listed at their unit price, zero without a usage file.
    assert [(line.name, line.quantity, line.unit_price, line.monthly, line.usage) for line in fargate] == [
        ("Fargate vCPU", 0, 0.04048, 0, True), ("Fargate memory", 0, 0.004445, 0, True)]


def test_public_self_managed_us_west_2_counts_auto_assigned_public_ips(recorded):
    facts = stack_facts(recorded["cost-public-self-managed"])
    [plane] = facts.data_planes
    assert plane.public_ip and plane.desired == 3 and plane.instance_types == ["m6i.xlarge"]
    hand = 73.0 + 3 * 730 * 0.192 + 3 * 730 * 0.005 + 3 * 80 * 0.08 + 1.0
    cost = estimate(facts)
    assert cost.total == round(hand, 2) == 524.63
    ipv4 = [line for line in cost.lines if "Public IPv4" in line.name]
    assert [(line.quantity, line.monthly) for line in ipv4] == [(3 * 730, pytest.approx(10.95))]


def test_unpriced_instance_type_is_a_line_not_a_zero(recorded):
    facts = stack_facts(recorded["cost-unpriced"])
    cost = estimate(facts)
    [line] = [line for line in cost.lines if line.name.startswith("Instance usage")]
    assert line.monthly is None and line.note == "unpriced: no price for x2idn.16xlarge in eu-west-1"
    assert cost.to_json()["complete"] is False
    assert total_cell(cost).endswith("+ 1 unpriced")
    assert "unpriced: no price for x2idn.16xlarge in eu-west-1" in cost_table(cost)


def test_unpriced_region_keeps_global_prices_and_lists_the_rest(recorded):
    facts = stack_facts(recorded["cost-public-fargate"])
    facts.region = "sa-east-1"
    cost = estimate(facts)
    assert cost.total == round(73.0 + 730 * 0.005 + 1.0, 2)  # EKS, IPv4 and KMS are priced everywhere
    assert any(line.note == "unpriced: no NAT gateway price for sa-east-1" for line in cost.unpriced)


def test_usage_file_prices_usage_items(recorded, tmp_path):
    usage_file = tmp_path / "usage.yaml"
    usage_file.write_text("default:\n  endpoint_gb: 100\nstacks:\n  cost-private-managed:\n    kms_requests: 20000\n")
    usage = load_usage(str(usage_file))
    cost = estimate(stack_facts(recorded["cost-private-managed"]), usage)
    # 6 endpoints x 100 GB x $0.01, 20,000 KMS requests at $0.03 per 10,000.
    assert cost.total == round(383.56 + 6 * 100 * 0.01 + 2 * 0.03, 2)


def test_bad_usage_file_names_the_key(tmp_path):
    usage_file = tmp_path / "usage.yaml"
    usage_file.write_text("default:\n  nat_gigabytes: 5\n  endpoint_gb: -1\n")
    with pytest.raises(InputError) as err:
        load_usage(str(usage_file))
    assert any("unknown key `default.nat_gigabytes`" in p for p in err.value.problems)
    assert any("`default.endpoint_gb` must be a number >= 0" in p for p in err.value.problems)


def test_extended_support_is_priced_from_the_version_table(recorded):
    """EKS User Guide, kubernetes-versions: 14 months of standard support, then extended support at
    $0.60 instead of $0.10 per cluster-hour (EKS pricing)."""
    from stack_config import kubernetes_versions
    assert kubernetes_versions.support_phase("1.32", on="2026-12-01") == "extended"  # standard ended 2026-03-23
    assert kubernetes_versions.support_phase("1.34", on="2026-12-01") == "standard"  # until 2026-12-02
    assert kubernetes_versions.support_phase("1.34", on="2026-12-02") == "extended"
    assert kubernetes_versions.support_phase("1.36") == "standard"
    facts = stack_facts(recorded["cost-public-fargate"])
    facts.cluster.version = "1.32"
    cost = estimate(facts)
    [cluster] = [line for line in cost.lines if line.name.startswith("EKS cluster")]
    assert cluster.name == "EKS cluster (extended support, Kubernetes 1.32)"
    assert cluster.monthly == pytest.approx(0.60 * 730)
    assert cost.total == round(110.50 - 73.0 + 438.0, 2)


def test_spot_mixed_instances_group_is_priced_at_the_first_types_on_demand_price(recorded):
    """Several types or Spot: an Auto Scaling group with a mixed-instances policy (the types in its
    overrides, Spot when no On-Demand capacity above base). Spot prices move hourly, so the line shows
    the on-demand price of the first type, an upper bound, and says so."""
    facts = stack_facts(recorded["cost-spot-mixed"])
    [plane] = facts.data_planes
    assert (plane.kind, plane.instance_types, plane.capacity_type, plane.desired, plane.disk_gib) == (
        "self-managed nodes", ["m6i.large", "m7i.large"], "SPOT", 4, 40)
    cost = estimate(facts)
    [line] = [line for line in cost.lines if line.name.startswith("Instance usage")]
    assert line.name == "Instance usage (spot, priced on-demand, m6i.large)"
    hand = 73.0 + 730 * 0.045 + 730 * 0.005 + 4 * 730 * 0.096 + 4 * 40 * 0.08 + 1.0  # + one NAT and its EIP
    assert cost.total == round(hand, 2) == 403.62
