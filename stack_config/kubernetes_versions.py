"""The Kubernetes versions this project lets a stack ask for, and what each one pins: the one place to update.

Amazon EKS supports a minor version for 14 months of standard support and 12 months of extended
support (EKS User Guide, "Understand the Kubernetes version lifecycle on EKS"). The window below is
the versions inside standard or extended support on the date in ``CHECKED_ON``.

Everything that would otherwise float to "latest" on every ``pulumi up`` (and so roll nodes or restart
system pods on an unrelated change) is pinned here per Kubernetes version: the kube-proxy, VPC CNI and
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

2. Edit ``PINS`` (and ``SUPPORTED_VERSIONS`` when EKS adds or retires a version), set ``CHECKED_ON``.
3. ``make test`` and ``make preflight``; ``pulumi preview`` on a stack shows the add-on updates and, for
   self-managed nodes, a launch-template change (an instance refresh).
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKED_ON = "2026-12-01"

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


# Sources (read 2026-12-01): kube-proxy and CoreDNS from the EKS User Guide pages managing-kube-proxy and
# managing-coredns ("latest version of the Amazon EKS add-on type for each Kubernetes version"); VPC CNI
# from vpc-add-on-update (v1.20.0-eksbuild.1, one CNI release serves every supported version); the AMI
# release v20260818 from awslabs/amazon-eks-ami releases. Not verified against an AWS account here.
# The Pod Identity agent and EBS CSI driver builds (one release of each serves every supported version)
# are taken from public configurations; this session had no AWS account to run the command above.
_AMI_RELEASE = "v20260818"
_VPC_CNI = "v1.20.0-eksbuild.1"
_POD_IDENTITY_AGENT = "v1.3.8-eksbuild.2"
_EBS_CSI_DRIVER = "v1.48.0-eksbuild.2"
_STORAGE_AND_IDENTITY = (_POD_IDENTITY_AGENT, _EBS_CSI_DRIVER)
PINS: dict[str, ReleasePins] = {
    "1.32": ReleasePins("v1.32.13-eksbuild.16", _VPC_CNI, "v1.11.4-eksbuild.40", _AMI_RELEASE, *_STORAGE_AND_IDENTITY),
    "1.33": ReleasePins("v1.33.10-eksbuild.13", _VPC_CNI, "v1.12.4-eksbuild.18", _AMI_RELEASE, *_STORAGE_AND_IDENTITY),
    "1.34": ReleasePins("v1.34.6-eksbuild.13", _VPC_CNI, "v1.13.2-eksbuild.11", _AMI_RELEASE, *_STORAGE_AND_IDENTITY),
    "1.35": ReleasePins("v1.35.3-eksbuild.13", _VPC_CNI, "v1.14.3-eksbuild.3", _AMI_RELEASE, *_STORAGE_AND_IDENTITY),
    "1.36": ReleasePins("v1.36.0-eksbuild.14", _VPC_CNI, "v1.14.3-eksbuild.3", _AMI_RELEASE, *_STORAGE_AND_IDENTITY),
}


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
