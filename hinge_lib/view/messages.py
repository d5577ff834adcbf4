"""One coloured message box for every place that tells the learner something: explorer
messages, self-check feedback and upload results look and read the same.

Colour is never the only cue: a box of kind ``good`` or ``bad`` starts with a tick or a cross.
"""

from __future__ import annotations

from html import escape

from hinge_lib.view import palette

#: kind -> (border colour, leading mark shown before the text)
KINDS: dict[str, tuple[str, str]] = {
    "info": (palette.BLUE, ""),
    "good": (palette.GOOD, "\u2714"),
    "bad": (palette.BAD, "\u2718"),
    "error": (palette.BAD, ""),
}


def message_box(text: str, kind: str = "info", *, css_class: str = "hinge-message",
                presenter: bool = False, html_text: bool = False) -> str:
    """HTML for a boxed message with a coloured left border.

    Parameters
    ----------
    text : str
        The message; escaped unless ``html_text`` is true (then it must be safe HTML).
    kind : {"info", "good", "bad", "error"}
        Sets the border colour; ``good`` and ``bad`` also show a tick or a cross.
    css_class : str
        Class names for the outer ``div`` (tests and pages select on them);
        ``hinge-message-<kind>`` is always added.
    presenter : bool
        Larger text for a projector.

    Returns
    -------
    str
        The HTML, or an empty string for an empty message.

    Examples
    --------
    >>> box = message_box("All three contacts hold", "good")
    >>> "\u2714" in box and "hinge-message-good" in box
    True
    >>> message_box("")
    ''
    """
    if not text:
        return ""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    colour, mark = KINDS[kind]
    body = text if html_text else escape(text)
    lead = f'<b style="color:{colour}">{mark}</b> ' if mark else ""
    size = palette.sizes(presenter).readout_font_px
    return (
        f'<div class="{css_class} hinge-message-{kind}" style="border-left:4px solid {colour};'
        f'padding:4px 8px;margin-top:4px;font-size:{size}px;color:#222">{lead}{body}</div>'
    )
