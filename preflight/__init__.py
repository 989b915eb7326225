"""preflight: offline preview and policy check.

Runs a Pulumi Python program under the SDK's mocks in preview mode, records every registration
as the engine would see it, and drives a policy pack over Pulumi's analyzer gRPC protocol.
See docs/preflight.md.
"""
