"""Stack configuration of eks-variants: schema, loader and the supported Kubernetes versions."""

from .errors import StackConfigError
from .availability_zones import Zone, choose_zones
from .loader import check, load, region, validate
from .placeholders import warnings
from .schema import StackSettings

__all__ = ["StackConfigError", "StackSettings", "Zone", "check", "choose_zones", "load", "region", "validate", "warnings"]
