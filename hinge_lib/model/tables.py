"""Load the sourced tables in ``data/`` and validate them as they are read.

Every table carries a ``source`` column (or field) whose keys must exist in
``data/sources.yaml``. A malformed file raises :class:`DataFileError` naming the file,
the row (with its line number) and the column; for a YAML list of entries
(:func:`read_entries`, :func:`check_entry`) the entry's number and id and the field.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, MutableSet
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
    """Read ``data/<name>`` with PyYAML's safe loader (data only: no Python objects), the
    C version where PyYAML has it (about ten times faster on the course's catalogues)."""
    import yaml

    path = DATA_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataFileError(f"{_where(path)}: cannot be read ({error.strerror})") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(f"{_where(path, line)}: not valid YAML ({error})") from None


#: What each YAML field type is called in error messages.
_TYPE_WORDS = {str: "text", list: "a list", dict: "a mapping", int: "a whole number",
               float: "a number", bool: "true or false", type(None): "nothing"}


def _type_words(kinds: tuple[type, ...]) -> str:
    """``(str, list)`` -> ``"text or a list"``; a whole number is also a number."""
    kinds = tuple(k for k in kinds if not (k is int and float in kinds))
    return " or ".join(dict.fromkeys(_TYPE_WORDS.get(k, k.__name__) for k in kinds))


def read_entries(name: str, section: str) -> list[Any]:
    """The list of entries under ``section`` in ``data/<name>``, as written (each entry is
    then checked by the caller, for example with :func:`check_entry`).

    Raises :class:`DataFileError` naming the file and section when the file is not a
    mapping or ``section`` is missing, empty or not a list.
    """
    doc = read_yaml(name)
    entries = doc.get(section) if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        if not isinstance(doc, dict):
            found = f"{_type_words((type(doc),))} as the whole file"
        elif section not in doc:
            found = f"no such section (sections: {', '.join(map(str, doc)) or 'none'})"
        else:
            found = "an empty list" if entries == [] else _type_words((type(entries),))
        raise DataFileError(f"data/{name}: expected a non-empty list of entries under "
                            f"{section!r}; found {found}")
    return entries


def check_entry(entry: Any, where: str, fields: Mapping[str, type | tuple[type, ...]],
                id_field: str | None = None,
                seen: MutableSet[Any] | None = None) -> dict[str, Any]:
    """Check one entry of a YAML list and return it.

    ``entry`` must be a mapping in which every field of ``fields`` is present, not empty
    (``None`` or blank text) and of the type(s) given. ``where`` says where the entry is
    (``"data/cues.yaml, cues entry 3"``); errors add the entry's id (``id_field``, one of
    ``fields``), the field, the value and what is allowed. With ``seen``, the id must not be
    in it already and is added to it, so ids are unique across a file. Fields not named in
    ``fields`` are left to the caller.

    Examples
    --------
    >>> check_entry({"id": "a", "reps": 5}, "data/x.yaml, entry 1", {"id": str, "reps": int})
    {'id': 'a', 'reps': 5}
    >>> try:
    ...     check_entry({"id": "a", "reps": "5"}, "data/x.yaml, entry 1",
    ...                 {"id": str, "reps": int}, id_field="id")
    ... except DataFileError as error:
    ...     print(error)
    data/x.yaml, entry 1 ('a'), field 'reps': '5' is text; expected a whole number
    """
    if not isinstance(entry, dict):
        raise DataFileError(f"{where}: expected a mapping with the fields "
                            f"{', '.join(fields)}; found {_type_words((type(entry),))} "
                            f"{entry!r}")
    if id_field is not None and entry.get(id_field) is not None:
        where += f" ({entry[id_field]!r})"
    missing = [f for f in fields
               if entry.get(f) is None or (isinstance(entry[f], str) and not entry[f].strip())]
    if missing:
        raise DataFileError(f"{where}: missing {', '.join(missing)}")
    for field, kinds in fields.items():
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        value = entry[field]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise DataFileError(f"{where}, field {field!r}: {value!r} is "
                                f"{_type_words((type(value),))}; expected {_type_words(kinds)}")
    if id_field is not None and seen is not None:
        if entry[id_field] in seen:
            raise DataFileError(f"{where}, field {id_field!r}: duplicate {entry[id_field]!r} "
                                f"(each {id_field} must be used once)")
        seen.add(entry[id_field])
    return entry


@cache
def source_keys() -> frozenset[str]:
    """Keys of the bibliography in ``data/sources.yaml`` (plus ``model`` for model choices)."""
    seen: set[str] = set()
    for i, entry in enumerate(read_entries("sources.yaml", "sources"), start=1):
        check_entry(entry, f"data/sources.yaml, entry {i}", {"key": str, "citation": str},
                    id_field="key", seen=seen)
    return frozenset(seen | {"model"})


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
