"""The network model shared by all guardrails policies."""
from .cache import model_for
from .network import NetworkModel, build_model
from .values import UNKNOWN, is_unknown

__all__ = ["model_for", "NetworkModel", "build_model", "UNKNOWN", "is_unknown"]
