"""Sphinx extension of the course website: plotly.js only on the pages that draw a figure.

The site ships one ``plotly.min.js`` (about 5 MB) that every figure page shares. A page
with no plotly figure (the sources, the handouts, search, the general index) is sent
without it, so a phone on the room's Wi-Fi shows it at once instead of first fetching and
parsing the figure library. ``book/build.py`` copies this file next to the book's
``_config.yml``, which names it in ``sphinx.local_extensions``.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

PLOTLY_JS = "plotly.min.js"
#: what plotly's HTML puts on every figure's element (book_support.figure_html)
FIGURE_MARK = 'class="plotly-graph-div"'


def draws_a_figure(body: str) -> bool:
    """True when a page's HTML body holds a plotly figure.

    >>> draws_a_figure('<div id="f" class="plotly-graph-div" style="height:400px"></div>')
    True
    >>> draws_a_figure("<p>Sources</p>")
    False
    """
    return FIGURE_MARK in body


def _leave_out_unused_plotly(app, pagename: str, templatename: str, context: dict,
                             doctree) -> None:
    if draws_a_figure(context.get("body") or ""):
        return
    scripts = context.get("script_files")
    if scripts is not None:
        context["script_files"] = [  # Sphinx names them by path: "_static/plotly.min.js"
            js for js in scripts
            if PurePosixPath(str(getattr(js, "filename", js))).name != PLOTLY_JS]


def setup(app) -> dict[str, Any]:
    app.connect("html-page-context", _leave_out_unused_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
