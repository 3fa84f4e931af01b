"""Sets of choices stored as one integer bitmask.

Multi-valued, fixed vocabularies (target groups, accessibility features, days of the
week) are stored as a bitmask: one indexed integer column, cheap to filter with
``mask & wanted == wanted`` on SQLite and PostgreSQL alike, and directly usable by
the search engine as a NumPy array. The order of ``choices`` is the bit order and
must only ever be appended to.
"""

from collections.abc import Iterable

from django.db import models


class FlagSet:
    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.choices = choices
        self.bit = {value: 1 << index for index, value in enumerate(choices.values)}

    def to_mask(self, values: Iterable[str]) -> int:
        mask = 0
        for value in values:
            mask |= self.bit[value]  # KeyError on an unknown value: callers validate first
        return mask

    def to_values(self, mask: int) -> list[str]:
        return [value for value, bit in self.bit.items() if mask & bit]

    def labels(self, mask: int) -> list[str]:
        names = dict(self.choices.choices)
        return [str(names[value]) for value in self.to_values(mask)]
