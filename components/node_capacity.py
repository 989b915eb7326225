"""The EC2 capacity both node data planes take (``eks-variants:nodes``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeCapacity:
    """Group sizes (``0 <= min_size <= desired_size <= max_size``, checked by stack_config) and the root
    volume size in GiB."""

    min_size: int
    desired_size: int
    max_size: int
    disk_size_gib: int
