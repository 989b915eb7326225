"""The network model shared by all guardrails policies (see docs/architecture.md, policy pack layout)."""
from .builder import build_model
from .cache import model_for
from .network import NetworkModel

__all__ = ["build_model", "model_for", "NetworkModel"]
