"""`make check-pins` (`python -m eks_variants.check_pins`): ask AWS, with your credentials, whether it offers every
pin of `stack_config/pins.yaml`, and print each one it does not.

- add-ons: `aws eks describe-addon-versions --addon-name NAME --kubernetes-version V` lists the builds EKS offers
  for V; a pin missing from that list is reported (so is one build pinned for a version it does not support);
- AMIs: `aws ssm get-parameter --name /aws/service/eks/optimized-ami/V/amazon-linux-2023/ARCH/standard/
  amazon-eks-node-al2023-ARCH-standard-V-RELEASE/image_id` for x86_64 and arm64 (EKS User Guide, retrieve-ami-id);
  `ParameterNotFound` means AWS publishes no such release.

Exit status: 0 every pin offered, 1 some are not (one line each), 2 the AWS CLI could not be run or answered with
another error (credentials, region), one line each.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import asdict
from typing import Callable, Optional, Sequence

from stack_config.kubernetes_versions import ADDON_NAMES, PINS, ami_parameter

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]
ARCHITECTURES = ("x86_64", "arm64")


class AwsError(Exception):
    pass


def _aws(runner: Runner, aws: str, args: list[str], region: Optional[str]) -> "subprocess.CompletedProcess[str]":
    command = [aws, *args, "--output", "json", *(["--region", region] if region else [])]
    try:
        return runner(command)
    except FileNotFoundError:
        raise AwsError(f"{aws}: not found; install the AWS CLI v2 (README, 'Deploying for real')") from None


def offered_addon_versions(runner: Runner, aws: str, addon: str, version: str, region: Optional[str]) -> set[str]:
    done = _aws(runner, aws, ["eks", "describe-addon-versions", "--addon-name", addon, "--kubernetes-version", version],
                region)
    if done.returncode != 0:
        raise AwsError(f"aws eks describe-addon-versions --addon-name {addon} --kubernetes-version {version}: "
                       f"{done.stderr.strip() or f'exit {done.returncode}'}")
    try:
        addons = json.loads(done.stdout)["addons"]
    except (ValueError, KeyError, TypeError):
        raise AwsError(f"aws eks describe-addon-versions --addon-name {addon}: unexpected output") from None
    return {v["addonVersion"] for a in addons if a.get("addonName") == addon for v in a.get("addonVersions", [])}


def ami_published(runner: Runner, aws: str, parameter: str, region: Optional[str]) -> bool:
    done = _aws(runner, aws, ["ssm", "get-parameter", "--name", parameter], region)
    if done.returncode == 0:
        return True
    if "ParameterNotFound" in done.stderr:
        return False
    raise AwsError(f"aws ssm get-parameter --name {parameter}: {done.stderr.strip() or f'exit {done.returncode}'}")


def missing_pins(runner: Runner, aws: str = "aws", region: Optional[str] = None) -> list[str]:
    """One line per pin AWS does not offer, in pins.yaml order."""
    lines = []
    for version, pins in PINS.items():
        values = asdict(pins)
        for field, addon in ADDON_NAMES.items():
            offered = offered_addon_versions(runner, aws, addon, version, region)
            if values[field] not in offered:
                newest = sorted(offered)[-1:] or ["none"]
                lines.append(f"stack_config/pins.yaml: versions.{version}.{addon}: {values[field]} is not offered for "
                             f"Kubernetes {version} (aws eks describe-addon-versions lists {len(offered)}, e.g. {newest[0]})")
        for arch in ARCHITECTURES:
            parameter = ami_parameter(version, pins.ami_release, arch)
            if not ami_published(runner, aws, parameter, region):
                lines.append(f"stack_config/pins.yaml: versions.{version}.amiRelease: {pins.ami_release} has no {arch} "
                             f"AMI for Kubernetes {version} (SSM parameter {parameter} not found)")
    return lines


def _run(command: list[str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def main(argv: Optional[Sequence[str]] = None, runner: Runner = _run) -> int:
    parser = argparse.ArgumentParser(prog="python -m eks_variants.check_pins", description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", help="AWS region to ask (default: the AWS CLI's own: AWS_REGION, profile)")
    parser.add_argument("--aws", default="aws", help="the AWS CLI executable (default: aws on PATH)")
    args = parser.parse_args(argv)
    try:
        lines = missing_pins(runner, args.aws, args.region)
    except AwsError as e:
        print(f"check-pins: {e}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    checked = len(PINS) * (len(ADDON_NAMES) + len(ARCHITECTURES))
    print(f"check-pins: {checked} pins checked, {len(lines)} not offered by AWS", file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
