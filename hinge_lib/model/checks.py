"""Input validation shared by the model: every error names the field, the value and the range."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


def check_number(field: str, value: object, low: float, high: float, unit: str = "") -> float:
    """Return ``value`` as a float, or raise ``ValueError`` if it is not a finite number in range.

    ``bool`` is refused on purpose: ``True`` is not an angle or a mass.
    """
    suffix = f" {unit}" if unit else ""
    allowed = f"allowed range {low:g} to {high:g}{suffix}"
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
        raise ValueError(
            f"{field} must be a number ({allowed}); got {value!r} of type {type(value).__name__}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{field} must be a finite number ({allowed}); got {value!r}")
    if not low <= number <= high:
        raise ValueError(f"{field} = {number:g}{suffix} is out of range ({allowed})")
    return number


def check_choice(field: str, value: object, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices`` (strings), else raise ``ValueError``."""
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{field} must be one of {allowed}; got {value!r}")
    return value


def check_column(
    field: str, values: np.ndarray, labels: object, low: float, high: float, unit: str = ""
) -> None:
    """Raise ``ValueError`` naming the rows of ``values`` that are NaN, infinite or out of range.

    ``labels`` are the row labels (a pandas index or any sequence) used in the message.
    """
    bad = ~np.isfinite(values) | (values < low) | (values > high)
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    label_list = list(labels)
    shown = ", ".join(f"{label_list[i]!r} ({values[i]:g})" for i in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    suffix = f" {unit}" if unit else ""
    raise ValueError(
        f"{field}: {len(rows)} row(s) out of the allowed range {low:g} to {high:g}{suffix} "
        f"or not finite: row {shown}{more}"
    )
