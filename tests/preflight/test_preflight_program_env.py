"""Programs with their own Python environment: preflight runs them with the interpreter their Pulumi.yaml
names (`runtime.options.virtualenv`, relative to the program), as the Pulumi Python language host does
(pulumi/pulumi sdk/python/toolchain/pip.go: the virtualenv's bin/python, activated), so the program's own
pulumi, pulumi-aws, pulumi-eks and pulumi-awsx versions are the ones that run.

The environments are real: tests/preflight/fixtures/program_envs/<name>/venv, built from each program's
requirements.lock by `make program-envs` (a dependency of `make test`).
"""
import json
import shutil
import subprocess
import sys

import pytest

from preflight.program.python_env import OLDEST_PULUMI
from tests.preflight.helpers import FIXTURES, REPO

ENVS = FIXTURES / "program_envs"
AWSX = ENVS / "awsx-cluster"
OLDEST = ENVS / "oldest-sdk"
PULUMI2 = ENVS / "pulumi2-sdk"


def _locked_version(program, package):
    for line in (program / "requirements.lock").read_text().splitlines():
        if line.startswith(f"{package}=="):
            return line.split("==")[1].split()[0]
    raise AssertionError(f"{package} not in {program}/requirements.lock")


def _env_built(program):
    if not (program / "venv" / ".installed-from-lock").is_file():
        pytest.fail(f"{program}/venv is not built: run `make program-envs` (make test does)")


def _preflight(program, *args, timeout=300):
    cmd = [sys.executable, "-m", "preflight", "--program", str(program), *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def _export(tmp_path, program, *args):
    r = _preflight(program, "--all", "--json", "--write-export", str(tmp_path), *args)
    resources = json.loads((tmp_path / "dev.json").read_text())["deployment"]["resources"] \
        if (tmp_path / "dev.json").is_file() else []
    return r, {res["urn"]: res for res in resources}


def _root_outputs(resources):
    return next(r for r in resources.values() if r["type"] == "pulumi:pulumi:Stack")["outputs"]


def test_awsx_program_runs_in_its_own_virtualenv(tmp_path):
    """The `kubernetes-aws-python` shape: awsx.ec2.Vpc + pulumi-eks Cluster with a public endpoint and
    no publicAccessCidrs, which AWS opens to 0.0.0.0/0 (EKS User Guide, cluster-endpoint: "By default,
    ... the public endpoint is accessible from the internet"): the advisory eks-public-access-cidrs."""
    _env_built(AWSX)
    r, resources = _export(tmp_path, AWSX)
    assert r.returncode == 0, r.stderr
    outputs = _root_outputs(resources)
    assert outputs["pythonPrefix"] == str(AWSX / "venv")
    assert outputs["pulumiSdk"] == _locked_version(AWSX, "pulumi")

    vpc_urn = "urn:pulumi:dev::awsx-cluster::awsx:ec2:Vpc::eks-vpc"
    cluster_urn = "urn:pulumi:dev::awsx-cluster::eks:index:Cluster::eks-cluster"
    vpc, cluster = resources[vpc_urn], resources[cluster_urn]
    assert vpc["inputs"] == {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}
    assert cluster["inputs"]["endpointPublicAccess"] is True
    assert cluster["inputs"]["nodeAssociatePublicIpAddress"] is False
    # The cluster's network inputs are the awsx component's outputs: unknown at preview, wired by
    # property dependencies to the VPC, as the engine records them.
    for prop in ("vpcId", "publicSubnetIds", "privateSubnetIds"):
        assert cluster["propertyDependencies"][prop] == [vpc_urn], prop
    awsx_provider = f"urn:pulumi:dev::awsx-cluster::pulumi:providers:awsx::default_" \
                    f"{_locked_version(AWSX, 'pulumi-awsx').replace('.', '_')}"
    assert vpc["provider"].startswith(awsx_provider + "::")

    result = json.loads(r.stdout)["results"][0]
    assert result["resources"] == len(resources)
    assert [(v["policy"], v["enforcementLevel"], v["urn"]) for v in result["violations"]
            if v["policy"] == "eks-public-access-cidrs"] == [("eks-public-access-cidrs", "advisory", cluster_urn)]
    assert not [v for v in result["violations"] if v["enforcementLevel"] == "mandatory"]


def test_program_pinned_to_the_oldest_supported_sdk(tmp_path):
    """pulumi 3.51.0 with pulumi-aws 6.5.0: a private endpoint in a VPC whose DNS hostnames stay at their
    default (off) is blocked (EKS User Guide, cluster-endpoint: the VPC needs enableDnsHostnames and
    enableDnsSupport for the private endpoint)."""
    _env_built(OLDEST)
    assert _locked_version(OLDEST, "pulumi") == ".".join(map(str, OLDEST_PULUMI))
    r, resources = _export(tmp_path, OLDEST)
    assert r.returncode == 1, r.stderr
    outputs = _root_outputs(resources)
    assert outputs["pythonPrefix"] == str(OLDEST / "venv")
    assert outputs["pulumiSdk"] == "3.51.0"
    aws_version = _locked_version(OLDEST, "pulumi-aws")
    provider_urn = f"urn:pulumi:dev::oldest-sdk::pulumi:providers:aws::default_{aws_version.replace('.', '_')}"
    assert resources[provider_urn]["inputs"] == {"region": "eu-west-1", "version": aws_version}
    vpc_urn = "urn:pulumi:dev::oldest-sdk::aws:ec2/vpc:Vpc::vpc"
    assert resources[vpc_urn]["inputs"]["enableDnsSupport"] is True
    assert "enableDnsHostnames" not in resources[vpc_urn]["inputs"]
    subnets = [res for res in resources.values() if res["type"] == "aws:ec2/subnet:Subnet"]
    assert sorted(s["inputs"]["availabilityZone"] for s in subnets) == ["eu-west-1a", "eu-west-1b"]
    assert all(s["propertyDependencies"]["vpcId"] == [vpc_urn] for s in subnets)

    violations = json.loads(r.stdout)["results"][0]["violations"]
    assert [(v["policy"], v["enforcementLevel"], v["urn"]) for v in violations
            if v["enforcementLevel"] == "mandatory"] == [("eks-private-endpoint-vpc-dns", "mandatory", vpc_urn)]


def test_oldest_sdk_records_a_deployed_stack(tmp_path):
    """--deployed in the program's environment: ids and ARNs known, as after `pulumi up`."""
    _env_built(OLDEST)
    r, resources = _export(tmp_path, OLDEST, "--deployed")
    assert r.returncode == 1, r.stderr
    vpc = resources["urn:pulumi:dev::oldest-sdk::aws:ec2/vpc:Vpc::vpc"]
    assert vpc["id"].startswith("vpc-") and vpc["outputs"]["id"] == vpc["id"]
    cluster = resources["urn:pulumi:dev::oldest-sdk::aws:eks/cluster:Cluster::cluster"]
    assert cluster["outputs"]["arn"].startswith("arn:aws:eks:eu-west-1:123456789012:cluster/")


def _copy_program(src, dst, virtualenv=None):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("venv"))
    if virtualenv is not None:
        text = (dst / "Pulumi.yaml").read_text().replace("virtualenv: venv", f"virtualenv: {virtualenv}")
        (dst / "Pulumi.yaml").write_text(text)
    return dst


def _input_error(r, *needles):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    for n in needles:
        assert n in r.stderr, r.stderr


def test_missing_environment_says_how_to_create_it(tmp_path):
    program = _copy_program(OLDEST, tmp_path / "prog")
    r = _preflight(program, "--all")
    assert r.stdout == ""  # refused at the plan step: nothing was recorded or checked
    _input_error(r, f"{program}/Pulumi.yaml: runtime.options.virtualenv: venv:",
                 f"{program}/venv does not exist", "preflight installs nothing",
                 f"cd {program} && python -m venv venv && venv/bin/pip install -r requirements.txt")
    assert not (program / "venv").exists()  # nothing was created


def test_environment_without_python_is_an_input_error(tmp_path):
    program = _copy_program(OLDEST, tmp_path / "prog")
    (program / "venv" / "lib").mkdir(parents=True)
    _input_error(_preflight(program, "--all"), "runtime.options.virtualenv: venv:",
                 f"{program}/venv is not a virtualenv (no bin/python)")


def test_sdk_outside_the_supported_range(tmp_path):
    _env_built(PULUMI2)
    _input_error(_preflight(PULUMI2, "--all"), f"{PULUMI2}/Pulumi.yaml: runtime.options.virtualenv: venv:",
                 "has pulumi 2.25.2", "preflight records programs with pulumi >=3.51.0,<4",
                 f"cd {PULUMI2} && venv/bin/pip install -r requirements.txt")


def test_program_failure_in_its_environment_is_reported(tmp_path):
    """An absolute `virtualenv` path (pip.go: used as given); the program's exception is one line, its
    traceback only with --debug; what the program printed is relayed on stderr."""
    _env_built(OLDEST)
    program = _copy_program(OLDEST, tmp_path / "prog", virtualenv=str(OLDEST / "venv"))
    (program / "__main__.py").write_text("import pulumi_aws\nprint('about to fail')\n"
                                         "raise ValueError('no subnets configured')\n")
    r = _preflight(program, "--all")
    _input_error(r, "stacks/Pulumi.dev.yaml: the program failed: ValueError: no subnets configured", "about to fail")
    assert r.stdout.strip().endswith("1 input could not be used: dev")
    r = _preflight(program, "--all", "--debug")
    assert r.returncode == 2 and "Traceback" in r.stderr and 'line 3, in <module>' in r.stderr


def test_stacks_recorded_in_parallel_in_the_programs_environment(tmp_path):
    """--jobs with a program in its own environment: forked workers each run the environment's
    interpreter; every stack is reported in order with its own region's zones."""
    _env_built(OLDEST)
    program = _copy_program(OLDEST, tmp_path / "prog", virtualenv=str(OLDEST / "venv"))
    for name, region in (("a", "us-west-2"), ("b", "ap-northeast-1")):
        (program / "stacks" / f"Pulumi.{name}.yaml").write_text(f"config:\n  aws:region: {region}\n")
    r = _preflight(program, "--all", "--json", "--jobs", "3", "--debug", "--write-export", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr
    assert "recording 3 stacks in 3 forked worker processes" in r.stderr
    results = json.loads(r.stdout)["results"]
    assert [res["source"] for res in results] == ["a", "b", "dev"]
    assert all([v["policy"] for v in res["violations"] if v["enforcementLevel"] == "mandatory"]
               == ["eks-private-endpoint-vpc-dns"] for res in results)
    zones = {}
    for name in ("a", "b", "dev"):
        exported = json.loads((tmp_path / "out" / f"{name}.json").read_text())["deployment"]["resources"]
        zones[name] = sorted(res["inputs"]["availabilityZone"] for res in exported
                             if res["type"] == "aws:ec2/subnet:Subnet")
    assert zones == {"a": ["us-west-2a", "us-west-2b"], "b": ["ap-northeast-1a", "ap-northeast-1c"],
                     "dev": ["eu-west-1a", "eu-west-1b"]}


def test_config_type_errors_come_with_the_programs_own(tmp_path):
    """A value that does not fit its Pulumi.yaml type is reported as for a program recorded here, the
    program still runs in its environment (its own errors would come in the same report)."""
    _env_built(OLDEST)
    program = _copy_program(OLDEST, tmp_path / "prog", virtualenv=str(OLDEST / "venv"))
    with (program / "Pulumi.yaml").open("a") as f:
        f.write("config:\n  zones:\n    type: integer\n    default: 2\n")
    (program / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n  oldest-sdk:zones: many\n")
    _input_error(_preflight(program, "--all"), "'oldest-sdk:zones' must be of type 'integer'")


# What every Pulumi Python environment has: the SDK and its dependencies (grpcio, protobuf, pyyaml).
CHILD_MAY_IMPORT = {"pulumi", "grpc", "google", "yaml"}


def test_the_child_imports_only_the_standard_library_and_pulumi():
    """python_env_run.BOOTSTRAP loads preflight by path inside the program's own environment and runs
    preflight.program.python_env_child: every module that reaches (its packages' __init__ modules and imports
    inside functions included) may import only the standard library and what every Pulumi Python
    environment has."""
    from preflight.program.python_env_run import BOOTSTRAP
    from tests.preflight.import_graph import imports_of, package_modules, top

    assert "from preflight.program.python_env_child import main" in BOOTSTRAP
    known = package_modules(REPO / "preflight")
    seen, todo, outside = set(), ["preflight", "preflight.program.python_env_child"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # its packages run first
        for imp in imports_of(known[name]):
            if imp.module in known:
                todo.append(imp.module)
            elif top(imp.module) != "preflight":
                outside.add((top(imp.module), name))
    assert "preflight.program.record" in seen and "preflight.inputs.stack_files" in seen
    wrong = sorted(f"{module} imports {package}" for package, module in outside
                   if package not in sys.stdlib_module_names and package not in CHILD_MAY_IMPORT)
    assert wrong == []
