"""Typed reading of pipeline parameters, with plain-language refusals.

A pipeline spec is JSON written by hand (or pasted into a form), so any parameter can
arrive with the wrong type: ``"winmax": "many"``, ``"dat_thresh": [0.5]``,
``"f1_para": 3``. Python's own conversions would fail with a bare ``ValueError`` or
``TypeError`` deep inside a step, or worse succeed silently (``float(True)`` is 1).
Each reader here accepts exactly the JSON type the parameter needs and otherwise
raises :class:`~compindex.errors.IndexInputError` naming the place
(``where``, e.g. ``"pipeline step 3 (treat)"``) and the parameter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .errors import IndexInputError, Problem

SHOWN_LENGTH = 40


def shown(value: Any) -> str:
    """``value`` as it would look in the JSON spec, shortened for a message."""
    try:
        text = json.dumps(value, allow_nan=True, default=repr)
    except ValueError:  # circular structure: not from JSON, but still no crash
        text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def refuse(where: str, name: str, needs: str, value: Any) -> IndexInputError:
    """The error for parameter ``name`` at ``where``: it ``needs`` something else."""
    return IndexInputError([Problem(where, f"'{name}' must be {needs}, not {shown(value)}")])


def is_number(value: Any) -> bool:
    """A finite JSON number (``true``/``false`` are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def number(
    value: Any, where: str, name: str, low: float | None = None, high: float | None = None
) -> float:
    """A finite number, optionally within ``[low, high]``."""
    if not is_number(value):
        raise refuse(where, name, "a number", value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise refuse(where, name, _range_text(low, high), value)
    return float(value)


def whole_number(value: Any, where: str, name: str, low: int | None = None) -> int:
    """A whole number (``5`` or ``5.0``), optionally at least ``low``."""
    if not is_number(value) or not float(value).is_integer():
        raise refuse(where, name, "a whole number", value)
    if low is not None and value < low:
        raise refuse(where, name, f"a whole number of at least {low}", value)
    return int(value)


def flag(value: Any, where: str, name: str) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise refuse(where, name, "true or false", value)
    return value


def text(value: Any, where: str, name: str) -> str:
    """A piece of text (a method name, a column name)."""
    if not isinstance(value, str):
        raise refuse(where, name, "text", value)
    return value


def mapping(value: Any, where: str, name: str) -> Mapping[str, Any]:
    """An object (``null`` reads as an empty one)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise refuse(where, name, "an object", value)
    return value


def numbers(value: Any, where: str, name: str, count: int | None = None) -> list[float]:
    """A list of finite numbers (exactly ``count`` of them when given)."""
    needs = "a list of numbers" if count is None else f"a list of {count} numbers"
    if not isinstance(value, list | tuple) or not all(is_number(v) for v in value):
        raise refuse(where, name, needs, value)
    if count is not None and len(value) != count:
        raise refuse(where, name, needs, value)
    return [float(v) for v in value]


def _range_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"a number between {low:g} and {high:g}"
    if low is not None:
        return f"a number of at least {low:g}"
    return f"a number of at most {high:g}"
