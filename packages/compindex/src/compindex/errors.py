"""Typed errors raised by the index engine.

Every problem with user input (metadata, unit data, pipeline specification, or data
that cannot be processed by a method) is reported through :class:`IndexInputError`,
which carries *all* the problems found rather than stopping at the first one. This
lets a user fix a spreadsheet in one pass instead of one error at a time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as precisely as possible.

    ``where`` names the place in plain language (e.g. ``"iMeta row 5 (iCode 'LPI')"``
    or ``"pipeline step 3 (normalise)"``); ``message`` says what is wrong and, where
    possible, how to fix it.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class IndexInputError(ValueError):
    """Raised when input to the index engine is invalid or cannot be processed.

    ``problems`` lists every problem found; ``str(error)`` is a readable summary.
    """

    def __init__(self, problems: list[Problem] | Problem | str, where: str = "input") -> None:
        if isinstance(problems, str):
            problems = [Problem(where, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


def fail(where: str, message: str) -> IndexInputError:
    """Build a single-problem :class:`IndexInputError` (to be raised by the caller)."""
    return IndexInputError([Problem(where, message)])
