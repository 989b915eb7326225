"""`make check-pins`: every pin of stack_config/pins.yaml that AWS does not offer is printed, against AWS CLI
output in the shape `aws eks describe-addon-versions` and `aws ssm get-parameter` print (DescribeAddonVersions and
GetParameter API responses; fixtures/aws_cli/describe-addon-versions.json is one such document, written by hand in
that shape: this project has no AWS account to record from). A fake `aws` executable serves them, so the tool runs
the CLI as it would for a user."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from eks_variants.check_pins import main, offered_addon_versions
from stack_config.kubernetes_versions import ADDON_NAMES, PINS, PINS_FILE, ami_parameter

FIXTURES = Path(__file__).parent / "fixtures" / "aws_cli"

FAKE_AWS = '''#!{python}
import json, pathlib, sys
root = pathlib.Path({root!r})
args = sys.argv[1:]
(root / "calls.log").open("a").write(" ".join(args) + "\\n")
def arg(name):
    return args[args.index(name) + 1]
if args[:2] == ["eks", "describe-addon-versions"]:
    f = root / "addons" / arg("--addon-name") / (arg("--kubernetes-version") + ".json")
    print(f.read_text() if f.exists() else json.dumps({{"addons": []}}))
elif args[:2] == ["ssm", "get-parameter"]:
    name = arg("--name")
    if name in (root / "parameters.txt").read_text().split():
        print(json.dumps({{"Parameter": {{"Name": name, "Type": "String", "Value": "ami-0123456789abcdef0"}}}}))
    else:
        print("An error occurred (ParameterNotFound) when calling the GetParameter operation: ", file=sys.stderr)
        sys.exit(254)
else:
    sys.exit(252)
'''


def addon_document(addon: str, version: str, builds: list[str]) -> dict:
    sample = json.loads((FIXTURES / "describe-addon-versions.json").read_text())["addons"][0]
    entry = dict(sample["addonVersions"][0])
    return {"addons": [{**sample, "addonName": addon, "addonVersions": [
        {**entry, "addonVersion": b, "compatibilities": [{"clusterVersion": version, "platformVersions": ["*"],
                                                          "defaultVersion": i == 0}]} for i, b in enumerate(builds)]}]}


@pytest.fixture
def fake_aws(tmp_path):
    """An AWS account that offers exactly what pins.yaml pins (and one newer build of each add-on)."""
    for version, pins in PINS.items():
        values = pins.__dict__
        for field, addon in ADDON_NAMES.items():
            path = tmp_path / "addons" / addon / f"{version}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(addon_document(addon, version, [values[field] + "9", values[field]])))
    (tmp_path / "parameters.txt").write_text("\n".join(
        ami_parameter(v, p.ami_release, arch) for v, p in PINS.items() for arch in ("x86_64", "arm64")))
    aws = tmp_path / "aws"
    aws.write_text(FAKE_AWS.format(python=sys.executable, root=str(tmp_path)))
    aws.chmod(0o755)
    return tmp_path


def check(fake, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eks_variants.check_pins", "--aws", str(fake / "aws"), *extra],
                          capture_output=True, text=True, timeout=120, env={**os.environ})


def test_the_recorded_shape_parses():
    runner = lambda cmd: subprocess.CompletedProcess(cmd, 0, (FIXTURES / "describe-addon-versions.json").read_text(), "")
    assert offered_addon_versions(runner, "aws", "kube-proxy", "1.36", None) == {"v1.36.0-eksbuild.14",
                                                                                  "v1.36.0-eksbuild.9"}


def test_every_pin_offered_exits_0(fake_aws):
    done = check(fake_aws, "--region", "eu-west-1")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"check-pins: {len(PINS) * 7} pins checked, 0 not offered by AWS\n"
    calls = (fake_aws / "calls.log").read_text().splitlines()
    assert "eks describe-addon-versions --addon-name aws-ebs-csi-driver --kubernetes-version 1.32 --output json " \
           "--region eu-west-1" in calls


def test_pins_aws_does_not_offer_are_printed(fake_aws):
    # One EBS CSI build pinned for every version, but AWS offers it for 1.32 only; no arm64 AMI of 1.35's release.
    ebs = PINS["1.33"].ebs_csi_driver
    for version in ("1.33", "1.34", "1.35", "1.36"):
        (fake_aws / "addons" / "aws-ebs-csi-driver" / f"{version}.json").write_text(
            json.dumps(addon_document("aws-ebs-csi-driver", version, ["v9.9.9-eksbuild.1"])))
    arm = ami_parameter("1.35", PINS["1.35"].ami_release, "arm64")
    params = fake_aws / "parameters.txt"
    params.write_text(params.read_text().replace(arm + "\n", ""))
    done = check(fake_aws)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines == [
        *(f"stack_config/pins.yaml: versions.{v}.aws-ebs-csi-driver: {ebs} is not offered for Kubernetes {v} "
          f"(aws eks describe-addon-versions lists 1, e.g. v9.9.9-eksbuild.1)" for v in ("1.33", "1.34")),
        f"stack_config/pins.yaml: versions.1.35.aws-ebs-csi-driver: {ebs} is not offered for Kubernetes 1.35 "
        "(aws eks describe-addon-versions lists 1, e.g. v9.9.9-eksbuild.1)",
        f"stack_config/pins.yaml: versions.1.35.amiRelease: {PINS['1.35'].ami_release} has no arm64 AMI for "
        f"Kubernetes 1.35 (SSM parameter {arm} not found)",
        f"stack_config/pins.yaml: versions.1.36.aws-ebs-csi-driver: {ebs} is not offered for Kubernetes 1.36 "
        "(aws eks describe-addon-versions lists 1, e.g. v9.9.9-eksbuild.1)",
    ]


def test_aws_cli_errors_and_a_missing_cli_exit_2(tmp_path):
    denied = lambda cmd: subprocess.CompletedProcess(cmd, 255, "", "Unable to locate credentials.")
    assert main(["--region", "eu-west-1"], runner=denied) == 2
    done = check(tmp_path)  # no aws there
    assert done.returncode == 2 and done.stderr.startswith(f"check-pins: {tmp_path / 'aws'}: not found")


def test_pins_are_data_in_one_file():
    data = yaml.safe_load(PINS_FILE.read_text())
    assert set(data["versions"]) == set(PINS)
    for version, entry in data["versions"].items():
        assert set(entry) == {*ADDON_NAMES.values(), "amiRelease"}
        assert PINS[version].ami_release == entry["amiRelease"]
