"""The Kubernetes versions this project lets a stack ask for, and what each one pins: the one place to update.

Amazon EKS supports a minor version for 14 months of standard support and 12 months of extended
support (EKS User Guide, "Understand the Kubernetes version lifecycle on EKS"). The window below is
the versions inside standard or extended support on the date in ``CHECKED_ON``.

Everything that would otherwise float to "latest" on every ``pulumi up`` (and so roll nodes or restart
system pods on an unrelated change) is pinned per Kubernetes version, as data in ``pins.yaml``: the kube-proxy, VPC CNI and
CoreDNS add-on versions, and the EKS-optimized Amazon Linux 2023 AMI release of self-managed nodes.

Bump procedure (one pull request, reviewed like any other change that rolls nodes):

1. For each version ``V`` in the window, read the newest add-on versions::

       aws eks describe-addon-versions --kubernetes-version V --addon-name kube-proxy \\
           --query 'addons[].addonVersions[0].addonVersion'      # likewise vpc-cni, coredns,
                                                                 # eks-pod-identity-agent, aws-ebs-csi-driver

   (or the tables of the EKS User Guide pages managing-kube-proxy, managing-vpc-cni, managing-coredns),
   and the newest AMI release (``vYYYYMMDD``) of https://github.com/awslabs/amazon-eks-ami/releases;
   check it exists for every ``V``::

       aws ssm get-parameter --region <region> --name "$(.venv/bin/python -c \\
           'from stack_config.kubernetes_versions import ami_parameter; print(ami_parameter("V", "vYYYYMMDD"))')"

2. Edit ``pins.yaml`` beside this file (and ``SUPPORTED_VERSIONS`` when EKS adds or retires a version), set
   ``checkedOn``; ``make check-pins`` (``tools/check_pins.py``) then lists every pin AWS does not offer.
3. ``make test`` and ``make preflight``; ``pulumi preview`` on a stack shows the add-on updates and, for
   self-managed nodes, a launch-template change (a rolling instance refresh; docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# Oldest first. 1.32 leaves extended support on 2027-03-23; 1.36 is the newest EKS release.
SUPPORTED_VERSIONS: tuple[str, ...] = ("1.32", "1.33", "1.34", "1.35", "1.36")

NEWEST_SUPPORTED = SUPPORTED_VERSIONS[-1]


@dataclass(frozen=True)
class ReleasePins:
    """What one Kubernetes version runs: EKS add-on versions and the AL2023 AMI release (``vYYYYMMDD``)."""

    kube_proxy: str
    vpc_cni: str
    coredns: str
    ami_release: str
    pod_identity_agent: str
    ebs_csi_driver: str


# The add-on name (as `aws eks describe-addon-versions --addon-name` takes it) of each ReleasePins field.
ADDON_NAMES: dict[str, str] = {
    "kube_proxy": "kube-proxy",
    "vpc_cni": "vpc-cni",
    "coredns": "coredns",
    "pod_identity_agent": "eks-pod-identity-agent",
    "ebs_csi_driver": "aws-ebs-csi-driver",
}
PINS_FILE = Path(__file__).with_name("pins.yaml")


def _load_pins(path: Path = PINS_FILE) -> tuple[str, dict[str, ReleasePins]]:
    """``pins.yaml``: the data (values and their sources) in one file, checked by ``make check-pins``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pins = {
        str(version): ReleasePins(ami_release=str(entry["amiRelease"]),
                                  **{field: str(entry[addon]) for field, addon in ADDON_NAMES.items()})
        for version, entry in data["versions"].items()
    }
    return str(data["checkedOn"]), pins


CHECKED_ON, PINS = _load_pins()


def pins_for(version: str) -> ReleasePins:
    return PINS[version]


def ami_parameter(version: str, release: str | None = None, arch: str = "x86_64") -> str:
    """The public SSM parameter holding the AMI id of one AL2023 EKS-optimized release for ``arch``
    (``x86_64`` or ``arm64``; EKS User Guide, retrieve-ami-id: a release name in place of ``recommended``)."""
    release = release or PINS[version].ami_release
    return (
        f"/aws/service/eks/optimized-ami/{version}/amazon-linux-2023/{arch}/standard/"
        f"amazon-eks-node-al2023-{arch}-standard-{version}-{release}/image_id"
    )


# End of standard support per version (EKS User Guide, kubernetes-versions: "under standard support in
# Amazon EKS for the first 14 months after it's released", then 12 months of extended support billed at
# $0.60 instead of $0.10 per cluster-hour). Dates from the EKS release calendar as copied in
# aws-samples/sample-apex-skills eks-operation-review/references/cluster-lifecycle.md (verified there
# 2026-04-24); 1.36 was released after that copy and is in standard support until at least 14 months after
# its release. Update with SUPPORTED_VERSIONS.
END_OF_STANDARD_SUPPORT: dict[str, str | None] = {
    "1.32": "2026-03-23",
    "1.33": "2026-07-29",
    "1.34": "2026-12-02",
    "1.35": "2027-03-27",
    "1.36": None,  # the newest release: standard support
}


def support_phase(version: str, on: str | None = None) -> str | None:
    """"standard" or "extended" support of ``version`` on the ISO date ``on`` (default: today); None for a
    version outside the table."""
    import datetime

    if version not in END_OF_STANDARD_SUPPORT:
        return None
    end = END_OF_STANDARD_SUPPORT[version]
    today = on or datetime.date.today().isoformat()
    return "standard" if end is None or today < end else "extended"
