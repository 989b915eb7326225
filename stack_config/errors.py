"""The error a stack's configuration raises: every problem at once, each naming its key path."""

import pulumi


class StackConfigError(pulumi.RunError):
    """Raised before any resource is registered when the stack configuration is invalid.

    A ``pulumi.RunError`` subclass, so the Pulumi CLI prints the message without a traceback;
    ``problems`` holds one line per problem, each starting with the key path
    (``eks-variants:nodes.minSize: ...``). ``preflight`` prints these lines and exits 2.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        count = len(self.problems)
        header = f"invalid stack configuration ({count} problem{'s' if count != 1 else ''}):"
        super().__init__("\n".join([header, *(f"  {p}" for p in self.problems)]))
