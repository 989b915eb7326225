"""The Kubernetes versions this project lets a stack ask for: the one place to update.

Amazon EKS supports a minor version for 14 months of standard support and 12 months of extended
support (EKS User Guide, "Understand the Kubernetes version lifecycle on EKS"). The window below is
the versions inside standard or extended support on the date in ``CHECKED_ON``; bump it when EKS
releases a version or one leaves extended support.
"""

CHECKED_ON = "2026-11-26"

# Oldest first. 1.32 leaves extended support on 2027-03-23; 1.36 is the newest EKS release.
SUPPORTED_VERSIONS: tuple[str, ...] = ("1.32", "1.33", "1.34", "1.35", "1.36")

NEWEST_SUPPORTED = SUPPORTED_VERSIONS[-1]
