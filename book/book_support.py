"""Book mode for the kernel that executes the course for the website.

Loaded by ``kernel_startup.py`` (an IPython start-up file that ``book/build.py`` installs in
the build's own IPython folder), never by the course itself:

* plotly figures render as HTML that uses the site's single shared ``plotly.min.js``
  (nothing inlined, nothing from a CDN);
* every ipywidget displays a static snapshot instead of a widget view, since a website has
  no kernel: the explorer becomes a figure with plotly's own slider over poses computed in
  advance, an animation becomes a figure with Play and a slider, a comparison its figure
  and readouts, multiple-choice and number questions become browser quizzes
  (:mod:`hinge_lib.course.quiz_html`), and whatever needs Python (pose tasks, upload
  boxes) shows its starting state and a "Run this page live" link;
* internal source ids (``seed_003``) become the article titles of ``data/sources.yaml``.
"""

from __future__ import annotations

import functools
import html
import inspect
import itertools
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUN_LIVE_PAGE = "run-live.html"
SEED_ID = re.compile(r"\b[Ss]eed_(\d{3})\b")


# ---------------------------------------------------------------- source titles


@lru_cache(maxsize=1)
def sources() -> dict[str, dict[str, Any]]:
    """The entries of data/sources.yaml by key."""
    import yaml

    data = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))
    return {str(s["key"]): s for s in data["sources"]}


def source_title(key: str) -> str:
    entry = sources().get(key)
    if entry is None:
        raise ValueError(f"{key} is cited but not listed in data/sources.yaml")
    return str(entry.get("title") or entry.get("citation"))


def cited_keys(text: str) -> list[str]:
    """The source ids (``seed_003``) a text cites, in order of first mention."""
    seen: dict[str, None] = {}
    for m in SEED_ID.finditer(text):
        seen[f"seed_{m.group(1)}"] = None
    return list(seen)


def replace_source_ids(text: str, style: str = "markdown") -> str:
    """Replace every source id (``seed_003``, ``Seed_003``) by its article title.

    ``style`` is ``"markdown"`` (``*title*``), ``"html"`` (``<cite>title</cite>``) or
    ``"plain"`` (the title in quotes).
    """

    def title(m: re.Match) -> str:
        t = source_title(f"seed_{m.group(1)}")
        if style == "markdown":
            return f"*{t}*"
        if style == "html":
            return f"<cite>{html.escape(t)}</cite>"
        return f"\u201c{t}\u201d"

    return SEED_ID.sub(title, text)


# ---------------------------------------------------------------- plotly


_figure_ids = itertools.count(1)


def figure_html(fig: Any) -> str:
    """HTML for a plotly figure (or figure dict) that draws with the page's plotly.js."""
    import plotly.io as pio

    div = f"{os.environ.get('HINGE_BOOK_PAGE', 'page')}-figure-{next(_figure_ids)}"
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div,
                       validate=False, auto_play=False,
                       config={"displaylogo": False, "responsive": True})


def install_plotly_renderer() -> None:
    import plotly.io as pio
    from plotly.io._base_renderers import MimetypeRenderer

    class BookRenderer(MimetypeRenderer):
        def to_mimebundle(self, fig_dict):
            return {"text/html": figure_html(fig_dict)}

    pio.renderers["book"] = BookRenderer()
    pio.renderers.default = "book"


# ---------------------------------------------------------------- widgets


def live_note(what: str) -> str:
    page = os.environ.get("HINGE_BOOK_PAGE", "")
    where = f" (<code>notebooks/{html.escape(page)}.ipynb</code>)" if page else ""
    return (f'<p class="hinge-live-note"><strong>{html.escape(what)}</strong> needs Python. '
            f'<a href="{RUN_LIVE_PAGE}">Run this page live</a>{where} to use it.</p>')


def _plain(text: str) -> str:
    return replace_source_ids(text, "html")


_question_ids = itertools.count(1)


def _question_id() -> str:
    return f"{os.environ.get('HINGE_BOOK_PAGE', 'page')}-q{next(_question_ids)}"


def _capture(original: Any, make: Any) -> Any:
    """Wrap a self-check builder so the widget it returns remembers its question."""
    signature = inspect.signature(original)

    @functools.wraps(original)
    def builder(*args: Any, **kwargs: Any) -> Any:
        box = original(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        box._book_quiz = make(bound.arguments)
        if "reveal" in bound.arguments:
            box._book_reveal = bound.arguments["reveal"]
        return box

    return builder


def _choice(a: Mapping[str, Any]) -> dict[str, Any]:
    correct = a["correct"]
    multiple = not isinstance(correct, (int, str))
    notes = a.get("explanations")
    return {
        "id": _question_id(), "prompt": _plain_text(a["question"]),
        "options": [_plain_text(o) for o in a["options"]],
        "answer": sorted(int(i) for i in correct) if multiple else int(correct),
        "explanations": [_plain_text(n or "") for n in notes] if notes else None,
    }


def _number(a: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": _question_id(), "prompt": _plain_text(a["question"]),
            "answer": float(a["answer"]), "tolerance": float(a["tolerance"]),
            "unit": str(a.get("unit") or ""), "explanation": _plain_text(a.get("explanation", ""))}


def _predict(a: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": _question_id(), "prompt": "Predict first. " + _plain_text(a["question"]),
            "options": [_plain_text(o) for o in a["options"]], "answer": int(a["correct"]),
            "explanation": _plain_text(a.get("explanation", ""))}


def install_question_capture() -> None:
    """Let the self-check builders remember their question, for the browser quiz."""
    from hinge_lib.course import selfcheck

    selfcheck.choice_question = _capture(selfcheck.choice_question, _choice)
    selfcheck.number_question = _capture(selfcheck.number_question, _number)
    if hasattr(selfcheck, "predict"):
        selfcheck.predict = _capture(selfcheck.predict, _predict)


def _plain_text(text: str) -> str:
    return replace_source_ids(str(text), "plain")


def _output_html(outputs: Any) -> str:
    parts = []
    for out in outputs or ():
        data: Mapping[str, Any] = out.get("data", {}) if isinstance(out, Mapping) else {}
        if "application/vnd.plotly.v1+json" in data:
            parts.append(figure_html(data["application/vnd.plotly.v1+json"]))
        elif "text/html" in data:
            parts.append(str(data["text/html"]))
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(str(data['text/plain']))}</pre>")
        elif out.get("output_type") == "stream":
            parts.append(f"<pre>{html.escape(str(out.get('text', '')))}</pre>")
    return "".join(parts)


def key_html() -> str:
    from hinge_lib.view.figures import key_html as figure_key

    return figure_key()


def _explorer_state(explorer: Any) -> tuple[Any, Any, float, str]:
    from hinge_lib.model.body import Body
    from hinge_lib.model.pose import Pose

    pose = Pose(**{f: float(s.value) for f, s in explorer.sliders.items()})
    # the explorer's height slider is in centimetres
    body = Body(explorer.height.value / 100, float(explorer.mass.value), explorer.sex.value)
    return pose, body, float(explorer.load.value), str(explorer.hold.value)


def _explorer_html(explorer: Any) -> str:
    """The explorer as a page figure: a plotly slider over hip flexion, the other joints,
    the body and the load as in the explorer's starting state."""
    from hinge_lib.model.pose import joint_limits
    from hinge_lib.view.static_explorer import sweep_figure

    pose, body, load, hold = _explorer_state(explorer)
    hi = int(joint_limits()["hip"][1])
    values = sorted({*range(0, hi, 10), hi, int(round(pose.hip))})
    fig = sweep_figure(pose, "hip", values, body=body, load_kg=load, hold=hold,
                       active=values.index(int(round(pose.hip))))
    return (
        '<div class="hinge-static-explorer">'
        "<p>Move the slider under the figure to change the hip flexion; the other angles "
        "stay as the explorer starts. The title says what the model sees.</p>"
        f"{figure_html(fig)}{key_html()}<p>The readout of the starting pose:</p>"
        f"{explorer.readout.value}"
        f"{live_note('The full explorer, with a slider for every joint,')}</div>"
    )


def _pose_task_html(box: Any) -> str:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.view.figures import pose_figure

    pose, body, load, hold = _explorer_state(box.explorer)
    a = analyze(pose, body, load_kg=load, hold=hold)
    title = box.children[0].value if box.children else ""
    return (
        f'<div class="hinge-static-task">{_plain(title)}'
        "<p>The starting pose of this task:</p>"
        f"{figure_html(pose_figure(a))}{box.explorer.readout.value}"
        f"{live_note('This task checks your pose with the model, so it')}</div>"
    )


def _panel_titles(widget: Any, n: int) -> list[str]:
    """The panel titles of a comparison or animation: from its live SVG figures (``scene``)
    or its plotly figure's annotations; "Pose 1", "Pose 2" ... if neither says."""
    titles = []
    for figure in getattr(widget, "figures", None) or [getattr(widget, "figure", None)]:
        scene = getattr(figure, "scene", None)
        if isinstance(scene, Mapping) and scene.get("title"):
            titles.append(str(scene["title"]))
        layout = getattr(figure, "layout", None)
        if layout is not None and getattr(layout, "annotations", None):
            titles += [a.text for a in layout.annotations]
    return titles[:n] if len(titles) >= n else [f"Pose {k + 1}" for k in range(n)]


def _animation_html(anim: Any) -> str:
    from hinge_lib.view.static_explorer import frames_figure

    n = len(anim.frames[0])
    titles = _panel_titles(anim, len(anim.frames))
    fig = frames_figure(anim.frames, titles, [str(i) for i in range(n)], "Frame: ",
                        play=True, presenter=anim.presenter)
    readouts = "".join(r.value for r in anim.readouts)
    return (f'<div class="hinge-static-animation">{figure_html(fig)}{key_html()}'
            "<p>Press Play or drag the slider. The readouts below are those of the first "
            f'frame.</p><div class="hinge-readouts">{readouts}</div></div>')


def _comparison_html(comp: Any) -> str:
    from hinge_lib.view.figures import compare_figure

    fig = compare_figure(comp.analyses, _panel_titles(comp, len(comp.analyses)))
    readouts = "".join(r.value for r in comp.readouts)
    return (f'<div class="hinge-static-compare">{figure_html(fig)}'
            f'<div class="hinge-readouts">{readouts}</div></div>')


def _display_html(obj: Any) -> str:
    """HTML for anything a notebook could display (a widget, a figure, a table)."""
    import ipywidgets as w

    if isinstance(obj, w.Widget):
        return widget_html(obj)
    if hasattr(obj, "to_plotly_json"):
        return figure_html(obj)
    if hasattr(obj, "_repr_html_"):
        return str(obj._repr_html_())
    return f"<pre>{html.escape(str(obj))}</pre>"


def widget_html(widget: Any) -> str:
    """A static HTML snapshot of a widget, with a run-live note where Python is needed."""
    import ipywidgets as w
    from plotly.basewidget import BaseFigureWidget

    from hinge_lib.course.quiz_html import quiz_html

    quiz = getattr(widget, "_book_quiz", None)
    if quiz is not None:
        page = quiz_html(quiz, reveal=os.environ.get("HINGE_BOOK_EDITION") == "instructor")
        reveal = getattr(widget, "_book_reveal", None)
        if reveal is not None:
            page += ("<details class=\"hinge-reveal\"><summary>After your guess: what the "
                     f"model shows</summary>{_display_html(reveal)}</details>")
        return page
    kind = type(widget).__name__
    if kind == "PoseExplorer":
        return _explorer_html(widget)
    children = getattr(widget, "children", ())
    is_task = (hasattr(widget, "explorer") and hasattr(widget, "check")
               and not any(hasattr(c, "_book_quiz") for c in children))
    if is_task:
        return _pose_task_html(widget)
    if kind == "PoseAnimation":
        return _animation_html(widget)
    if kind == "PoseComparison":
        return _comparison_html(widget)
    if isinstance(widget, BaseFigureWidget):
        return figure_html(widget.to_dict())
    if isinstance(widget, w.Output):
        return _output_html(widget.outputs)
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        return _plain(widget.value)
    if isinstance(widget, w.Label):
        return f"<p>{html.escape(_plain_text(widget.value))}</p>"
    if isinstance(widget, w.FileUpload) or kind == "UploadBox":
        return live_note("The upload box")
    if kind == "LiveFigure":
        return ""  # drawn by the comparison, animation or explorer that holds it
    if isinstance(widget, w.Box):
        return "".join(widget_html(child) for child in widget.children)
    if isinstance(widget, w.Button):
        return ""
    if hasattr(widget, "value"):
        label = getattr(widget, "description", "") or kind
        return f"<p>{html.escape(label)}: {html.escape(str(widget.value))}</p>"
    return ""


def install_widget_snapshots() -> None:
    import ipywidgets as w

    def bundle(self, **kwargs):
        return {"text/plain": f"<{type(self).__name__}: static snapshot>",
                "text/html": widget_html(self)}

    w.Widget._repr_mimebundle_ = bundle


def install_whole_tables() -> None:
    """Tables show every word of every cell: pandas would cut text longer than 50
    characters to "...", which a reader of the website (or of its printout) cannot undo.
    The print style sheet wraps long cells instead."""
    import pandas as pd

    pd.set_option("display.max_colwidth", None)


def install() -> None:
    """Switch the running kernel to book mode (called by the start-up file)."""
    install_whole_tables()
    install_plotly_renderer()
    install_question_capture()
    install_widget_snapshots()

