"""Words the explorer shows (hold buttons and tooltips, pattern lines), read from
``data/explorer_words.yaml`` and checked as they are loaded."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.patterns import PATTERNS
from hinge_lib.model.tables import DataFileError, read_yaml, source_keys, split_sources

FILE = "explorer_words.yaml"
_FIELDS = {"holds": ("button", "tooltip", "in_words"), "patterns": ("words",)}


def _section(doc: Any, name: str, expected: Sequence[str]) -> dict[str, dict[str, str]]:
    entries = doc.get(name) if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise DataFileError(f"data/{FILE}: expected a list under {name!r}")
    known = source_keys()
    out: dict[str, dict[str, str]] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"data/{FILE}, {name} entry {n}"
        if not isinstance(entry, dict):
            raise DataFileError(f"{where}: expected a mapping")
        key = entry.get("key")
        if key not in expected:
            raise DataFileError(f"{where}, field 'key': {key!r} is not one of "
                                f"{', '.join(expected)}")
        if key in out:
            raise DataFileError(f"{where}, field 'key': {key!r} appears twice")
        for field in (*_FIELDS[name], "source"):
            value = entry.get(field)
            if not isinstance(value, str) or not value.strip():
                raise DataFileError(f"{where} ({key}), field {field!r}: needs some text")
        unknown = [k for k in split_sources(entry["source"]) if k not in known]
        if unknown:
            raise DataFileError(f"{where} ({key}), field 'source': unknown source key(s) "
                                f"{', '.join(unknown)} (add them to data/sources.yaml)")
        out[key] = {field: str(entry[field]).strip() for field in _FIELDS[name]}
    missing = [k for k in expected if k not in out]
    if missing:
        raise DataFileError(f"data/{FILE}, {name}: no entry for {', '.join(missing)}")
    return out


@cache
def explorer_words() -> dict[str, dict[str, dict[str, str]]]:
    """The explorer's words: ``{"holds": {hold: {button, tooltip, in_words}},
    "patterns": {pattern: {words}}}``, one entry for every hold and pattern of the model.

    Raises
    ------
    DataFileError
        Naming the file, the entry and the field when the file is malformed.

    Examples
    --------
    >>> explorer_words()["holds"]["close"]["button"]
    'legs'
    >>> explorer_words()["patterns"]["hinge"]["words"]
    'Hinge: the hips fold well more than the knees bend'
    """
    doc = read_yaml(FILE)
    return {"holds": _section(doc, "holds", HOLDS), "patterns": _section(doc, "patterns", PATTERNS)}


def hold_words(hold: str, field: str) -> str:
    """One word field of a hold (``button``, ``tooltip`` or ``in_words``)."""
    return explorer_words()["holds"][hold][field]


def pattern_words(pattern: str) -> str:
    """The readout's line for a pattern (the pattern's name when the model adds a new one)."""
    entry = explorer_words()["patterns"].get(pattern)
    return entry["words"] if entry else str(pattern)
