"""The teaching catalogues: drills, cues, faults, plans and the points where sources disagree.

They live in ``data/drills.yaml``, ``data/cues.yaml`` and ``data/faults.yaml``, are checked
when first read (every id referenced exists, every source is in ``data/sources.yaml``)
and are returned as pandas DataFrames for notebooks.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from hinge_lib.model.tables import DataFileError, check_entry, read_entries, read_yaml, source_keys

#: Faults judged from a whole repetition rather than one pose (see hinge_lib.recordings.reps).
REP_FAULT_CODES = ("knees_first",)


def fault_codes() -> tuple[str, ...]:
    """Every fault code the course can report: the pose rules in data/fault_rules.csv, then
    :data:`REP_FAULT_CODES`. Each needs an entry in data/faults.yaml."""
    from hinge_lib.model.patterns import fault_rules

    return tuple(rule["code"] for rule in fault_rules()) + REP_FAULT_CODES

#: The fields every entry of each catalogue needs, with their types.
_REQUIRED: dict[str, dict[str, type]] = {
    "drills": {"id": str, "name": str, "level": int, "setup": str, "steps": list, "feel": str,
               "common_error": str, "dosage": str, "sources": list},
    "cues": {"id": str, "text": str, "fixes": list, "sources": list},
    "faults": {"code": str, "name": str, "how_to_see": str, "fix": str, "cues": list,
               "sources": list},
}


def _entries(file: str, key: str) -> list[dict[str, Any]]:
    entries = read_entries(file, key)
    id_field = "code" if key == "faults" else "id"
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        check_entry(entry, f"data/{file}, {key} entry {i}", _REQUIRED[key], id_field=id_field,
                    seen=seen)
        unknown = [s for s in entry["sources"] if s not in source_keys()]
        if unknown:
            raise DataFileError(f"data/{file}, {key} entry {i} ({entry[id_field]!r}), field "
                                f"'sources': unknown source key(s) {', '.join(map(str, unknown))}")
    return entries


@cache
def _load() -> dict[str, list[dict[str, Any]]]:
    drills = _entries("drills.yaml", "drills")
    cues = _entries("cues.yaml", "cues")
    faults = _entries("faults.yaml", "faults")
    drill_ids = {d["id"] for d in drills}
    cue_ids = {c["id"] for c in cues}
    codes = {f["code"] for f in faults}
    missing_codes = [c for c in fault_codes() if c not in codes]
    if missing_codes:
        raise DataFileError(f"data/faults.yaml: no entry for {', '.join(missing_codes)}")
    for fault in faults:
        bad = [c for c in fault["cues"] if c not in cue_ids]
        bad += [d for d in fault.get("drills", []) if d not in drill_ids]
        if bad:
            raise DataFileError(
                f"data/faults.yaml, fault {fault['code']!r}: unknown cue/drill ids {bad}"
            )
    for cue in cues:
        bad = [c for c in cue["fixes"] if c not in codes]
        if bad:
            raise DataFileError(f"data/cues.yaml, cue {cue['id']!r}: unknown fault codes {bad}")
    doc = read_yaml("cues.yaml")
    drills_doc = read_yaml("drills.yaml")
    return {
        "drills": drills,
        "cues": cues,
        "faults": faults,
        "disagreements": list(doc.get("disagreements") or []),
        "plans": list(drills_doc.get("plans") or []),
    }


def drills() -> pd.DataFrame:
    """Every drill, one row each, indexed by id, ordered as in data/drills.yaml.

    Returns
    -------
    pandas.DataFrame
        Columns include ``name``, ``level``, ``setup``, ``steps``, ``feel``,
        ``common_error``, ``dosage`` and ``sources``.

    Examples
    --------
    >>> table = drills()
    >>> table.index.is_unique and {"name", "steps", "dosage"} <= set(table.columns)
    True
    """
    return pd.DataFrame(_load()["drills"]).set_index("id")


def cues() -> pd.DataFrame:
    """Every cue, indexed by id.

    Returns
    -------
    pandas.DataFrame
        One row per cue from data/cues.yaml: its spoken ``text``, the fault codes it
        ``fixes`` and its ``sources``.

    Examples
    --------
    >>> "text" in cues().columns
    True
    """
    return pd.DataFrame(_load()["cues"]).set_index("id")


def faults() -> pd.DataFrame:
    """Every fault, indexed by code.

    Returns
    -------
    pandas.DataFrame
        One row per fault from data/faults.yaml: plain ``name``, ``why_it_matters``, the
        ``fix``, the ``cues`` (ids, first one primary) and ``sources``.

    Examples
    --------
    >>> faults().loc["rounded_lower_back", "name"]
    'Rounded lower back'
    """
    return pd.DataFrame(_load()["faults"]).set_index("code")


def disagreements() -> list[dict[str, Any]]:
    """Points where the source articles disagree, each with both positions.

    Returns
    -------
    list of dict
        One dict per disagreement (data/cues.yaml, ``disagreements``), with the
        positions taken and the articles that take them.

    Examples
    --------
    >>> len(disagreements()) > 0
    True
    """
    return list(_load()["disagreements"])


def plans() -> list[dict[str, Any]]:
    """Teaching plans (stages with their content and sources).

    Returns
    -------
    list of dict
        One dict per plan, each with its ordered stages.

    Examples
    --------
    >>> all("stages" in plan for plan in plans())
    True
    """
    return list(_load()["plans"])


@cache
def cue_for(code: str) -> str:
    """The primary cue (its spoken text) that fixes the fault ``code``.

    Parameters
    ----------
    code : str
        A fault code, one of :func:`fault_codes` (or a catalogue-only fault).

    Returns
    -------
    str
        The words a coach says; raises ``ValueError`` for an unknown code.

    Examples
    --------
    >>> isinstance(cue_for("rounded_lower_back"), str)
    True
    """
    by_code = {f["code"]: f for f in _load()["faults"]}
    if code not in by_code:
        raise ValueError(f"unknown fault code {code!r}; known: {', '.join(sorted(by_code))}")
    texts = {c["id"]: c["text"] for c in _load()["cues"]}
    return str(texts[by_code[code]["cues"][0]])


@cache
def fault_name(code: str) -> str:
    """Plain name of a fault, for learners (never the internal code).

    Parameters
    ----------
    code : str
        A fault code.

    Returns
    -------
    str
        The name; raises ``ValueError`` for an unknown code.

    Examples
    --------
    >>> fault_name("com_outside_base") != "com_outside_base"
    True
    """
    by_code = {f["code"]: f for f in _load()["faults"]}
    if code not in by_code:
        raise ValueError(f"unknown fault code {code!r}; known: {', '.join(sorted(by_code))}")
    return str(by_code[code]["name"])
