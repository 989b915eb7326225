"""The one error a user's input causes (exit status 2)."""
from __future__ import annotations

import dataclasses
from typing import Optional, Union


@dataclasses.dataclass(eq=False)
class InputError(Exception):
    """The input could not be used (exit status 2). Every field is given when the error is made; an error
    learns its stack's context by `in_context`, which makes a new one."""
    problems: Union[str, list]  # one line per problem (a single string is one problem)
    source: Optional[str] = None  # where the problems are (a file, a stack): the prefix of every line
    label: Optional[str] = None  # the stack as listed among those that could not be used
    traceback: str = ""  # the program's traceback, shown with --debug

    def __post_init__(self) -> None:
        self.problems = [str(p) for p in ([self.problems] if isinstance(self.problems, str) else self.problems)]
        super().__init__("; ".join(self.problems))

    def lines(self) -> list[str]:
        if self.source:
            return [f"{self.source}: {p}" for p in self.problems]
        return list(self.problems)

    def in_context(self, *, source: Optional[str] = None, label: Optional[str] = None) -> "InputError":
        """This error for one stack: `source` and `label` only where it has none yet."""
        return dataclasses.replace(self, source=source if self.source is None else self.source,
                                   label=label if self.label is None else self.label)
