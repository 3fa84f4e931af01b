"""Problems found in a user's input, each located as precisely as we can.

We reuse the index engine's ``Problem`` (where + message) so that the engine's own
findings and ours are listed the same way on every page."""

from compindex.errors import IndexInputError, Problem

__all__ = ["InvalidInput", "Problem"]


class InvalidInput(Exception):
    """Raised by services when input is refused; nothing has been saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))

    @classmethod
    def from_engine(cls, error: IndexInputError, prefix: str = "") -> "InvalidInput":
        return cls(
            [
                Problem(f"{prefix}{problem.where}" if prefix else problem.where, problem.message)
                for problem in error.problems
            ]
        )
