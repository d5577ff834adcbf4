"""The words beside a pose drawing: the readout (pattern, moments, balance, faults with their
cues, warnings), boxed messages, the balance label and the pose described in words for
screen readers. Pure functions returning text or HTML; the figures are in
:mod:`hinge_lib.view.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hinge_lib.model.muscles import muscle_groups, over_max, over_max_message
from hinge_lib.model.pose import POSE_FIELDS
from hinge_lib.view import palette
from hinge_lib.view.wording import hold_words, pattern_words

if TYPE_CHECKING:  # pragma: no cover
    from hinge_lib.model.analysis import Analysis

#: How learners read the three dowel contacts.
CONTACT_LABELS: dict[str, str] = {"head": "head", "upper_back": "upper back", "sacrum": "sacrum"}


def balance_text(analysis: Analysis) -> str:
    """Short balance label: the words carry the meaning, the colour only repeats it."""
    cm = abs(analysis.balance_margin_m) * 100
    if analysis.balanced:
        return f"balanced ({cm:.0f} cm inside feet)"
    heel_x, toe_x = analysis.base_of_support
    side = "ahead of toes" if analysis.com_x_m > toe_x else "behind heels"
    return f"NOT balanced ({cm:.0f} cm {side})"


# ---------------------------------------------------------------------------
# Readout (HTML beside the figure)

#: Moment (N m) that fills a readout bar; larger moments fill it and show the number.
BAR_FULL_SCALE_NM = 300.0

def _bar(label: str, value: float, color: str, scale: float = BAR_FULL_SCALE_NM,
         compact: bool = False) -> str:
    share = min(abs(value) / scale, 1.0) * 100
    kind = "extensor" if value >= 0 else "flexor"
    label_em, bar_em = (3.2, 5.5) if compact else (6.5, 10)
    return (
        f'<div class="hinge-bar" style="margin:2px 0">'
        f'<span style="display:inline-block;width:{label_em}em">{label}</span>'
        f'<span style="display:inline-block;width:{bar_em}em;background:#EEEEEE;'
        f'vertical-align:middle;height:0.9em">'
        f'<span style="display:block;width:{share:.0f}%;height:100%;background:{color}"></span>'
        f"</span> {abs(value):.0f} N·m {kind}</div>"
    )


def strength_words(analysis: Analysis) -> tuple[str, str | None]:
    """The muscles' strength in a pose, said out loud: a short line (the group working
    nearest its maximum, as a share of that maximum) and, when some group would need more
    than its maximum isometric force, the sentence of
    :func:`~hinge_lib.model.muscles.over_max_message` (else None).

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> strength_words(analyze(Pose()))
    ('no muscle force needed to hold the pose', None)
    """
    states = analysis.muscles
    # the efforts alone: the rest of each muscle's state is only needed past the maximum
    known = {name: e for name, e in states.effort_pct.items() if e == e}
    top = max(known, key=known.__getitem__)
    effort = known[top]
    if effort < 0.5:
        return "no muscle force needed to hold the pose", None
    message = over_max_message(states) if over_max(effort) else None
    line = f"{muscle_groups()[top].label} works hardest, at {effort:.0f} % of its maximum force"
    if message:
        line = f"beyond the modelled muscles: {line}"
    return line, message


def _strength_html(analysis: Analysis) -> str:
    """The readout's strength line: flagged (✖, warning colour, the whole sentence) when a
    group is asked for more than its maximum; plain text otherwise, in no colour that says
    more than the words."""
    from html import escape

    line, message = strength_words(analysis)
    if message is None:
        return (f'<div class="hinge-strength-line" style="margin-top:6px"><b>Strength:</b> '
                f'<span class="hinge-strength">{escape(line)}</span></div>')
    return (f'<div class="hinge-strength-line" style="margin-top:6px"><b>Strength:</b> '
            f'<span class="hinge-strength hinge-over-max" style="color:{palette.BAD_TEXT}">'
            f"✖ {escape(line)}</span>"
            f'<div class="hinge-over-max-why" role="note" style="color:#222;'
            f'border-left:4px solid {palette.BAD_TEXT};padding:2px 8px;margin-top:2px">'
            f"{escape(message)}</div></div>")


def readout_html(analysis: Analysis, presenter: bool = False) -> str:
    """The readout beside the figure: pattern, moments, strength (the muscle working nearest
    its maximum, flagged with a sentence when the pose asks more than the muscles can
    make), hamstrings, balance, faults with cues.

    Class names (``hinge-pattern``, ``hinge-score``, ``hinge-strength``,
    ``hinge-over-max``, ``hinge-balance``, ``hinge-fault``) let tests and styles find each
    part.
    """
    from html import escape

    s = palette.sizes(presenter)
    a = analysis
    pattern = escape(str(a.pattern))
    words = escape(pattern_words(str(a.pattern)))
    # standing tall, both moments are near zero and their even split means nothing yet
    score = ("hinge score: none yet" if a.pattern == "upright"
             else f"hinge score {a.hinge_score:.2f}")
    # the strength line shares the muscle forces; the hamstrings' stretch is then read there
    strength = _strength_html(a)
    ham = float(a.hamstring_length_change_mm)
    ham_word = "stretched" if ham > 0.5 else ("shortened" if ham < -0.5 else "about resting")
    ok_color = palette.GOOD_TEXT if a.balanced else palette.BAD_TEXT
    balance = escape(balance_text(a))
    mark = "✔" if a.balanced else "✖"

    if a.faults:
        items = "".join(
            f'<li class="hinge-fault" data-code="{escape(f.code)}">'
            f"<b>{escape(f.message)}</b><br><i>Cue:</i> {escape(f.cue)}</li>"
            for f in a.faults
        )
        faults = f'<ul style="margin:2px 0;padding-left:1.2em">{items}</ul>'
    else:
        faults = '<div class="hinge-no-faults">No faults flagged.</div>'

    # the model's warnings (e.g. a point below the floor), boxed like the explorer's notes
    notes = "".join(
        f'<div class="hinge-warning" role="note" style="border-left:4px solid {palette.BLUE};'
        f'padding:2px 8px;margin-top:6px;color:#222"><b>Note:</b> {escape(str(w))}</div>'
        for w in getattr(a, "warnings", ()) or ()
    )

    return (
        f'<div class="hinge-readout-body" style="font-size:{s.readout_font_px}px;'
        f'line-height:1.35;min-width:{15 if presenter else 18}em">'
        f'<div style="font-size:1.25em"><b>Pattern:</b> '
        f'<span class="hinge-pattern">{pattern}</span> · '
        f'<span class="hinge-score">{score}</span></div>'
        f'<div style="color:#444">{words}</div>'
        f'<div style="margin-top:6px"><b>Extensor moments</b> (both legs)</div>'
        f"{_bar('Hip', float(a.hip_moment_nm), palette.HIP_BAR, compact=presenter)}"
        f"{_bar('Knee', float(a.knee_moment_nm), palette.KNEE_BAR, compact=presenter)}"
        f"{strength}"
        f'<div style="margin-top:6px"><b>Hamstrings:</b> '
        f'<span class="hinge-hamstrings">{ham:+.0f} mm ({ham_word})</span></div>'
        f'<div style="margin-top:6px"><b>Balance:</b> '
        f'<span class="hinge-balance" style="color:{ok_color}">{mark} {balance}</span></div>'
        f'<div style="margin-top:6px"><b>Faults</b></div>{faults}{notes}'
        f"</div>"
    )


def message_html(text: str, kind: str = "info", presenter: bool = False) -> str:
    """A short boxed message for the explorer's message area (``kind``: info or error)."""
    from hinge_lib.view.messages import message_box

    return message_box(text, kind, presenter=presenter)


# ---------------------------------------------------------------------------
# The pose in words (the live figure's SVG title and description, the spoken summary)


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def pose_words(analysis: Analysis) -> dict[str, str]:
    """The pose said in words, for assistive technology.

    Returns
    -------
    dict
        ``title`` (one line: pattern and the main angles), ``desc`` (the whole drawing:
        angles, balance, dowel contacts, load, faults) and ``say`` (a short summary of the
        readout, for a polite live region).

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> pose_words(analyze(Pose(hip=80)))["title"]
    'Stick figure, side view: hinge, hip 80°, knee 0°'
    """
    a = analysis
    p = a.pose
    title = f"Stick figure, side view: {a.pattern}, hip {p.hip:.0f}°, knee {p.knee:.0f}°"
    angles = ", ".join(f"{f} {getattr(p, f):.0f}°"
                       for f in POSE_FIELDS)
    held = [CONTACT_LABELS[k] for k, v in a.dowel.items() if v]
    lost = [CONTACT_LABELS[k] for k, v in a.dowel.items() if not v]
    dowel = (f"The dowel touches the {_joined(held)}" if held else "The dowel touches nothing")
    dowel += f"; lost at the {_joined(lost)}." if lost else "."
    load = (f" Load {float(a.load_kg):g} kg {hold_words(a.hold, 'in_words')}."
            if a.load_kg > 0 else "")
    faults = (" Faults: " + "; ".join(f.message for f in a.faults) + "." if a.faults
              else " No faults flagged.")
    desc = (f"Side view of the body in a {a.pattern} (hinge score {a.hinge_score:.2f}). "
            f"Joint angles: {angles}. The trunk leans {a.trunk_angle_deg:.0f}° from "
            f"vertical and the shin {a.shin_angle_deg:.0f}°. "
            f"{balance_text(a).capitalize()}. {dowel}{load}{faults}")
    nf = len(a.faults)
    say = (f"{a.pattern}, hinge score {a.hinge_score:.2f}, "
           f"{'balanced' if a.balanced else 'not balanced'}, "
           f"{'no faults' if not nf else f'{nf} fault' + ('s' if nf > 1 else '')}")
    if a.faults:
        say += ": " + "; ".join(f.message for f in a.faults)
    return {"title": title, "desc": desc, "say": say}
