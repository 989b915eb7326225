"""Export mode: `pulumi stack export` v3 in and out."""
import json

from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.inputs.stack_export import read_export, to_deployment, write_export
from preflight.sentinels import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE
from tests.preflight.helpers import PACK, run_cli

S = "urn:pulumi:live::net::"


def _hand_written_export():
    prov = S + "pulumi:providers:aws::default_7_51_1"
    pref = prov + "::0b8e0d1c-6a4e-4d41-9d8e-3c9a7e1f2a44"
    return {"version": 3, "deployment": {
        "manifest": {"time": "2025-01-01T00:00:00Z", "magic": "x", "version": "v3.200.0"},
        "resources": [
            {"urn": S + "pulumi:pulumi:Stack::net-live", "custom": False, "type": "pulumi:pulumi:Stack",
             "outputs": {"vpcId": "vpc-0abc"}},
            {"urn": prov, "custom": True, "id": "0b8e0d1c-6a4e-4d41-9d8e-3c9a7e1f2a44",
             "type": "pulumi:providers:aws", "inputs": {"region": "eu-west-1", "version": "7.51.1"},
             "outputs": {"region": "eu-west-1", "version": "7.51.1"}},
            {"urn": S + "aws:ec2/vpc:Vpc::main", "custom": True, "id": "vpc-0abc", "type": "aws:ec2/vpc:Vpc",
             "inputs": {"cidrBlock": "10.0.0.0/16"},
             "outputs": {"id": "vpc-0abc", "cidrBlock": "10.0.0.0/16", "enableDnsHostnames": False},
             "parent": S + "pulumi:pulumi:Stack::net-live", "provider": pref},
            {"urn": S + "aws:ec2/subnet:Subnet::a", "custom": True, "id": "subnet-0a", "type": "aws:ec2/subnet:Subnet",
             "inputs": {"vpcId": "vpc-0abc", "mapPublicIpOnLaunch": True},
             "outputs": {"id": "subnet-0a", "vpcId": "vpc-0abc", "mapPublicIpOnLaunch": True,
                         "tags": {SIG_KEY: SECRET_SIG, "plaintext": "{\"k\":\"v\"}"}},
             "parent": S + "pulumi:pulumi:Stack::net-live", "provider": pref,
             "dependencies": [S + "aws:ec2/vpc:Vpc::main"],
             "propertyDependencies": {"vpcId": [S + "aws:ec2/vpc:Vpc::main"]}},
        ]}}


def test_read_hand_written_export_and_analyze(tmp_path):
    f = tmp_path / "live.json"
    f.write_text(json.dumps(_hand_written_export()))
    st = read_export(f)
    assert st.name == "live" and st.project == "net" and len(st.resources) == 4
    sub = st.get(S + "aws:ec2/subnet:Subnet::a")
    assert sub.id == "subnet-0a" and sub.property_dependencies == {"vpcId": [S + "aws:ec2/vpc:Vpc::main"]}
    assert sub.outputs["tags"] == {SIG_KEY: SECRET_SIG, "value": {"k": "v"}}
    with PolicyPackProcess(PACK) as p:
        vs = p.analyze(st, snapshot=True)
    assert sorted((v.policy, v.urn) for v in vs) == [
        ("no-public-subnets", S + "aws:ec2/subnet:Subnet::a"),
        ("vpc-dns", S + "aws:ec2/vpc:Vpc::main"),
        ("vpc-dns", S + "pulumi:pulumi:Stack::net-live"),
    ]


def test_export_mode_mirrors_policy_analyze_file(tmp_path):
    """pulumi policy analyze --file: Remediate then Analyze with the *inputs* per resource, AnalyzeStack
    with the outputs; remediations are reported (advisory), never applied."""
    export = _hand_written_export()
    subnet = next(r for r in export["deployment"]["resources"] if r["urn"].endswith("::a"))
    subnet["inputs"]["mapPublicIpOnLaunch"] = False  # the outputs still say true
    f = tmp_path / "live.json"
    f.write_text(json.dumps(export))
    st = read_export(f)
    with PolicyPackProcess(PACK, {"tag-owner": "remediate"}) as p:
        vs = p.analyze(st, snapshot=True)
        preview_like = p.analyze(st)
    by_policy = {}
    for v in vs:
        by_policy.setdefault(v.policy, []).append(v)
    assert "no-public-subnets" not in by_policy  # Analyze judged the inputs
    (remediation,) = by_policy["tag-owner"]
    assert remediation.enforcement_level == "advisory" and remediation.urn == S + "aws:ec2/subnet:Subnet::a"
    assert "'owner': 'platform'" in remediation.message
    assert "tag-owner" not in {v.policy for v in preview_like}  # Remediate is only called for exports


def test_round_trip_keeps_everything(recorded, tmp_path):
    st = recorded["dev"]
    path = write_export(st, tmp_path)
    data = json.loads(open(path).read())
    assert data["version"] == 3 and data["deployment"]["resources"][0]["type"] == "pulumi:pulumi:Stack"
    token = [r for r in data["deployment"]["resources"] if r["urn"].endswith("::token")][0]
    assert token["inputs"]["value"] == {SIG_KEY: SECRET_SIG, "plaintext": '"preflight-secret-placeholder"'}
    back = read_export(path)
    assert [r.urn for r in back.resources] == [r.urn for r in st.resources]
    for a, b in zip(st.resources, back.resources):
        assert (a.type, a.custom, a.parent, a.provider, a.inputs, a.outputs, a.dependencies,
                a.property_dependencies) == (b.type, b.custom, b.parent, b.provider, b.inputs, b.outputs,
                                             b.dependencies, b.property_dependencies)
    prov = [r for r in to_deployment(back)["deployment"]["resources"] if r["type"] == "pulumi:providers:aws"]
    assert prov[0]["id"] == UNKNOWN_VALUE


def test_write_export_then_export_gives_same_verdicts(tmp_path):
    out = tmp_path / "exports"
    a = run_cli("--stack", "prod", "--deployed", "--json", "--write-export", str(out))
    assert a.returncode == 1, a.stderr
    b = run_cli("--export", str(out / "prod.json"), "--json")
    assert b.returncode == 1, b.stderr
    va = json.loads(a.stdout)["results"][0]["violations"]
    vb = json.loads(b.stdout)["results"][0]["violations"]
    key = lambda v: (v["policy"], v["urn"], v["enforcementLevel"])  # noqa: E731
    assert sorted(map(key, va)) == sorted(map(key, vb)) and va
    exported = json.loads((out / "prod.json").read_text())
    vpc = [r for r in exported["deployment"]["resources"] if r["type"] == "aws:ec2/vpc:Vpc"][0]
    assert vpc["id"].startswith("vpc-")


def test_remediate_is_skipped_only_where_it_cannot_report(tmp_path):
    """With no policy at level "remediate", the SDK's Remediate answers nothing for any resource: preflight
    does not call it then (pack_process.analyze); with one, the remediation is reported as above."""
    from preflight.analyzer.wire import analyze_request
    f = tmp_path / "live.json"
    f.write_text(json.dumps(_hand_written_export()))
    st = read_export(f)
    index = st.by_urn()
    with PolicyPackProcess(PACK, {"all": "mandatory", "tag-owner": "mandatory"}) as p:
        answers = [p.stub.Remediate(analyze_request(r, index)) for r in st.resources]
        assert [list(a.remediations) for a in answers] == [[]] * len(st.resources)
        assert "tag-owner" not in {v.policy for v in p.analyze(st, snapshot=True)}
    with PolicyPackProcess(PACK, {"tag-owner": "remediate"}) as p:
        assert "tag-owner" in {v.policy for v in p.analyze(st, snapshot=True)}


def test_written_references_are_what_the_engine_writes_to_state(tmp_path):
    """pkg/resource/stack/deployment.go SerializePropertyValue: a resource reference keeps `urn` and
    `packageVersion`, and a custom resource's unknown id is written "" (the CLI refuses an unknown id there:
    "malformed resource reference: id must be a string"); a component's reference has no id."""
    from preflight.records import RecordedResource, RecordedStack
    from preflight.sentinels import RESOURCE_REF_SIG
    ref = {SIG_KEY: RESOURCE_REF_SIG, "urn": S + "aws:iam/role:Role::r", "id": UNKNOWN_VALUE}
    comp = {SIG_KEY: RESOURCE_REF_SIG, "urn": S + "eks:index:Cluster::c"}
    known = {SIG_KEY: RESOURCE_REF_SIG, "urn": S + "aws:iam/role:Role::k", "id": "k-role", "packageVersion": "7.51.1"}
    stack = RecordedStack(name="live", project="net", preview=True, source="live", resources=[
        RecordedResource(urn=S + "eks:index:ManagedNodeGroup::ng", type="eks:index:ManagedNodeGroup", name="ng",
                         custom=False, inputs={"nodeRole": ref, "cluster": comp, "other": [known]})])
    inputs = to_deployment(stack)["deployment"]["resources"][0]["inputs"]
    assert inputs["nodeRole"] == {SIG_KEY: RESOURCE_REF_SIG, "urn": ref["urn"], "packageVersion": "", "id": ""}
    assert inputs["cluster"] == {SIG_KEY: RESOURCE_REF_SIG, "urn": comp["urn"], "packageVersion": ""}
    assert inputs["other"] == [{SIG_KEY: RESOURCE_REF_SIG, "urn": known["urn"], "packageVersion": "7.51.1",
                                "id": "k-role"}]


def test_references_read_from_state_are_marshalled_as_the_engine_marshals_them():
    """sdk/go/common/resource/plugin/rpc.go MarshalPropertyValue without KeepResources: a reference is its id
    where it has one (an id "" from state stays "", an unknown id stays unknown), else its URN."""
    from preflight.sentinels import RESOURCE_REF_SIG
    from preflight.analyzer.wire import marshal_value
    urn = S + "aws:iam/role:Role::r"
    assert marshal_value({SIG_KEY: RESOURCE_REF_SIG, "urn": urn, "id": ""}) == ""
    assert marshal_value({SIG_KEY: RESOURCE_REF_SIG, "urn": urn, "id": UNKNOWN_VALUE}) == UNKNOWN_VALUE
    assert marshal_value({SIG_KEY: RESOURCE_REF_SIG, "urn": urn, "id": "role-1"}) == "role-1"
    assert marshal_value({SIG_KEY: RESOURCE_REF_SIG, "urn": urn}) == urn


def test_an_export_with_secrets_names_a_secrets_manager_and_one_without_does_not(recorded, tmp_path):
    """`pulumi stack import` re-encrypts a file's secrets with the manager it names and panics without one."""
    from preflight.inputs.stack_export import EMPTY_PASSPHRASE_PROVIDER
    from preflight.records import RecordedResource, RecordedStack
    with_secret = recorded["dev"]
    assert SECRET_SIG in json.dumps(to_deployment(with_secret))
    assert to_deployment(with_secret)["deployment"]["secrets_providers"] == EMPTY_PASSPHRASE_PROVIDER
    plain = RecordedStack(name="live", project="net", preview=False, source="live", resources=[
        RecordedResource(urn=S + "aws:ec2/vpc:Vpc::v", type="aws:ec2/vpc:Vpc", name="v", custom=True, id="vpc-1",
                         inputs={"cidrBlock": "10.0.0.0/16"})])
    assert "secrets_providers" not in to_deployment(plain)["deployment"]
