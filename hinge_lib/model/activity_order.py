"""The order of muscle activity EMG studies report for a lift, beside the model's own order.

data/emg_order.csv ranks muscle groups in tiers (1 = most active) for reference lifts, from
surface EMG studies; groups in one tier are not ranked against each other. The model's
counterpart is each group's force as a share of its maximum (``effort_pct``), whose order
between muscles pulling the same way is decided by the solver's rule (the smallest sum of
squared muscle stresses), not measured. EMG amplitude is not force, so the two orders are
shown side by side, never as one checking the other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

import pandas as pd

from hinge_lib.model.muscle_paths import GROUPS
from hinge_lib.model.references import reference_positions
from hinge_lib.model.tables import Column, DataFileError, read_csv, sources, split_sources

#: The rule that decides how muscles pulling the same way share a joint moment.
SHARING_RULE = (
    "How muscles pulling the same way share a joint moment (for example the glutes and the "
    "hamstrings at the hip) is decided by the model's rule, the smallest sum of squared "
    "muscle stresses, not measured."
)


@cache
def reported_order() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Lift key -> tiers of muscle groups, most active first, from data/emg_order.csv."""
    lifts = set(reference_positions().index)
    rows = read_csv(
        "emg_order.csv",
        {"lift": Column(choices=tuple(sorted(lifts))), "group": Column(choices=GROUPS),
         "tier": Column(int, low=1, high=9), "source": Column()},
    )
    tiers: dict[str, dict[int, list[str]]] = {}
    for row in rows:
        lift = tiers.setdefault(row["lift"], {})
        if any(row["group"] in names for names in lift.values()):
            raise DataFileError(f"data/emg_order.csv, line {row['_line']}, column 'group': "
                                f"{row['group']} is ranked twice for {row['lift']}")
        lift.setdefault(row["tier"], []).append(row["group"])
    return {lift: tuple(tuple(by_tier[t]) for t in sorted(by_tier))
            for lift, by_tier in tiers.items()}


def model_order(effort_pct: Mapping[str, float], groups: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``groups`` with a sourced maximum force, sorted by the model's force as a
    share of that maximum, largest first (groups whose share is NaN are left out)."""
    known = [g for g in groups if effort_pct[g] == effort_pct[g]]
    return tuple(sorted(known, key=lambda g: -effort_pct[g]))


def agrees(reported: tuple[tuple[str, ...], ...], model: tuple[str, ...]) -> bool | None:
    """True when every group of an earlier tier comes before every group of a later tier in
    the model's order (groups within one tier may come in any order); None when fewer than
    two tiers hold a group the model can rank."""
    place = {name: i for i, name in enumerate(model)}
    tiers = [[g for g in tier if g in place] for tier in reported]
    tiers = [tier for tier in tiers if tier]
    if len(tiers) < 2:
        return None
    return all(max(place[g] for g in higher) < min(place[g] for g in lower)
               for higher, lower in zip(tiers, tiers[1:], strict=False))


def order_words(tiers: tuple[tuple[str, ...], ...], labels: Mapping[str, str]) -> str:
    """Tiers as words: ``"vasti > gluteus maximus > hamstrings"``, a tier joined by "and"."""
    return " > ".join(" and ".join(labels.get(g, g) for g in tier) for tier in tiers)


def _short_source(key: str) -> str:
    """``"Contreras et al. 2015"`` from a citation in data/sources.yaml."""
    citation = sources()[key]
    author = citation.split(",")[0].split(" ")[0]
    year = re.search(r"\b(19|20)\d\d\b", citation)
    return f"{author} et al. {year.group(0) if year else ''}".strip()


@cache
def reported_sources() -> tuple[str, ...]:
    """Source keys of data/emg_order.csv, in order of first use."""
    rows = read_csv("emg_order.csv", {"source": Column()})
    return tuple(dict.fromkeys(k for row in rows for k in split_sources(row["source"])))


def reported_order_sentence(labels: Mapping[str, str]) -> str:
    """One sentence: the order of activity EMG studies report for each lift, with sources."""
    return _order_sentence(tuple(labels.items()))


@cache
def _order_sentence(label_items: tuple[tuple[str, str], ...]) -> str:
    labels = dict(label_items)
    names = reference_positions()["name"]
    lifts = "; ".join(f"{names[lift]}: {order_words(tiers, labels)}"
                      for lift, tiers in reported_order().items())
    cited = "; ".join(_short_source(k) for k in reported_sources())
    return (f"Order of activity surface EMG studies report, most active first (EMG is not "
            f"force): {lifts} ({cited}).")


_AGREE_WORDS = {True: "yes", False: "no", None: "cannot tell"}


def comparison_table(results: pd.DataFrame,
                     labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """For each lift of data/emg_order.csv: the order EMG studies report, the model's order
    of the same groups by force as a share of maximum (with the percentages), and whether the
    two agree ("yes", "no", or "cannot tell" where the model can rank fewer than two tiers).

    ``results``: :func:`hinge_lib.analyze_references` (rows named by lift, with
    ``<group>_effort_pct`` columns); ``labels``: words for each group (default: its name).
    """
    labels = labels if labels is not None else {g: g.replace("_", " ") for g in GROUPS}
    rows = []
    for lift, tiers in reported_order().items():
        groups = tuple(g for tier in tiers for g in tier)
        effort = {g: float(results.loc[lift, f"{g}_effort_pct"]) for g in groups}
        model = model_order(effort, groups)
        rows.append({
            "lift": lift,
            "EMG studies report": order_words(tiers, labels),
            "model (force as % of maximum)": " > ".join(
                f"{labels.get(g, g)} {effort[g]:.0f} %" for g in model),
            "agree": _AGREE_WORDS[agrees(tiers, model)],
        })
    return pd.DataFrame(rows).set_index("lift")


def comparison_text(orders: pd.DataFrame) -> str:
    """:func:`comparison_table` as plain text: each lift, then one indented line per column.

    >>> print(comparison_text(pd.DataFrame({"agree": ["no"]}, index=["back_squat"])))
    back_squat
      agree: no
    """
    lines = []
    for lift, row in orders.iterrows():
        lines.append(str(lift))
        lines += [f"  {column}: {value}" for column, value in row.items()]
    return "\n".join(lines)
