"""Quizzes that run in a web browser without a kernel (for the course website).

A question is a mapping in the question-bank schema::

    {"id": "hinge-01", "notebook": "01-what-is-a-hinge.ipynb",
     "prompt": "Which description fits a hip hinge best?",
     "options": ["The back rounds", "The hips fold, the spine keeps its shape"],
     "answer": 1,                # an option index, a list of indices, or an option's text
     "explanation": "The hinge bends at the hips ..."}

``explanations`` (one per option, as in the course's question bank) may replace or add to
``explanation``: the note of each chosen option is shown with the verdict.

`quiz_html` turns one question into plain HTML (a fieldset of radio buttons or
checkboxes, a Check button and a polite live region for the feedback). The page needs
`QUIZ_JS` once (the course website ships it as ``_static/quiz.js``); no other script,
style sheet or network request is used.

In the learner's edition the page must not give the answer away at a glance: the right
choice is stored only as a short hash, and the explanation is stored scrambled with the
right choice as key, so it can be read only after the right answer is picked. This keeps
a published page from doubling as an answer key; it is not a secret from someone who
tries every option. ``reveal=True`` (the instructor's edition) adds a visible answer key.

Numeric questions (``"answer": 12.5, "tolerance": 1, "unit": "cm"``, no options) are
checked in the browser against a scrambled answer.
"""

from __future__ import annotations

import base64
import html
import json
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["QUIZ_CSS", "QUIZ_JS", "answer_indices", "quiz_html", "validate_question"]

_SALT = "hinge-quiz"


def _fnv1a(text: str) -> str:
    """32-bit FNV-1a hash of the UTF-8 bytes of ``text`` as 8 hex digits (mirrored in JS)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def _scramble(text: str, key: str) -> str:
    """XOR the UTF-8 bytes of ``text`` with the repeated bytes of ``key``; base64 (mirrored
    in JS by ``unscramble``)."""
    data = text.encode("utf-8")
    k = key.encode("utf-8") or b"\0"
    return base64.b64encode(bytes(b ^ k[i % len(k)] for i, b in enumerate(data))).decode("ascii")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def answer_indices(question: Mapping[str, Any]) -> list[int]:
    """The indices of the right options of a multiple-choice question, sorted.

    ``answer`` may be an index, a list of indices or the text of one option.

    Examples
    --------
    >>> answer_indices({"options": ["a", "b", "c"], "answer": [2, 0]})
    [0, 2]
    >>> answer_indices({"options": ["a", "b"], "answer": "b"})
    [1]
    """
    options = [str(o) for o in question.get("options") or []]
    answer = question.get("answer")
    items = list(answer) if isinstance(answer, (list, tuple)) else [answer]
    out = []
    for item in items:
        if isinstance(item, str) and item in options:
            out.append(options.index(item))
        elif isinstance(item, numbers.Integral) and not isinstance(item, bool):
            out.append(int(item))
        else:
            raise ValueError(
                f"question {question.get('id')!r}: answer {answer!r} must be an option index, "
                f"a list of indices or the text of an option")
    if not out or any(not 0 <= i < len(options) for i in out):
        raise ValueError(f"question {question.get('id')!r}: answer {answer!r} is outside the "
                         f"{len(options)} options (0..{len(options) - 1})")
    return sorted(set(out))


def validate_question(question: Mapping[str, Any]) -> None:
    """Raise ValueError naming the question and the field when an entry cannot be shown.

    Examples
    --------
    >>> validate_question({"id": "q1", "prompt": "?", "options": ["a", "b"], "answer": 0})
    >>> validate_question({"id": "q2", "prompt": "?", "options": ["a"], "answer": 0})
    Traceback (most recent call last):
    ...
    ValueError: question 'q2': options needs at least two entries, got 1
    """
    qid = question.get("id")
    if not isinstance(qid, str) or not qid.strip():
        raise ValueError(f"question id must be a non-empty string, got {qid!r}")
    if not isinstance(question.get("prompt"), str) or not question["prompt"].strip():
        raise ValueError(f"question {qid!r}: prompt must be a non-empty string")
    options = question.get("options")
    if options is None and _is_number(question.get("answer")):
        tol = question.get("tolerance", 0)
        if not _is_number(tol) or tol < 0:
            raise ValueError(f"question {qid!r}: tolerance must be a number >= 0, got {tol!r}")
        return
    if not isinstance(options, Sequence) or isinstance(options, str):
        raise ValueError(f"question {qid!r}: options must be a list, got {options!r}")
    if len(options) < 2:
        raise ValueError(f"question {qid!r}: options needs at least two entries, got "
                         f"{len(options)}")
    notes = question.get("explanations")
    if notes is not None and (isinstance(notes, str) or len(notes) != len(options)):
        raise ValueError(f"question {qid!r}: explanations must be a list with one entry per "
                         f"option ({len(options)})")
    answer_indices(question)


def _dom_id(qid: str) -> str:
    return "quiz-" + re.sub(r"[^A-Za-z0-9_-]+", "-", qid).strip("-")


#: How an answer key starts (the instructor's edition); its text is escaped, so it holds no tag.
_KEY_OPEN = '<details class="hinge-quiz-key"><summary>Answer key</summary>'
_ANSWER_KEY = re.compile(re.escape(_KEY_OPEN) + r"<p>[^<]*</p></details>")


def without_answer_keys(text: str) -> str:
    """``text`` (HTML) with every quiz answer key taken out: ``quiz_html(q, reveal=True)``
    becomes ``quiz_html(q)``. The book's learner edition uses it on pages executed once for
    both editions."""
    return _ANSWER_KEY.sub("", text)


def quiz_html(question: Mapping[str, Any], reveal: bool = False) -> str:
    """HTML for one question that runs in the browser with :data:`QUIZ_JS`.

    Parameters
    ----------
    question
        A question-bank entry (see the module docstring).
    reveal
        Add a visible answer key (instructor's edition).

    Returns
    -------
    str
        A ``<form class="hinge-quiz">`` element; no script inside.

    Examples
    --------
    >>> q = {"id": "q1", "prompt": "Where does a hinge bend?",
    ...      "options": ["Lower back", "Hips"], "answer": 1, "explanation": "At the hips."}
    >>> page = quiz_html(q)
    >>> 'type="radio"' in page and "At the hips" not in page
    True
    >>> "At the hips" in quiz_html(q, reveal=True)
    True
    """
    validate_question(question)
    qid = str(question["id"])
    dom = _dom_id(qid)
    prompt = html.escape(str(question["prompt"]))
    explanation = str(question.get("explanation") or "")
    parts: list[str] = []
    if question.get("options") is None:
        answer = float(question["answer"])
        tol = float(question.get("tolerance", 0))
        unit = str(question.get("unit") or "")
        secret = json.dumps({"a": answer, "t": tol, "e": explanation})
        parts.append(
            f'<form class="hinge-quiz" id="{dom}" data-kind="number" '
            f'data-key="{html.escape(qid)}" data-secret="{_scramble(secret, _SALT + qid)}" '
            f'data-unit="{html.escape(unit)}">'
            f'<fieldset><legend>{prompt}</legend>'
            f'<label for="{dom}-value">Your answer{" (" + html.escape(unit) + ")" if unit else ""}'
            f'</label> <input type="text" inputmode="decimal" id="{dom}-value" '
            f'name="{dom}-value" size="10" autocomplete="off"></fieldset>')
        key_text = (f"{answer:g} {unit}".strip() + (f" (± {tol:g})" if tol else "")
                    + (f". {explanation}" if explanation else ""))
    else:
        options = [str(o) for o in question["options"]]
        right = answer_indices(question)
        multiple = isinstance(question.get("answer"), (list, tuple))
        kind = "checkbox" if multiple else "radio"
        chosen = ",".join(map(str, right))
        from hinge_lib.course.selfcheck import multi_hint

        hint = (f' <span class="hinge-quiz-hint">{html.escape(multi_hint(question["prompt"]))}'
                '</span>' if multiple and multi_hint(question["prompt"]) else "")
        parts.append(
            f'<form class="hinge-quiz" id="{dom}" data-kind="{kind}" '
            f'data-key="{html.escape(qid)}" data-hash="{_fnv1a(f"{_SALT}|{qid}|{chosen}")}" '
            f'data-secret="{_scramble(explanation, f"{qid}|{chosen}")}">'
            f'<fieldset><legend>{prompt}{hint}</legend>')
        notes = [str(n or "") for n in question.get("explanations") or [""] * len(options)]
        for i, opt in enumerate(options):
            note = (f' data-note="{_scramble(notes[i], f"{qid}|{i}")}"' if notes[i] else "")
            parts.append(
                f'<div class="hinge-quiz-option"><input type="{kind}" id="{dom}-{i}" '
                f'name="{dom}" value="{i}"{note}> <label for="{dom}-{i}">{html.escape(opt)}'
                f'</label></div>')
        parts.append("</fieldset>")
        key_text = " ".join(["; ".join(options[i] for i in right) + ".", explanation,
                             *(notes[i] for i in right)]).strip()
    parts.append(
        '<button type="button" class="hinge-quiz-check">Check</button>'
        '<div class="hinge-quiz-feedback" role="status" aria-live="polite"></div>')
    if reveal:
        parts.append(f'{_KEY_OPEN}<p>{html.escape(key_text)}</p></details>')
    parts.append("</form>")
    return "".join(parts)


QUIZ_CSS = """
.hinge-quiz {border: 1px solid #767676; border-radius: 6px; padding: 0.6em 1em; margin: 1em 0;}
.hinge-quiz fieldset {border: 0; margin: 0; padding: 0;}
.hinge-quiz legend {font-weight: bold; font-size: 1.05rem; line-height: 1.4; margin-bottom: 0.4em;}
.hinge-quiz-option {margin: 0.25em 0;}
.hinge-quiz-check {margin-top: 0.5em; padding: 0.3em 1.2em; border: 1px solid #0a58ca;
  background: #0a58ca; color: #fff; border-radius: 4px; cursor: pointer;}
.hinge-quiz-check:focus {outline: 3px solid #000; outline-offset: 2px;}
.hinge-quiz-feedback {margin-top: 0.5em; min-height: 1.2em;}
.hinge-quiz-feedback .ok {color: #006b3c;}
.hinge-quiz-feedback .no {color: #a4161a;}
"""

QUIZ_JS = r"""
(function () {
  "use strict";
  var SALT = "hinge-quiz";
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("00000000" + h.toString(16)).slice(-8);
  }
  function unscramble(b64, key) {
    var raw = atob(b64), k = new TextEncoder().encode(key), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i) ^ k[i % k.length]; }
    return new TextDecoder().decode(out);
  }
  function say(form, ok, text) {
    var box = form.querySelector(".hinge-quiz-feedback");
    box.textContent = "";
    var mark = document.createElement("span");
    mark.className = ok ? "ok" : "no";
    mark.textContent = ok ? "\u2714 Correct. " : "\u2718 Not quite. ";
    box.appendChild(mark);
    box.appendChild(document.createTextNode(text));
  }
  function parseNumber(text) {
    var m = /^\s*([-+\u2212]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*[A-Za-z\u00b0%\/.\s]*$/.exec(text);
    return m ? parseFloat(m[1].replace(",", ".").replace("\u2212", "-")) : null;
  }
  function check(form) {
    var id = form.getAttribute("data-key");
    if (form.getAttribute("data-kind") === "number") {
      var secret = JSON.parse(unscramble(form.getAttribute("data-secret"), SALT + id));
      var unit = form.getAttribute("data-unit");
      var value = parseNumber(form.querySelector("input").value);
      if (value === null) {
        say(form, false, "Type one number" + (unit ? " in " + unit : "") + ".");
        return;
      }
      if (Math.abs(value - secret.a) <= secret.t) { say(form, true, secret.e); }
      else { say(form, false, (value > secret.a ? "Too high." : "Too low.") + " Try again."); }
      return;
    }
    var picked = [], notes = [];
    form.querySelectorAll("input:checked").forEach(function (el) {
      picked.push(el.value);
      if (el.hasAttribute("data-note")) {
        notes.push(unscramble(el.getAttribute("data-note"), id + "|" + el.value));
      }
    });
    if (!picked.length) { say(form, false, "Pick an option first, then press Check."); return; }
    picked.sort(function (a, b) { return a - b; });
    var chosen = picked.join(",");
    if (fnv1a(SALT + "|" + id + "|" + chosen) === form.getAttribute("data-hash")) {
      var why = unscramble(form.getAttribute("data-secret"), id + "|" + chosen);
      say(form, true, [why].concat(notes).join(" ").trim());
    } else {
      var more = form.getAttribute("data-kind") === "checkbox"
        ? "Some options are missing or do not belong." : "";
      say(form, false, notes.concat([more, "Try again."]).join(" ").trim());
    }
  }
  function setUp() {
    document.querySelectorAll("form.hinge-quiz").forEach(function (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); check(form); });
      var button = form.querySelector(".hinge-quiz-check");
      button.addEventListener("click", function () { check(form); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); }
  else { setUp(); }
})();
"""
