"""Stack configuration of eks-variants: schema, loader and the supported Kubernetes versions."""

from .errors import StackConfigError
from .loader import check_zone_count, load, region, validate
from .schema import StackSettings

__all__ = ["StackConfigError", "StackSettings", "check_zone_count", "load", "region", "validate"]
