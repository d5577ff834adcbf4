"""Tables a lecturer can hand out: every word shown, long text wrapped, units in the header.

A notebook that shows a plain DataFrame gets Jupyter's table, which cuts any text longer than
pandas' ``display.max_colwidth`` (50 characters) to "...". :func:`wrapped` returns the same
data as a :class:`WrappedTable`, a DataFrame whose notebook view shows every cell in full,
wrapped to the page, with the column names optionally replaced by headers that carry units
("hip" -> "hip (deg)"). The data, the column names code uses and every DataFrame method stay
as they are.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

__all__ = ["WrappedTable", "wrapped", "wrapped_html"]

#: Inline style, so the table wraps the same in JupyterLab, Voila and the static book.
_STYLE = ("border-collapse:collapse;table-layout:auto;white-space:normal;"
          "overflow-wrap:anywhere;max-width:100%")
_CELL = "border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left"


def _text(value: object, decimals: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def wrapped_html(table: pd.DataFrame, headers: Mapping[str, str] | None = None,
                 decimals: int = 1) -> str:
    """``table`` as an HTML table that shows every word: cells wrap instead of being cut,
    floats are shown with ``decimals`` places, and ``headers`` renames columns (and the
    index name) for display only."""
    names = dict(headers or {})
    index_name = table.index.name
    show_index = index_name is not None or not isinstance(table.index, pd.RangeIndex)
    head = [names.get(str(index_name), str(index_name or ""))] if show_index else []
    head += [names.get(str(c), str(c)) for c in table.columns]
    rows = []
    for label, row in zip(table.index, table.itertuples(index=False), strict=True):
        cells = [f'<th style="{_CELL}">{html.escape(_text(label, decimals))}</th>'] \
            if show_index else []
        cells += [f'<td style="{_CELL}">{html.escape(_text(v, decimals))}</td>' for v in row]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(f'<th style="{_CELL}">{html.escape(h)}</th>' for h in head)
    return (f'<div style="overflow-x:auto"><table class="hinge-table" style="{_STYLE}">'
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


class WrappedTable(pd.DataFrame):
    """A DataFrame whose notebook view wraps long text instead of cutting it (see
    :func:`wrapped`); display headers live in ``attrs["headers"]``."""

    @property
    def _constructor(self):  # slices and copies stay wrapped tables
        return WrappedTable

    def _repr_html_(self) -> str:
        return wrapped_html(self, self.attrs.get("headers"), self.attrs.get("decimals", 1))


def wrapped(table: pd.DataFrame, headers: Mapping[str, str] | None = None,
            decimals: int = 1) -> WrappedTable:
    """``table`` as a :class:`WrappedTable` with display ``headers`` (column -> header with
    its unit) and floats shown to ``decimals`` places.

    Examples
    --------
    >>> t = wrapped(pd.DataFrame({"hip": [90.0]}), {"hip": "hip (deg)"})
    >>> "hip (deg)" in t._repr_html_() and list(t.columns) == ["hip"]
    True
    """
    out = WrappedTable(table)
    out.attrs = {**table.attrs, "headers": dict(headers or {}), "decimals": decimals}
    return out
