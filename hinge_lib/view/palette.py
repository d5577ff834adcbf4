"""Colour-blind-safe colours (Okabe and Ito, 2008) and line/font sizes for the figures.

Colour is never the only cue in the drawings: every colour that carries meaning
(balanced or not, dowel contact held or lost) also has a text label or a marker shape.
"""

from __future__ import annotations

from dataclasses import dataclass

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"
LIGHT_GREY = "#DDDDDD"

OKABE_ITO: dict[str, str] = {
    "black": BLACK,
    "orange": ORANGE,
    "sky_blue": SKY_BLUE,
    "bluish_green": BLUISH_GREEN,
    "yellow": YELLOW,
    "blue": BLUE,
    "vermillion": VERMILLION,
    "reddish_purple": REDDISH_PURPLE,
}

# Meanings used across the course.
BODY = BLUE
JOINT = BLACK
COM = ORANGE
GOOD = BLUISH_GREEN
BAD = VERMILLION
#: Darker shades of GOOD and BAD for text on white: at least 4.5:1 contrast (WCAG AA);
#: the Okabe-Ito shades themselves reach only about 3.4:1.
GOOD_TEXT = "#00704F"
BAD_TEXT = "#A13C00"
DOWEL = REDDISH_PURPLE
LOAD = "#444444"
GHOST = GREY
FLOOR = "#666666"
FILL = "rgba(221, 221, 221, 0.75)"  # LIGHT_GREY, letting a ghost show through
HIP_BAR = BLUE
KNEE_BAR = ORANGE


@dataclass(frozen=True)
class Sizes:
    """Line widths, marker sizes and font sizes for one display setting."""

    body_width: float
    joint_size: float
    com_size: float
    head_width: float
    dowel_width: float
    contact_size: float
    font_size: int
    label_size: int
    readout_font_px: int


NORMAL = Sizes(
    body_width=5,
    joint_size=8,
    com_size=14,
    head_width=3,
    dowel_width=3,
    contact_size=11,
    font_size=13,
    label_size=13,
    readout_font_px=14,
)

PRESENTER = Sizes(
    body_width=9,
    joint_size=13,
    com_size=22,
    head_width=5,
    dowel_width=5,
    contact_size=17,
    font_size=20,
    label_size=20,
    # fits the readout beside the controls and the figure on a 1024 x 768 projector
    readout_font_px=18,
)


def sizes(presenter: bool = False) -> Sizes:
    """Return the size set for a normal screen or for a projector."""
    return PRESENTER if presenter else NORMAL
