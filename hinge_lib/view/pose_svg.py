"""A pose drawn as a small standalone SVG picture, for print (the handouts).

A third renderer of :func:`hinge_lib.view.figures.drawing_data`, beside plotly and the live
figure: the same lines and marks, in metres, with no text inside the picture (the page
around it carries the words, so a screen reader reads them and the print stays sharp).
Pictures drawn with the same window (:func:`pose_window` of all of them, or by default the
figures' fixed :data:`~hinge_lib.view.figures.X_RANGE` and
:data:`~hinge_lib.view.figures.Y_RANGE`) share one scale, so poses side by side compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from hinge_lib.view import palette
from hinge_lib.view.figures import X_RANGE, Y_RANGE, drawing_data

if TYPE_CHECKING:  # pragma: no cover
    from hinge_lib.model.analysis import Analysis

#: Line widths in metres of the printed drawing (about 1 mm wide on a 5 cm picture).
BODY_WIDTH_M = 0.028
THIN_WIDTH_M = 0.010
JOINT_RADIUS_M = 0.018
#: How each kind of mark is drawn: (radius as a share of JOINT_RADIUS_M, fill, outline
#: colour or None, outline width as a share of THIN_WIDTH_M).
MARK_STYLES = {
    "joint": (0.8, palette.JOINT, None, 0.0),
    "contact_held": (1.3, palette.DOWEL, palette.BLACK, 0.5),
    "contact_lost": (1.8, "none", palette.BAD, 1.5),
    "com": (1.6, palette.COM, palette.BLACK, 0.5),
}


def _path(polylines: Sequence[Sequence[tuple[float, float]]]) -> str:
    """SVG path data of polylines in metres; y is flipped so up is up on the page."""
    parts = []
    for line in polylines:
        points = [f"{x:.4f} {-y:.4f}" for x, y in line]
        if len(points) >= 2:
            parts.append("M" + " L".join(points))
    return " ".join(parts)


def _stroke(d: str, colour: str, width: float, extra: str = "") -> str:
    if not d:
        return ""
    return (f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width:g}" '
            f'stroke-linecap="round" stroke-linejoin="round"{extra}/>')


#: A drawing window in metres: ((x_min, x_max), (y_min, y_max)).
Window = tuple[tuple[float, float], tuple[float, float]]


def pose_window(analyses: Iterable[Analysis], margin_m: float = 0.08) -> Window:
    """The smallest window holding every line and mark of ``analyses`` and the floor, with
    ``margin_m`` metres to spare on each side: one window for pictures to share a scale."""
    xs: list[float] = []
    ys: list[float] = [0.0]
    for analysis in analyses:
        d = drawing_data(analysis)
        for polylines in d["lines"].values():
            for line in polylines:
                xs += [p[0] for p in line]
                ys += [p[1] for p in line]
        for mark in d["marks"]:
            if mark["xy"] is not None:
                xs.append(mark["xy"][0])
                ys.append(mark["xy"][1])
    if not xs:
        return X_RANGE, Y_RANGE
    return ((min(xs) - margin_m, max(xs) + margin_m),
            (min(ys) - margin_m / 2, max(ys) + margin_m))


def pose_svg(analysis: Analysis, *, dowel: bool = False, description: str = "",
             window: Window | None = None) -> str:
    """One pose as an SVG document (a string): floor, base of support, body, head and feet,
    joint dots and the centre of mass (orange dot with a dashed plumb line to the floor).

    ``dowel`` adds the dowel along the back with its three contacts: a filled dot where it
    touches, a red ring where it has lifted off. ``description`` becomes the picture's
    ``<title>`` (its text for a screen reader). Coordinates are metres, x forward of the
    ankle, y up from the floor. ``window`` (from :func:`pose_window`) is the part of the
    side view drawn; by default the figures' fixed window. Its size in the SVG is 1 mm per
    cm of body, so pictures with windows of the same scale print at the same scale.

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> svg = pose_svg(analyze(Pose(hip=70, knee=15)), dowel=True, description="hinge")
    >>> svg.startswith("<svg") and "<title>hinge</title>" in svg
    True
    """
    d = drawing_data(analysis)
    lines = d["lines"]
    (x0, x1), (y0, y1) = window if window is not None else (X_RANGE, Y_RANGE)
    view = f"{x0:g} {-y1:g} {x1 - x0:g} {y1 - y0:g}"
    floor = [[(x0, 0.0), (x1, 0.0)]]
    support = palette.GOOD if d["balanced"] else palette.BAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}" '
        f'width="{(x1 - x0) * 100:g}mm" height="{(y1 - y0) * 100:g}mm">',
        f"<title>{escape(description)}</title>" if description else "",
        _stroke(_path(floor), palette.FLOOR, THIN_WIDTH_M),
        _stroke(_path(lines["base_of_support"]), support, BODY_WIDTH_M * 1.6),
        _stroke(_path(lines["plumb_line"]), palette.COM, THIN_WIDTH_M,
                ' stroke-dasharray="0.04 0.03"'),
        f'<path d="{_path(lines["feet"] + lines["head"][:1])}" fill="{palette.LIGHT_GREY}" '
        f'stroke="{palette.BODY}" stroke-width="{BODY_WIDTH_M * 0.7:g}" '
        'stroke-linejoin="round"/>',
        _stroke(_path(lines["head"][1:] + lines["body"]), palette.BODY, BODY_WIDTH_M),
    ]
    if dowel:
        parts.append(_stroke(_path(lines["dowel"]), palette.DOWEL, BODY_WIDTH_M * 0.6))
    for mark in d["marks"]:
        if mark["xy"] is None or mark["kind"] == "load":
            continue
        if mark["group"] == "contacts" and not dowel:
            continue
        x, y = mark["xy"]
        if mark["kind"] in MARK_STYLES:
            size, fill, stroke, width = MARK_STYLES[mark["kind"]]
            outline = (f' stroke="{stroke}" stroke-width="{THIN_WIDTH_M * width:g}"'
                       if stroke else "")
            parts.append(f'<circle cx="{x:.4f}" cy="{-y:.4f}" r="{JOINT_RADIUS_M * size:g}" '
                         f'fill="{fill}"{outline}/>')
    parts.append("</svg>")
    return "".join(p for p in parts if p)
