"""Load the sourced tables in ``data/`` and validate them as they are read.

Every table carries a ``source`` column (or field) whose keys must exist in
``data/sources.yaml``. A malformed file raises :class:`DataFileError` naming the file,
the row (with its line number) and the column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


def _find_data_dir() -> Path:
    """The folder of sourced tables: ``data/`` of a source checkout, else the installed copy.

    A checkout (editable install or plain ``PYTHONPATH``) reads the tables being edited; a
    wheel carries the same files inside the package as ``hinge_lib/data``.
    """
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "sources.yaml").is_file():
        return checkout
    return Path(str(resources.files("hinge_lib") / "data"))


DATA_DIR = _find_data_dir()


class DataFileError(ValueError):
    """A file in ``data/`` is missing, malformed or inconsistent; the message names the
    file and, where it can, the line and the column.

    Examples
    --------
    >>> issubclass(DataFileError, ValueError)
    True
    """


@dataclass(frozen=True)
class Column:
    """Expected column of a CSV table: its type and, for numbers, the allowed range."""

    kind: type = str
    required: bool = True
    low: float = -math.inf
    high: float = math.inf
    choices: tuple[str, ...] = ()


def _where(path: Path, line: int | None = None, column: str | None = None) -> str:
    text = f"data/{path.name}"
    if line is not None:
        text += f", line {line}"
    if column is not None:
        text += f", column {column!r}"
    return text


def _convert(path: Path, line: int, name: str, raw: str, spec: Column) -> Any:
    raw = raw.strip()
    if raw == "":
        if spec.required:
            raise DataFileError(f"{_where(path, line, name)}: value is empty")
        return None
    if spec.kind is str:
        if spec.choices and raw not in spec.choices:
            raise DataFileError(
                f"{_where(path, line, name)}: {raw!r} is not one of {', '.join(spec.choices)}"
            )
        return raw
    try:
        value = float(raw)
    except ValueError:
        raise DataFileError(f"{_where(path, line, name)}: {raw!r} is not a number") from None
    if not math.isfinite(value) or not spec.low <= value <= spec.high:
        raise DataFileError(
            f"{_where(path, line, name)}: {value:g} is outside {spec.low:g} to {spec.high:g}"
        )
    return value


def read_csv(name: str, columns: Mapping[str, Column], key: str | None = None) -> list[dict]:
    """Read ``data/<name>`` as a list of row dicts, checking each column against ``columns``.

    Extra columns are kept as text. ``key`` names a column whose values must be unique.
    """
    path = DATA_DIR / name
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise DataFileError(f"{_where(path)}: cannot be read ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataFileError(f"{_where(path, 1)}: missing column(s) {', '.join(missing)}")
        if len(set(header)) != len(header):
            raise DataFileError(f"{_where(path, 1)}: duplicated column names")
        rows = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise DataFileError(f"{_where(path, line)}: wrong number of fields")
            clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
            for name_, spec in columns.items():
                clean[name_] = _convert(path, line, name_, row[name_], spec)
            if key is not None:
                if clean[key] in seen:
                    raise DataFileError(f"{_where(path, line, key)}: duplicate {clean[key]!r}")
                seen.add(clean[key])
            if "source" in clean and clean["source"]:
                _check_sources(path, line, clean["source"])
            clean["_line"] = line
            rows.append(clean)
    if not rows:
        raise DataFileError(f"{_where(path)}: has no rows")
    return rows


def read_yaml(name: str) -> Any:
    """Read ``data/<name>`` with ``yaml.safe_load`` (data only: no Python objects)."""
    import yaml

    path = DATA_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataFileError(f"{_where(path)}: cannot be read ({error.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(f"{_where(path, line)}: not valid YAML ({error})") from None


@cache
def source_keys() -> frozenset[str]:
    """Keys of the bibliography in ``data/sources.yaml`` (plus ``model`` for model choices)."""
    doc = read_yaml("sources.yaml")
    entries = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataFileError("data/sources.yaml: expected a non-empty list under 'sources'")
    keys = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("citation"):
            raise DataFileError(f"data/sources.yaml: entry {i + 1} needs 'key' and 'citation'")
        keys.add(str(entry["key"]))
    return frozenset(keys | {"model"})


@cache
def sources() -> dict[str, str]:
    """Bibliography: source key -> full citation."""
    source_keys()
    doc = read_yaml("sources.yaml")
    return {str(e["key"]): str(e["citation"]) for e in doc["sources"]}


def split_sources(text: str) -> list[str]:
    """Split a source cell such as ``"deleva1996; winter2009"`` into keys."""
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _check_sources(path: Path, line: int, text: str) -> None:
    known = source_keys()
    unknown = [k for k in split_sources(text) if k not in known]
    if unknown:
        raise DataFileError(
            f"{_where(path, line, 'source')}: unknown source key(s) {', '.join(unknown)} "
            "(add them to data/sources.yaml)"
        )
