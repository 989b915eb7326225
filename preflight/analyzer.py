"""Compatibility names for code outside preflight/ that still imports `preflight.analyzer`
(tests/policies, bench/policy_bench.py). New code imports pack_process, wire and policy_config;
this module goes once nothing imports it."""
from .pack_process import PolicyPackProcess
from .wire import analyze_stack_request, marshal_properties

__all__ = ["PolicyPackProcess", "analyze_stack_request", "marshal_properties"]
