"""Input validation shared by the model: every error names the field, the value and the range."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


def check_number(field: str, value: object, low: float, high: float, unit: str = "") -> float:
    """Return ``value`` as a float, or raise ``ValueError`` if it is not a finite number in range.

    ``bool`` is refused on purpose: ``True`` is not an angle or a mass; so are complex
    numbers, numpy's included.

    Examples
    --------
    >>> check_number("hip", 45, -30, 135, "deg")
    45.0
    >>> check_number("hip", 10**400, -30, 135, "deg")
    Traceback (most recent call last):
    ...
    ValueError: hip = about 1e+400 deg is out of range (allowed range -30 to 135 deg)
    """
    suffix = f" {unit}" if unit else ""
    allowed = f"allowed range {low:g} to {high:g}{suffix}"
    if isinstance(value, (bool, np.bool_, np.complexfloating)) or not isinstance(
        value, (Real, np.number)
    ):
        raise ValueError(
            f"{field} must be a number ({allowed}); got {value!r} of type {type(value).__name__}"
        )
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(
            f"{field} = {_huge(value)}{suffix} is out of range ({allowed})"
        ) from None
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


def _huge(value: object) -> str:
    """A short text for an integer too large for a float, e.g. ``about 1e+400``."""
    digits = len(str(abs(int(value))))  # type: ignore[call-overload]
    sign = "-" if int(value) < 0 else ""  # type: ignore[call-overload]
    return f"about {sign}1e+{digits - 1}"


def _plain(value: object) -> object:
    """A numpy scalar as the plain Python value it stands for (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def column_as_floats(field: str, column: object, labels: object, unit: str = "") -> np.ndarray:
    """Return a pandas column of numbers as a float array, or raise ``ValueError`` naming the
    field, the row and the value when it holds text, True/False or complex numbers.

    ``bool`` is refused for the same reason as in :func:`check_number`; a complex number has
    no place in an angle. Missing values become NaN (and are refused by :func:`check_column`).
    """
    import pandas as pd

    values = pd.Series(column)
    dtype = values.dtype
    what = f"numbers ({unit})" if unit else "numbers"
    bad_kind = None
    if pd.api.types.is_bool_dtype(dtype):
        bad_kind = "True/False"
    elif pd.api.types.is_complex_dtype(dtype):
        bad_kind = "complex numbers"
    if bad_kind is not None:
        first = list(labels)[0] if len(values) else None
        shown = f"; row {first!r} is {_plain(values.iloc[0])!r}" if len(values) else ""
        raise ValueError(f"{field}: column must hold {what}, not {bad_kind}{shown}")
    if pd.api.types.is_object_dtype(dtype):
        for label, value in zip(labels, values, strict=True):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if isinstance(value, (bool, np.bool_, complex, np.complexfloating)) or not isinstance(
                value, (Real, np.number)
            ):
                raise ValueError(
                    f"{field}: column must hold {what}; row {label!r} is {_plain(value)!r} "
                    f"of type {type(value).__name__}"
                )
    try:
        return values.to_numpy(dtype=float, na_value=np.nan)
    except OverflowError:
        label, big = next((label, v) for label, v in zip(labels, values, strict=True)
                          if isinstance(v, int) and abs(v) > 1e308)
        raise ValueError(
            f"{field}: row {label!r} is {_huge(big)}, far too large for an angle in {unit}"
        ) from None
    except (TypeError, ValueError):
        raise ValueError(f"{field}: column must hold {what}; got dtype {dtype}") from None


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
