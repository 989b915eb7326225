"""Facts read from raw `aws:*` resources (any Pulumi program, or a deployed stack's export) as well as
from this project's components: subnet tiers from the default route of the associated route table
(EKS User Guide, network-reqs: public subnets route 0.0.0.0/0 to an internet gateway), endpoint flags
with the AWS defaults (public on, private off: EKS User Guide, cluster-endpoint)."""
from preflight.records import RecordedResource, RecordedStack
from eks_variants.report.cost import estimate
from eks_variants.report.facts import stack_facts

from .conftest import STACKS, run_preflight


def res(type_, resource_name, id_, **inputs):
    return RecordedResource(urn=f"urn:pulumi:dev::raw::{type_}::{resource_name}", type=type_, name=resource_name,
                            custom=True, id=id_, inputs=inputs)


def raw_stack() -> RecordedStack:
    return RecordedStack(name="dev", project="raw", resources=[
        res("pulumi:providers:aws", "default", "p-1", region="us-east-1"),
        res("aws:ec2/vpc:Vpc", "vpc", "vpc-1", cidrBlock="10.9.0.0/16"),
        res("aws:ec2/internetGateway:InternetGateway", "igw", "igw-1", vpcId="vpc-1"),
        res("aws:ec2/subnet:Subnet", "pub-a", "subnet-a", cidrBlock="10.9.0.0/24", availabilityZone="us-east-1a",
            mapPublicIpOnLaunch=True),
        res("aws:ec2/subnet:Subnet", "pub-b", "subnet-b", cidrBlock="10.9.1.0/24", availabilityZone="us-east-1b",
            mapPublicIpOnLaunch=True),
        res("aws:ec2/routeTable:RouteTable", "rt", "rtb-1", vpcId="vpc-1",
            routes=[{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}]),
        res("aws:ec2/routeTableAssociation:RouteTableAssociation", "a", "rtbassoc-a", subnetId="subnet-a",
            routeTableId="rtb-1"),
        res("aws:ec2/routeTableAssociation:RouteTableAssociation", "b", "rtbassoc-b", subnetId="subnet-b",
            routeTableId="rtb-1"),
        res("aws:eks/cluster:Cluster", "cluster", "dev-cluster", name="dev-cluster", version="1.36",
            vpcConfig={"subnetIds": ["subnet-a", "subnet-b"]}),
        res("aws:eks/nodeGroup:NodeGroup", "nodes", "dev-cluster:nodes", instanceTypes=["t3.large"],
            scalingConfig={"desiredSize": 2, "minSize": 1, "maxSize": 3}, diskSize=20,
            subnetIds=["subnet-a", "subnet-b"]),
    ])


def test_raw_aws_resources_with_known_ids():
    f = stack_facts(raw_stack())
    assert f.region == "us-east-1" and f.vpc_cidr == "10.9.0.0/16" and f.azs == ["us-east-1a", "us-east-1b"]
    assert [(s.name, s.tier) for s in f.subnets] == [("pub-a", "public"), ("pub-b", "public")]
    assert (f.endpoint_mode, f.kubectl_from) == ("public", "internet")  # vpcConfig defaults
    [plane] = f.data_planes
    assert (plane.kind, plane.desired, plane.public_ip) == ("managed node group", 2, True)
    assert f.nodes_run_in == "public subnets" and f.egress == "internet gateway (public IPs)"
    cost = estimate(f)
    # 73 control plane + 2 x 730 x $0.0832 t3.large + 2 public IPv4 x 730 x $0.005 + 40 GB x $0.08 gp3
    assert cost.total == round(73.0 + 2 * 730 * 0.0832 + 2 * 730 * 0.005 + 40 * 0.08, 2)


def test_deployed_export_reads_like_the_preview(tmp_path):
    """Relations through known ids (a deployed stack's export) give the same facts as through
    propertyDependencies URNs (a preview of a new stack)."""
    stack_file = str(STACKS / "Pulumi.cost-public-fargate.yaml")
    for mode, extra in (("preview", []), ("deployed", ["--deployed"])):
        done = run_preflight("--config-file", stack_file, "--write-export", str(tmp_path / mode), *extra)
        assert done.returncode == 0, done.stderr
    from preflight.inputs.stack_export import read_export
    preview, deployed = (stack_facts(read_export(str(tmp_path / m / "cost-public-fargate.json")))
                         for m in ("preview", "deployed"))
    assert [(s.name, s.tier, s.nat) for s in deployed.subnets] == [(s.name, s.tier, s.nat) for s in preview.subnets]
    assert [s.tier for s in preview.subnets].count("private") == 2
    assert estimate(deployed).total == estimate(preview).total == 110.50
