"""Policy pack eks-network-guardrails. Only builds the pack; the rules live in guardrails/."""
from guardrails import serve, servicer
from guardrails.rules import ALL_POLICIES

servicer.install()  # records what every policy relies on; one deserialized stack (guardrails/servicer.py)
serve.serve("eks-network-guardrails", ALL_POLICIES)  # PolicyPack's servicer on grpc.aio (guardrails/serve.py)
