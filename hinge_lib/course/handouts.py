"""Handouts a coach can print: the lesson plans, the assessment checklist, one card per drill
and the fault-and-cue table, as PDF on A4 and US Letter.

Every word comes from the course's data at build time, through the same loaders the
notebooks use (``catalog`` for drills, cues and faults; ``lessons`` for the checklist and the
lesson plans; ``evidence`` for article titles), so a coach who edits a cue in ``data/`` sees it
on the next print. Drill pictures are drawn by the model (:func:`hinge_lib.view.pose_svg`).
The layout lives in ``handouts.typ`` beside this module and is set by Typst (the ``typst``
package, whose wheel carries the compiler and its fonts: no network, no system fonts). The
PDFs embed their fonts, keep their text selectable and are tagged (PDF/UA-1) for screen
readers.

    python -m hinge_lib.course.handouts [--out DIR] [--paper a4|letter ...]

writes every handout into one folder and prints its path as the last line.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hinge_lib.course import evidence, lessons, teaching
from hinge_lib.model import catalog
from hinge_lib.model.analysis import analyze

#: The layout of every handout (Typst markup); the data arrives as JSON in ``sys.inputs``.
TEMPLATE = Path(__file__).with_name("handouts.typ")

#: Paper sizes: our name -> Typst's name.
PAPERS: Mapping[str, str] = {"a4": "a4", "letter": "us-letter"}

#: Every handout: file stem -> title printed at its top.
HANDOUTS: Mapping[str, str] = {
    "lesson-plan-60-min": "First lesson: 60-minute plan",
    "lesson-plan-90-min": "First lesson: 90-minute plan",
    "assessment-checklist": "Hip hinge assessment checklist",
    "drill-cards": "Hip hinge drill cards",
    "fault-and-cue-table": "Faults and the cues that fix them",
}

#: Handouts set across the page (landscape): the five-column fault table.
_LANDSCAPE = {"fault-and-cue-table"}


class HandoutError(RuntimeError):
    """A handout could not be set; the message names the handout and the reason."""


def _plain(text: object) -> str:
    """One catalogue text as a reader sees it: whitespace folded, article keys as titles."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return evidence.titled(" ".join(str(text).split()))


def _titles(keys: Iterable[str]) -> list[str]:
    """The articles (or papers) ``keys`` by their titles, in order, each once."""
    return list(dict.fromkeys(evidence.title(str(k)) for k in keys))


def _bibliography(keys: Iterable[str]) -> list[dict[str, str]]:
    """The sources cited on a handout: title and full citation, in order of first use."""
    out = []
    for key in dict.fromkeys(str(k) for k in keys):
        out.append({"title": evidence.title(key), "citation": evidence.citation(key)})
    return out


def _drill_names() -> dict[str, str]:
    return {str(i): str(n) for i, n in catalog.drills()["name"].items()}


def _material(text: str) -> list[str]:
    """A lesson block's material: drill ids become drill names; other words stay."""
    names = _drill_names()
    return [names.get(part.strip(), _plain(part)) for part in str(text).split(",")
            if part.strip()]


# ------------------------------------------------------------------------------- content


def lesson_content(blocks: Sequence[lessons.Block]) -> dict[str, Any]:
    """A lesson plan: every block with its clock times (minutes from the start), what happens,
    the drills and material it uses (by name) and its articles (short titles)."""
    plan = lessons.lesson_plan(blocks)
    rows = []
    for block, (_, row) in zip(blocks, plan.iterrows(), strict=True):
        rows.append({"from": f"{row['start_min']:g}", "to": f"{row['end_min']:g}",
                     "title": _plain(block.title), "activity": _plain(block.activity),
                     "material": _material(block.material),
                     "sources": [evidence.short_title(k) for k in block.sources]})
    keys = [k for b in blocks for k in b.sources]
    return {"minutes": f"{plan['end_min'].iloc[-1]:g}", "blocks": rows,
            "bibliography": _bibliography(keys)}


def checklist_content() -> dict[str, Any]:
    """The assessment checklist: each item, where to look and when it passes."""
    items = [{"name": _plain(i.name), "look_at": _plain(i.look_at), "pass_if": _plain(i.pass_if),
              "sources": [evidence.short_title(k) for k in i.sources]}
             for i in lessons.CHECKLIST]
    return {"items": items,
            "bibliography": _bibliography(k for i in lessons.CHECKLIST for k in i.sources)}


def _pictures(poses: Sequence[Any], labels: Sequence[str], dowel: bool
              ) -> list[dict[str, str]]:
    """The poses drawn by the model on one shared scale, each with its label, the words a
    screen reader reads and its main angles."""
    from hinge_lib.view.pose_svg import pose_svg, pose_window
    from hinge_lib.view.readouts import pose_words

    drawn = [analyze(p) for p in poses]
    window = pose_window(drawn)
    out = []
    for label, a in zip(labels, drawn, strict=True):
        words = pose_words(a)
        out.append({"label": label, "alt": f"{label}: {words['desc']}",
                    "svg": pose_svg(a, dowel=dowel, description=words["title"], window=window),
                    "angles": f"hip {a.pose.hip:g}°, knee {a.pose.knee:g}°, trunk "
                              f"{a.trunk_angle_deg:.0f}° from vertical"})
    return out


def drill_content(drill_id: str) -> dict[str, Any]:
    """One drill card: name, level, position, equipment, the cue, start and end pose drawn by
    the model (or why there is no drawing), setup, steps, the common error and its fix, the
    dose and the sources by title."""
    row = catalog.drills().loc[drill_id]
    equipment = row.get("equipment")
    equipment = list(equipment) if isinstance(equipment, list) else []
    poses = teaching.drill_poses(drill_id)
    pictures = []
    dowel = "dowel" in equipment
    if len(poses) >= 2:
        pictures = _pictures([poses[0], poses[-1]], ["Start", "End"], dowel)
    steps = row.get("steps")
    return {
        "name": _plain(row["name"]),
        "level": _plain(lessons.LEVEL_NAMES.get(int(row["level"]), f"Level {row['level']}")),
        "position": _plain(row.get("position")),
        "equipment": [_plain(e) for e in equipment],
        "cue": _plain(row.get("cue")),
        "pictures": pictures,
        "dowel": dowel,
        "setup": _plain(row.get("setup")),
        "steps": [_plain(s) for s in steps] if isinstance(steps, list) else [],
        "feel": _plain(row.get("feel")),
        "common_error": _plain(row.get("common_error")),
        "fix": _plain(row.get("fix")),
        "dosage": _plain(row.get("dosage")),
        "sources": _titles(row["sources"]),
    }


def cards_content() -> dict[str, Any]:
    """Every drill of data/drills.yaml, in file order, one card each."""
    drills = catalog.drills()
    return {"cards": [drill_content(str(i)) for i in drills.index],
            "bibliography": _bibliography(k for s in drills["sources"] for k in s)}


def faults_content() -> dict[str, Any]:
    """Every fault of data/faults.yaml: what a coach sees, the cues to say (the primary cue
    first), the fix and the drills that help (by name)."""
    faults, cues = catalog.faults(), catalog.cues()
    names = _drill_names()
    rows = []
    for _, f in faults.iterrows():
        drills = f.get("drills")
        rows.append({"name": _plain(f["name"]), "how_to_see": _plain(f["how_to_see"]),
                     "cues": [_plain(cues.loc[c, "text"]) for c in f["cues"]],
                     "fix": _plain(f["fix"]),
                     "drills": [names[d] for d in drills] if isinstance(drills, list) else []})
    keys = [k for s in faults["sources"] for k in s]
    return {"faults": rows, "bibliography": _bibliography(keys)}


def content(handout: str) -> dict[str, Any]:
    """Everything one handout shows, as plain JSON-ready data (read from data/ now)."""
    if handout not in HANDOUTS:
        raise ValueError(f"handout must be one of {', '.join(HANDOUTS)}; got {handout!r}")
    if handout == "lesson-plan-60-min":
        body = lesson_content(lessons.LESSON_60)
    elif handout == "lesson-plan-90-min":
        body = lesson_content(lessons.lesson_90())
    elif handout == "assessment-checklist":
        body = checklist_content()
    elif handout == "drill-cards":
        body = cards_content()
    else:
        body = faults_content()
    return {"kind": handout, "title": HANDOUTS[handout], **body}


# ------------------------------------------------------------------------------- typesetting


def render(handout: str, paper: str = "a4", data: Mapping[str, Any] | None = None) -> bytes:
    """One handout as PDF bytes on ``paper`` ("a4" or "letter"). ``data`` defaults to
    :func:`content` (pass it to set several papers from one read of the data)."""
    import typst

    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}; got {paper!r}")
    data = content(handout) if data is None else data
    inputs = {"data": json.dumps(data, ensure_ascii=False), "paper": PAPERS[paper],
              "landscape": "true" if handout in _LANDSCAPE else "false"}
    try:
        pdf, warnings = typst.compile_with_warnings(
            str(TEMPLATE), sys_inputs=inputs, ignore_system_fonts=True,
            pdf_standards=["ua-1"])
    except typst.TypstError as error:
        raise HandoutError(f"handout {handout!r} ({paper}): Typst could not set it: "
                           f"{error}") from None
    if warnings:
        raise HandoutError(f"handout {handout!r} ({paper}): Typst warned: "
                           + "; ".join(str(w) for w in warnings))
    return bytes(pdf)


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


@dataclass(frozen=True)
class Handout:
    """One written handout: which one, on which paper, where, and how many pages."""

    handout: str
    paper: str
    path: Path
    pages: int


def build(out: Path | str, papers: Sequence[str] = tuple(PAPERS)) -> list[Handout]:
    """Write every handout on every paper into the folder ``out`` (made if missing) as
    ``<handout>-<paper>.pdf``; return what was written."""
    bad = [p for p in papers if p not in PAPERS]
    if bad or not papers:
        raise ValueError(f"papers must be some of {', '.join(PAPERS)}; got {list(papers)!r}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for handout in HANDOUTS:
        data = content(handout)
        for paper in papers:
            pdf = render(handout, paper, data)
            path = folder / f"{handout}-{paper}.pdf"
            path.write_bytes(pdf)
            written.append(Handout(handout, paper, path, page_count(pdf)))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the printable handouts (PDF).")
    parser.add_argument("--out", type=Path, default=Path("build", "handouts"),
                        help="folder for the PDFs (default: build/handouts)")
    parser.add_argument("--paper", action="append", choices=list(PAPERS),
                        help="paper size (repeat for both; default: a4 and letter)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        written = build(args.out, args.paper or tuple(PAPERS))
    except (HandoutError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for h in written:
        print(f"  {h.path.name:<40} {h.pages:>3} page{'s' if h.pages != 1 else ''}")
    print(f"{len(written)} handouts, {sum(h.pages for h in written)} pages, "
          f"built in {time.monotonic() - started:.1f} s")
    print(args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
