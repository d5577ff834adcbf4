"""Evidence boxes and the bibliography as a learner sees it.

``data/evidence.yaml`` holds the claims the course meets that the body model cannot test by
itself (for example that rounding the lower back under load is harmful). Each box says what
the course's articles claim, what published research says and how sure we are.
``data/sources.yaml`` is the bibliography; learners see article titles and citations, never
the internal keys (``seed_000`` ...): :func:`titled` replaces any key left in a text.

Examples
--------
>>> from hinge_lib.course import evidence
>>> evidence.short_title("seed_001")
'Perfecting the Hip Hinge'
>>> evidence.titled("Seed_003 agrees with seed_001.")
'The magazine feature agrees with Perfecting the Hip Hinge.'
>>> "Saraceni" in evidence.evidence_box("lumbar_flexion_under_load")
True
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from hinge_lib.model.tables import DataFileError, check_entry, read_entries, read_yaml, source_keys

#: The type of each field every evidence box must have.
_FIELD_TYPES = {"key": str, "claim": str, "articles": list, "articles_say": str,
                "research_says": str, "sources": list, "certainty": str, "certainty_note": str}
#: Fields every evidence box must have.
EVIDENCE_FIELDS = tuple(_FIELD_TYPES)
#: Allowed values of ``certainty``, weakest first.
CERTAINTY = ("low", "moderate", "high")

_SEED = re.compile(r"\b([Ss])eed_(\d{3})\b")

_BOX_STYLE = ("border:1px solid #999;border-left:5px solid #0072B2;border-radius:4px;"
              "padding:8px 12px;margin:8px 0;max-width:46em")


class HTMLText(str):
    """A string of HTML that Jupyter shows rendered when it is a cell's last value."""

    def _repr_html_(self) -> str:
        return str(self)


@cache
def _bibliography() -> dict[str, dict[str, Any]]:
    source_keys()  # validates the file
    return {str(e["key"]): dict(e) for e in read_yaml("sources.yaml")["sources"]}


def _entry(key: str) -> dict[str, Any]:
    bib = _bibliography()
    if key not in bib:
        raise ValueError(f"source {key!r} is not in the bibliography; known: "
                         f"{', '.join(sorted(bib))}")
    return bib[key]


def citation(key: str) -> str:
    """The full citation of a source key.

    Examples
    --------
    >>> citation("saraceni2020").startswith("Saraceni N")
    True
    """
    return str(_entry(key)["citation"])


def title(key: str) -> str:
    """The learner-facing title of a source: an article's title, or a paper's citation."""
    entry = _entry(key)
    return str(entry.get("title") or entry["citation"])


def short_title(key: str) -> str:
    """A short name for a source that reads well inside a sentence.

    Examples
    --------
    >>> short_title("seed_002")
    'Master the Hip Hinge'
    """
    entry = _entry(key)
    return str(entry.get("short") or entry.get("title") or entry["citation"])


def is_article(key: str) -> bool:
    """True for the course's source articles (as opposed to published research)."""
    return _entry(key).get("kind") == "article"


def titled(text: str, markup: str = "plain") -> str:
    """Replace every article key (``seed_001``, ``Seed_003``) in ``text`` by its short title.

    ``markup`` is ``"plain"``, ``"markdown"`` (real titles in italics) or ``"html"`` (real
    titles in ``<i>``). A capital ``Seed`` gives a capitalised name, for the start of a
    sentence.
    """
    if markup not in ("plain", "markdown", "html"):
        raise ValueError(f"markup must be 'plain', 'markdown' or 'html'; got {markup!r}")

    def swap(match: re.Match) -> str:
        key = f"seed_{match.group(2)}"
        name = short_title(key)
        if match.group(1) == "S":
            name = name[0].upper() + name[1:]
        if name.lower().startswith("the "):
            return name
        if markup == "markdown":
            return f"*{name}*"
        if markup == "html":
            return f"<i>{html.escape(name)}</i>"
        return name

    return _SEED.sub(swap, str(text))


def source_list(keys: Any, markup: str = "plain") -> str:
    """The sources ``keys`` as one readable list: article titles, then citations."""
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.replace(";", ",").split(",") if k.strip()]
    names = []
    for key in keys:
        if key == "model":
            names.append("the course's model")
        elif is_article(key):
            names.append(titled(key, markup))
        else:
            names.append(citation(key))
    return "; ".join(names)


def _check(entry: Any, index: int, seen: set[str] | None = None) -> dict[str, Any]:
    checked = check_entry(entry, f"data/evidence.yaml, entry {index}", _FIELD_TYPES,
                          id_field="key", seen=seen)
    where = f"data/evidence.yaml, entry {index} ({checked['key']!r})"
    if checked["certainty"] not in CERTAINTY:
        raise DataFileError(f"{where}, field 'certainty': "
                            f"{checked['certainty']!r} is not one of {', '.join(CERTAINTY)}")
    for field in ("articles", "sources"):
        if not checked[field]:
            raise DataFileError(f"{where}, field {field!r}: expected at least one source key")
        unknown = [k for k in checked[field] if k not in source_keys()]
        if unknown:
            raise DataFileError(f"{where}, field {field!r}: unknown source "
                                f"key(s) {', '.join(map(str, unknown))}")
    return checked


@cache
def _boxes() -> dict[str, dict[str, Any]]:
    seen: set[str] = set()
    entries = read_entries("evidence.yaml", "evidence")
    return {e["key"]: e for e in (_check(e, i, seen) for i, e in enumerate(entries, start=1))}


def evidence_keys() -> tuple[str, ...]:
    """Keys of every evidence box, in file order."""
    return tuple(_boxes())


def evidence(key: str) -> dict[str, Any]:
    """One evidence box as a dict (fields :data:`EVIDENCE_FIELDS`)."""
    boxes = _boxes()
    if key not in boxes:
        raise ValueError(f"no evidence box {key!r}; known: {', '.join(boxes)}")
    return dict(boxes[key])


def evidence_box(key: str) -> HTMLText:
    """The evidence box ``key`` as HTML: the claim, what the articles say (by title), what
    research says (with citations) and how sure we are.

    Examples
    --------
    >>> box = evidence_box("fast_swings")
    >>> "How sure we are" in box and "seed_0" not in box
    True
    """
    box = evidence(key)
    articles = ", ".join(titled(k, "html") for k in box["articles"])
    cites = "".join(f"<li>{html.escape(citation(k))}</li>" for k in box["sources"])
    return HTMLText(
        f'<div class="hinge-evidence" style="{_BOX_STYLE}">'
        f"<b>Evidence box: {html.escape(box['claim'])}</b>"
        f"<div><i>What the articles say</i> ({articles}): "
        f"{titled(html.escape(' '.join(box['articles_say'].split())), 'html')}</div>"
        f"<div><i>What research says:</i> {html.escape(' '.join(box['research_says'].split()))}"
        f'<ul style="margin:2px 0">{cites}</ul></div>'
        f"<div><i>How sure we are:</i> <b>{html.escape(box['certainty'])}</b>. "
        f"{html.escape(' '.join(box['certainty_note'].split()))}</div></div>")


def tip_box(text: str) -> HTMLText:
    """An unattributed coaching tip, set apart from the sourced text."""
    return HTMLText(f'<div class="hinge-tip" style="{_BOX_STYLE};border-left-color:#E69F00">'
                    f"<b>Coaching tip.</b> {html.escape(' '.join(str(text).split()))}</div>")


def bibliography_html() -> HTMLText:
    """Every published source of the course (papers, books, web pages), as an HTML list of
    citations; the course's articles are listed by title elsewhere."""
    items = "".join(f"<li>{html.escape(str(e['citation']))}</li>"
                    for key, e in _bibliography().items()
                    if e.get("kind") != "article" and key != "model")
    return HTMLText(f"<ul>{items}</ul>")
