"""Read joint-angle recordings made with other tools into the model's pose columns.

`read_motion(source, name=None)` accepts a file path or the raw bytes of an upload and returns a
DataFrame indexed by time in seconds (index name ``"time"``) with the model's pose columns
(`POSE_COLUMNS`, the same names as :data:`hinge_lib.model.pose.POSE_FIELDS`) in degrees and in
the model's conventions:

- ankle: forward tilt of the shank from vertical (+ knee ahead of the ankle)
- knee, hip: flexion, 0 = straight
- lumbar, thoracic, neck: flexion, + rounds forward, - arches

Everything that was converted, repaired or left out is said in words in ``attrs``:
``repairs`` (what was changed), ``caveats`` (what the numbers mean for this source, shown in
the report), ``missing`` (pose columns not in the file, filled with 0), ``ignored`` (columns not
used), ``columns_seen`` (every column of the file), ``excluded`` (stretches of time left out,
as `hinge_lib.recordings.timeline.Excluded`), ``source_format`` and ``name``.

OpenSim "Coordinates" ``.mot`` (OpenCap, OpenSim inverse kinematics)
--------------------------------------------------------------------
A header ending with ``endheader``, then a tab- or space-separated table whose first column is
``time``. ``inDegrees=yes`` or ``no`` gives the unit of the rotational columns (``*_tx``,
``*_ty``, ``*_tz`` are translations in metres and are never converted).

=============  ======================================  ==========================================
model column   OpenSim coordinate(s)                   rule
=============  ======================================  ==========================================
hip            ``hip_flexion_r``, ``hip_flexion_l``    mean of the sides present
knee           ``knee_angle_r``, ``knee_angle_l``      mean; sign checked (see below)
ankle          ``pelvis_tilt`` + hip + knee            shin tilt from the chain when
                                                       ``pelvis_tilt`` is there, else
                                                       ``ankle_angle_*`` (right only with the
                                                       foot flat)
lumbar         ``lumbar_extension``                    ``-lumbar_extension``, minus the
                                                       standing baseline
thoracic, neck (not in these models)                   0, listed in ``attrs["missing"]``
=============  ======================================  ==========================================

- Knee sign: models of the gait2392 family store knee flexion as a negative ``knee_angle``;
  OpenCap's (Rajagopal) as positive. A knee that bends well past -15 degrees and never past
  +15 is read as negative flexion and converted (said in ``repairs``); a knee that goes far
  both ways is refused naming the column. When the knee moves less than that, the chain
  decides: with ``pelvis_tilt`` and ``ankle_angle`` present the sign that makes the shin from
  the chain agree with the ankle angle is used; without them, a knee that goes past -5 and
  stays under +5 degrees while moving against the hip's flexion (correlation -0.7 or less)
  is read as negative flexion, since knees flex as hips flex in a squat or a hinge.
- Which ankle: the report says whether the balance uses the shin from the chain (and how far
  OpenSim's own ankle angle lies from it) or the ankle angle itself.
- Pelvis position: ``pelvis_tx``, ``pelvis_ty``, ``pelvis_tz`` (metres) are kept in
  ``attrs["pelvis_m"]``; `analyze_motion` finds there the seconds when the feet left the
  floor or moved along it.
- Shin tilt: the model builds the body up from the shin (shank, then thigh = shank - knee,
  then pelvis = thigh + hip), so the shin is derived as
  ``-pelvis_tilt + knee flexion - hip flexion`` (OpenSim's ``pelvis_tilt`` is negative for a
  forward tilt); the model's pelvis then tilts exactly as the recorded one.
- Trunk: OpenSim's single lumbar joint bends the whole trunk over the pelvis and is measured
  from the model's zero, not from the person's standing posture. When the recording has at
  least `MIN_STANDING_S` of standing (hips and knees within `STANDING_DEG` of their straightest),
  the median lumbar angle there is subtracted (if at least 2 degrees); the report says that
  the number is the whole trunk's bend, and the lower back's faults are not judged from it
  (``attrs["unjudged"]``). A Kinovea-style "lower back" column gets the same standing
  baseline.

Sports2D angle ``.mot`` files
-----------------------------
Columns with Sports2D's plain names (``right knee``, ``left hip``, ``right ankle``, and segment
angles such as ``trunk``, ``right thigh``). Knee: flexion. Ankle: dorsiflexion (90 degrees
subtracted by Sports2D), equal to the shin tilt only with the foot flat. Hip: Sports2D measures
it from the thigh to the line from the hip to the neck, so it includes the spine's bend: it is
read as the hip column and the report says the spine was not measured apart from it. Segment
angles are measured from the horizontal and are not joint angles: they are ignored.

Kinovea, Excel and other CSV / text tables
------------------------------------------
Read with Python's ``csv`` module: the delimiter (comma, semicolon, tab or ``|``) and quoting
are sniffed from the header, quoted fields such as ``"Hip, right"`` or ``"0,5"`` are kept whole,
trailing separators are ignored. Text may be UTF-8 (with or without BOM) or UTF-16 with a BOM
(Excel's "Unicode text"). Decimal commas are accepted wherever they appear (not only in the
first rows) and reported; a column that mixes decimal points and decimal commas is refused.
Optional ``#`` comment lines come before the header row.

The time column is the first column named ``time``, ``t``, ``timestamp`` or ``times``, with an
optional unit in brackets (``s``, ``ms``). Kinovea timecodes (``1:10.48``) and date-times
(``2025-03-01 10:00:00.040``) are read as seconds from the first frame (reported).
Angle columns are matched on their words after removing units in brackets and the side words:

- hip: ``Hip``, ``Hip flexion``, ``Right hip angle (deg)`` ...
- knee: ``Knee``, ``Knee angle``, ``Left knee flexion`` ...
- ankle: ``Ankle``, ``Ankle dorsiflexion``, ``Shin``, ``Shank`` (tilt from vertical)
- lumbar: ``Lumbar``, ``Lower back``, ``Low back``; thoracic: ``Thoracic``, ``Upper back``;
  neck: ``Neck``

Included angles (Kinovea's angle tool measures between the two segments, so a straight knee
reads 180): a hip or knee column whose median is above 90 degrees is read as an included angle
and converted to flexion = 180 - value, unless its name says ``flexion`` (then it is flexion,
even above 90); an ankle column whose median is above 45 degrees is read as the shank-foot
angle (dorsiflexion = 90 - value). Each conversion is listed in ``repairs``.

Checks (``MotionFileError``, a ``ValueError``, names the file, and the line and column)
-----------------------------------------------------------------------------------------
- ``source`` that is not a path or bytes (``None``, a number), a folder, a missing file, a
  device or a pipe (``/dev/zero``, a FIFO), a path the system cannot open, files over
  `MAX_FILE_BYTES`, lines over `MAX_LINE_CHARS` characters, more than `MAX_FRAMES` rows,
  empty or binary files, text that is not UTF-8 or UTF-16, a ``.mot`` without ``endheader``,
  fewer rows than ``nRows``, rows with the wrong number of cells, duplicated column names, no
  time column, no joint-angle column (the columns seen are listed), non-numeric or infinite
  cells, values above 360 degrees.
- Time: must increase row by row, at `MIN_RATE_HZ` to `MAX_RATE_HZ` frames per second. A
  column labelled seconds whose steps are those of milliseconds (or the reverse) is an error;
  an unlabelled ``time`` column whose steps only make sense as milliseconds is read as
  milliseconds (reported); steps of exactly 1 with no unit (frame numbers) are an error.
- radians labelled as degrees (every angle within +-3.5 while the hip or knee moves by at
  least 0.75) and degrees labelled as radians are errors, not silent conversions.
- Gaps (empty or ``NaN`` cells): never read as 0. Gaps up to `MAX_GAP_S` are filled by
  interpolation, longer ones are left out of the analysis and their seconds are reported
  (see :mod:`hinge_lib.recordings.timeline`).

Only text is parsed, as numbers: nothing in a file is executed or unpickled.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from hinge_lib.model.pose import POSE_FIELDS
from hinge_lib.recordings import timeline
from hinge_lib.recordings.opensim_conventions import (
    MIN_STANDING_S,
    STANDING_DEG,
    MotionFileError,
    _ankle_caveat,
    _fail,
    _knee_sign,
    _lumbar_baseline,
    _mean_sides,
)
from hinge_lib.recordings.timeline import MAX_FRAMES, MAX_GAP_S, MAX_RATE_HZ, MIN_RATE_HZ

POSE_COLUMNS: tuple[str, ...] = POSE_FIELDS
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The longest line read (characters): a row of joint angles is a few hundred.
MAX_LINE_CHARS = 100_000
#: File names in messages are cut to this many characters.
MAX_NAME_CHARS = 120
_RADIAN_LIMIT = 3.5
_RADIAN_MIN_RANGE = 0.75
_CHUNK_ROWS = 100_000

__all__ = [
    "MAX_FILE_BYTES", "MAX_FRAMES", "MAX_GAP_S", "MAX_LINE_CHARS", "MAX_RATE_HZ", "MIN_RATE_HZ",
    "MIN_STANDING_S", "POSE_COLUMNS", "STANDING_DEG",
    "MotionFileError", "read_motion", "read_motion_text",
]

# OpenSim coordinate -> (model column, sign)
_OPENSIM: dict[str, tuple[str, float]] = {
    "hip_flexion_r": ("hip", 1.0),
    "hip_flexion_l": ("hip", 1.0),
    "knee_angle_r": ("knee", 1.0),
    "knee_angle_l": ("knee", 1.0),
    "ankle_angle_r": ("ankle", 1.0),
    "ankle_angle_l": ("ankle", 1.0),
    "lumbar_extension": ("lumbar", -1.0),
}
_SPORTS2D_JOINTS: dict[str, str] = {
    "right ankle": "ankle", "left ankle": "ankle",
    "right knee": "knee", "left knee": "knee",
    "right hip": "hip", "left hip": "hip",
}
_SPORTS2D_SEGMENTS = {
    "right foot", "left foot", "right shank", "left shank", "right thigh", "left thigh",
    "pelvis", "trunk", "shoulders", "head", "right arm", "left arm", "right forearm",
    "left forearm",
}
_NAME_WORDS: dict[tuple[str, ...], str] = {
    ("hip",): "hip",
    ("knee",): "knee",
    ("ankle",): "ankle",
    ("ankle", "dorsiflexion"): "ankle",
    ("dorsiflexion",): "ankle",
    ("shin",): "ankle",
    ("shank",): "ankle",
    ("lumbar",): "lumbar",
    ("lower", "back"): "lumbar",
    ("low", "back"): "lumbar",
    ("thoracic",): "thoracic",
    ("upper", "back"): "thoracic",
    ("neck",): "neck",
}
#: OpenSim pelvis coordinates used: tilt for the shin, translations (m) for the feet
_PELVIS = ("pelvis_tilt", "pelvis_tx", "pelvis_ty", "pelvis_tz")
_SIDE_WORDS = {"left", "right", "l", "r", "lt", "rt"}
_FLEXION_WORDS = {"flexion", "flex"}
_FILLER_WORDS = {"angle", "joint", "deg", "degrees", "value"} | _FLEXION_WORDS
_TIME_NAMES = {"time", "t", "timestamp", "times"}
_MISSING_CELLS = ("", "nan", "na", "n/a", "null", "none")


def _load_bytes(source: object, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "uploaded file"
        if len(data) > MAX_FILE_BYTES:
            _fail(label, f"{len(data)} bytes is over the {MAX_FILE_BYTES // 2**20} MB limit")
        return data, label
    if not isinstance(source, (str, os.PathLike)):
        got = "None" if source is None else f"{type(source).__name__} {source!r:.60}"
        raise MotionFileError(f"read_motion needs a file path or the file's bytes; got {got}")
    if isinstance(source, str) and "\n" in source:
        raise MotionFileError("read_motion got text with line breaks, not a file path; for a "
                              "table already in memory use read_motion_text(text, name)")
    path = Path(source)
    label = _short(name or path.name or str(path))
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        _fail(label, f"no such file: {_short(str(path))}")
    except OSError as err:  # a name too long, a folder we may not enter...
        _fail(label, f"cannot open {_short(str(path))}: {err.strerror or err}")
    if stat.S_ISDIR(info.st_mode):
        _fail(label, f"{_short(str(path))} is a folder; give the path of one .mot or .csv file "
              "in it")
    if not stat.S_ISREG(info.st_mode):
        _fail(label, f"{_short(str(path))} is not a saved file (a device, a pipe or a socket); "
              "give the path of a .mot or .csv file")
    if info.st_size > MAX_FILE_BYTES:
        _fail(label, f"{info.st_size} bytes is over the {MAX_FILE_BYTES // 2**20} MB limit")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        _fail(label, f"cannot read {_short(str(path))}: {err.strerror or err}")
    if len(data) > MAX_FILE_BYTES:  # grew while we looked
        _fail(label, f"over the {MAX_FILE_BYTES // 2**20} MB limit")
    return data, label


def _short(text: str, keep: int = MAX_NAME_CHARS) -> str:
    """``text`` cut in the middle to ``keep`` characters, so a message stays readable.

    Examples
    --------
    >>> _short("a" * 300, 20)
    'aaaaaaaaa…aaaaaaaaaa'
    """
    if len(text) <= keep:
        return text
    half = (keep - 1) // 2
    return text[:half] + "…" + text[len(text) - (keep - 1 - half):]


def _decode(data: bytes, label: str) -> tuple[str, str | None]:
    """Text of the file and the encoding repair to report (``None`` for UTF-8)."""
    if not data.strip():
        _fail(label, "the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            _fail(label, f"UTF-16 text with a broken character at byte {err.start}")
        if not text.strip():
            _fail(label, "the file is empty")
        return text, "read as UTF-16 text (Excel's \"Unicode text\")"
    head = data[:400]
    if len(head) >= 8 and head[1::2].count(0) > 0.4 * len(head[1::2]) and head[0::2].count(0) == 0:
        try:
            return data.decode("utf-16-le"), "read as UTF-16 text without a byte-order mark"
        except UnicodeDecodeError:
            pass
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        _fail(label, "binary data (NUL byte): expected a text table (.mot or .csv)", line)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        _fail(label, f"not UTF-8 text (byte {data[err.start]:#04x} at character {col}); "
              "save the export as UTF-8 (Excel: \"CSV UTF-8\") or as Unicode text", line)
    raise AssertionError  # unreachable


def _words(column: str) -> list[str]:
    text = re.sub(r"[\(\[\{].*?[\)\]\}]", " ", column.lower())
    text = text.replace("°", " ")
    return [w for w in re.split(r"[^a-z0-9]+", text) if w]


def _match_name(column: str) -> str | None:
    """Model column for a plain angle name (``"Right knee angle"`` -> ``"knee"``), else None."""
    key = column.strip().lower()
    if key in _OPENSIM:
        return _OPENSIM[key][0]
    words = [w for w in _words(column) if w not in _SIDE_WORDS and w not in _FILLER_WORDS]
    return _NAME_WORDS.get(tuple(words))


def _says_flexion(column: str) -> bool:
    return any(w in _FLEXION_WORDS for w in _words(column))


def _time_unit(column: str) -> str | None:
    """``"s"``, ``"ms"`` or ``""`` (no unit) for a time column, None if not a time column."""
    words = _words(column)
    if not words or words[0] not in _TIME_NAMES or len(words) > 1:
        return None
    unit = re.search(r"[\(\[]\s*([a-zµμ]+)\s*[\)\]]", column.lower())
    if unit is None:
        return ""
    if unit.group(1) in {"s", "sec", "secs", "second", "seconds"}:
        return "s"
    if unit.group(1) in {"ms", "msec", "millisecond", "milliseconds"}:
        return "ms"
    return None


def _parse_timecode(cell: str) -> float:
    parts = cell.strip().replace(",", ".").split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(cell)
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60.0 + float(part)
    return seconds


# ------------------------------------------------------------------ tables


class _Column:
    """Numbers of one column, converted chunk by chunk (decimal marks tracked for reporting)."""

    def __init__(self, label: str, index: int, name: str) -> None:
        self.label, self.index, self.name = label, index, name
        self.parts: list[np.ndarray] = []
        self.comma_line: int | None = None
        self.point_line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.index + 1} ({self.name!r})"

    def add(self, cells: list[str], lines: list[int]) -> None:
        arr = np.char.strip(np.asarray(cells, dtype=str))
        missing = np.isin(np.char.lower(arr), _MISSING_CELLS)
        commas = np.char.count(arr, ",")
        comma = commas == 1
        if (commas > 1).any():
            i = int(np.flatnonzero(commas > 1)[0])
            _fail(self.label, f"{str(arr[i])!r} is not a number", lines[i], self.where)
        if comma.any() and self.comma_line is None:
            self.comma_line = lines[int(np.flatnonzero(comma)[0])]
        point = np.char.find(arr, ".") >= 0
        if point.any() and self.point_line is None:
            self.point_line = lines[int(np.flatnonzero(point)[0])]
        if self.comma_line is not None and self.point_line is not None:
            _fail(self.label, f"the column mixes decimal points (line {self.point_line}) and "
                  f"decimal commas (line {self.comma_line}); export it with one decimal mark",
                  None, self.where)
        if comma.any():
            arr = np.char.replace(arr, ",", ".")
        filled = np.where(missing, "nan", arr)
        try:
            values = filled.astype(float)
        except ValueError:
            values = np.empty(len(filled))
            for i, cell in enumerate(filled):
                try:
                    values[i] = float(cell)
                except ValueError:
                    _fail(self.label, f"{str(cell)!r} is not a number", lines[i], self.where)
        bad = np.isinf(values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            _fail(self.label, f"{str(arr[i])!r} is not a finite number", lines[i], self.where)
        self.parts.append(values)

    def values(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.empty(0)


class _TimeColumn:
    """Time cells kept as text until the whole column is known (numbers, timecodes or dates)."""

    def __init__(self, label: str, index: int, name: str) -> None:
        self.label, self.index, self.name = label, index, name
        self.cells: list[str] = []

    @property
    def where(self) -> str:
        return f"{self.index + 1} ({self.name!r})"

    def add(self, cells: list[str], lines: list[int]) -> None:
        self.cells.extend(cells)

    def seconds(self, lines: np.ndarray, repairs: list[str]) -> np.ndarray:
        cells = [c.strip() for c in self.cells]
        empty = [i for i, c in enumerate(cells) if c.lower() in _MISSING_CELLS]
        if empty:
            _fail(self.label, "missing time value", int(lines[empty[0]]), self.where)
        first = cells[0]
        if ":" in first and re.search(r"\d[-/.]\d+[-/.]\d|T\d", first):
            try:
                stamps = pd.to_datetime(pd.Series(cells), format="mixed")
            except (ValueError, TypeError, OverflowError) as err:
                _fail(self.label, f"time is neither seconds, a timecode nor a date-time ({err})",
                      None, self.where)
            repairs.append("time read as clock times: seconds from the first frame")
            return ((stamps - stamps.iloc[0]) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
        if any(":" in c for c in cells):
            out = np.empty(len(cells))
            for i, cell in enumerate(cells):
                try:
                    out[i] = _parse_timecode(cell)
                except ValueError:
                    _fail(self.label, f"time {cell!r} is neither a number nor a timecode like "
                          "1:02.50", int(lines[i]), self.where)
            repairs.append("time read as [h:][mm:]ss timecodes")
            return out
        column = _Column(self.label, self.index, self.name)
        for start in range(0, len(cells), _CHUNK_ROWS):
            column.add(cells[start:start + _CHUNK_ROWS],
                       lines[start:start + _CHUNK_ROWS].tolist())
        return column.values()


def _rows(kept: list[tuple[int, str]], dialect: type[csv.Dialect] | None,
          ) -> Iterator[list[str]]:
    if dialect is None:
        return (text.split() for _, text in kept)
    return csv.reader((s for _, s in kept), dialect)


def _fit_row(label: str, cells: list[str], n_cols: int, line_no: int) -> list[str]:
    if len(cells) > n_cols and not any(c.strip() for c in cells[n_cols:]):
        return cells[:n_cols]  # trailing separators
    if len(cells) != n_cols:
        _fail(label, f"{len(cells)} cells where the header has {n_cols} "
              "(the file may be cut short or a cell may be missing)", line_no)
    return cells


def _read_rows(label: str, kept: list[tuple[int, str]], dialect: type[csv.Dialect] | None,
               n_cols: int, columns: Sequence[_Column | _TimeColumn]) -> np.ndarray:
    """Feed the wanted columns from the data rows, `_CHUNK_ROWS` rows at a time (so memory
    stays bounded by the numbers kept); returns the line number of every row."""
    if len(kept) > MAX_FRAMES:
        _fail(label, f"{len(kept)} rows is over the limit of {MAX_FRAMES} frames ("
              f"{MAX_FRAMES / 100 / 60:.0f} minutes at 100 frames per second); cut the recording "
              "into parts")
    rows = _rows(kept, dialect)
    read = 0
    while True:
        chunk = list(itertools.islice(rows, _CHUNK_ROWS))
        if not chunk:
            break
        lines = [n for n, _ in kept[read:read + len(chunk)]]
        read += len(chunk)
        if set(map(len, chunk)) != {n_cols}:
            chunk = [_fit_row(label, cells, n_cols, n) for cells, n in zip(chunk, lines,
                                                                           strict=False)]
        cells_by_column = list(zip(*chunk, strict=True)) if chunk else []
        for col in columns:
            col.add(list(cells_by_column[col.index]), lines)
    return np.fromiter((n for n, _ in kept[:read]), dtype=np.int64, count=read)


def _check_header(label: str, header: list[str], line_no: int) -> None:
    seen: dict[str, int] = {}
    for j, col in enumerate(header):
        key = col.strip().lower()
        if not key:
            _fail(label, "empty column name", line_no, str(j + 1))
        if key in seen:
            _fail(label, f"column name {col.strip()!r} appears twice (columns {seen[key] + 1} "
                  f"and {j + 1})", line_no, str(j + 1))
        seen[key] = j


def _side_key(column: str) -> str:
    key = column.strip().lower()
    if key.endswith("_r") or key.endswith("_l"):
        return key[-1]
    side = [w for w in _words(column) if w in _SIDE_WORDS]
    return side[0][0] if side else ""


def _sniff(label: str, header_line: str, sample: list[str], line_no: int,
           ) -> type[csv.Dialect]:
    try:
        dialect = csv.Sniffer().sniff("\n".join([header_line, *sample]), delimiters=",;\t|")
    except csv.Error:
        counts = {d: header_line.count(d) for d in ("\t", ";", ",", "|")}
        best = max(counts, key=lambda d: counts[d])
        if not counts[best]:
            _fail(label, "expected a table with a time column and angle columns separated by "
                  "commas, semicolons or tabs (is this a .mot file without its header?)",
                  line_no)

        class _Simple(csv.excel):
            delimiter = best

        return _Simple
    if dialect.delimiter not in ",;\t|":
        dialect.delimiter = ","
    return dialect


# ------------------------------------------------------------------ mapping and conversions


def _map_columns(header: list[str], time_col: int, source_format: str,
                 ) -> tuple[dict[str, list[int]], list[str], list[int]]:
    """``{field: [column indexes]}``, the ignored names, and other columns needed (pelvis)."""
    mapped: dict[str, list[int]] = {}
    ignored: list[str] = []
    extra: list[int] = []
    for j, col in enumerate(header):
        if j == time_col:
            continue
        key = col.strip().lower()
        sports2d = source_format == "sports2d_mot"
        field = _SPORTS2D_JOINTS.get(key) if sports2d else _match_name(col)
        if field is None:
            if source_format == "opensim_mot" and key in _PELVIS:
                extra.append(j)
                if key != "pelvis_tilt":
                    continue  # used to find flight and stepping
            ignored.append(col.strip())
            continue
        mapped.setdefault(field, []).append(j)
    return mapped, ignored, extra


def _included_to_flexion(label: str, field: str, name: str, col: np.ndarray, lines: np.ndarray,
                         repairs: list[str]) -> np.ndarray:
    if np.isnan(col).all():
        return col
    big = np.abs(col) > 360.0
    if big.any():
        i = int(np.flatnonzero(big)[0])
        _fail(label, f"{col[i]:g} degrees is not a joint angle", int(lines[i]), repr(name))
    median = float(np.nanmedian(col))
    if field in ("hip", "knee") and median > 90.0:
        if _says_flexion(name):
            return col
        repairs.append(f"{name!r} read as the included angle (180 = straight): "
                       f"flexion = 180 - value")
        return 180.0 - col
    if field == "ankle" and median > 45.0:
        repairs.append(f"{name!r} read as the shank-foot angle (90 = neutral): "
                       f"dorsiflexion = 90 - value")
        return 90.0 - col
    return col


def _check_radians(label: str, values: dict[int, np.ndarray], mapped: dict[str, list[int]],
                   rotational: list[int], in_degrees: bool | None, header_line: int,
                   repairs: list[str]) -> bool:
    """True when the rotational columns must be converted from radians."""
    rot = np.concatenate([values[j] for j in rotational]) if rotational else np.zeros(1)
    if in_degrees is False:
        if np.nanmax(np.abs(rot)) > 7.0:
            _fail(label, "inDegrees=no but some angles are larger than 7: the values look like "
                  "degrees; change the header to inDegrees=yes", header_line)
        repairs.append("angles converted from radians to degrees (inDegrees=no)")
        return True
    angle_idx = [j for cols in mapped.values() for j in cols]
    hip_knee = [j for f in ("hip", "knee") for j in mapped.get(f, [])]
    if not hip_knee:
        return False
    hip_knee = [j for j in hip_knee if not np.isnan(values[j]).all()]
    if not hip_knee:
        return False
    angles = np.concatenate([values[j] for j in angle_idx])
    moves = max(float(np.nanmax(values[j]) - np.nanmin(values[j])) for j in hip_knee)
    if (np.nanmax(np.abs(angles)) <= _RADIAN_LIMIT and moves >= _RADIAN_MIN_RANGE
            and np.nanmax(np.abs(rot)) <= _RADIAN_LIMIT):
        _fail(label, "the angles never exceed 3.5 although the hip or knee moves: they look "
              "like radians labelled as degrees; set inDegrees=no or export in degrees",
              header_line)
    return False


def _check_time(label: str, t: np.ndarray, lines: np.ndarray, where: str, unit: str,
                repairs: list[str]) -> np.ndarray:
    steps = np.diff(t)
    if (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0]) + 1
        _fail(label, f"time goes from {t[i - 1]:g} to {t[i]:g}: it must increase row by row",
              int(lines[i]), where)
    if len(t) < 2:
        return t
    step = float(np.median(steps))
    rate = 1.0 / step
    if MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        return t
    named = {"s": "seconds", "ms": "milliseconds"}.get(unit)
    if unit == "" and step == 1.0 and np.all(np.mod(t, 1.0) == 0):
        _fail(label, "time steps of exactly 1 with no unit: these look like frame numbers; "
              "export the time in seconds or name the column 'time (ms)'", None, where)
    if unit == "" and MIN_RATE_HZ <= rate * 1000 <= MAX_RATE_HZ:
        repairs.append(f"time had no unit and its steps ({step:g}) would be {rate:g} frames per "
                       "second as seconds: read as milliseconds")
        return t / 1000.0
    shown = {"s": step, "ms": step * 1000}.get(unit, step)
    hint = ""
    if unit == "s" and MIN_RATE_HZ <= rate * 1000 <= MAX_RATE_HZ:
        hint = " The values look like milliseconds."
    elif unit == "ms" and MIN_RATE_HZ <= rate / 1000 <= MAX_RATE_HZ:
        hint = " The values look like seconds."
    _fail(label, f"the column is in {named or 'seconds'} but its rows are {shown:g} apart, "
          f"{rate:g} frames per second; recordings have {MIN_RATE_HZ:g} to {MAX_RATE_HZ:g}."
          f"{hint}", None, where)
    raise AssertionError  # unreachable


def _build(label: str, source_format: str, header: list[str], time: _TimeColumn,
           numbers: dict[int, _Column], lines: np.ndarray, time_unit: str,
           mapped: dict[str, list[int]], ignored: list[str], pelvis_cols: dict[str, int],
           in_degrees: bool | None, repairs: list[str], header_line: int) -> pd.DataFrame:
    if len(lines) == 0:
        _fail(label, "no data rows after the header", header_line)
    if len(lines) < 2:
        _fail(label, "only one data row: a recording needs at least two frames", int(lines[0]))
    for col in numbers.values():
        if col.comma_line is not None:
            repairs.insert(0, f"decimal commas read as decimal points (first at line "
                           f"{col.comma_line})")
            break
    caveats: list[str] = []
    t = time.seconds(lines, repairs)
    scale = 0.001 if time_unit == "ms" else 1.0
    t = _check_time(label, t * scale, lines, time.where, time_unit, repairs)
    values = {j: col.values() for j, col in numbers.items()}
    rotational = [j for j in values if not re.search(r"_t[xyz]$", header[j].lower())]
    if _check_radians(label, values, mapped, rotational, in_degrees, header_line, repairs):
        values = {j: np.degrees(v) if j in rotational else v for j, v in values.items()}

    def side(j: int) -> str:
        return header[j].strip().lower()

    per_field: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    opensim = source_format == "opensim_mot"
    shin_gap: float | None = None
    knee_sign = 1.0
    pelvis = values[pelvis_cols["pelvis_tilt"]] if "pelvis_tilt" in pelvis_cols else None
    if opensim and "knee" in mapped:
        knees = {side(j): values[j] for j in mapped["knee"] if side(j) in _OPENSIM}
        hips = {side(j): values[j] for j in mapped.get("hip", []) if side(j) in _OPENSIM}
        ankles = {side(j): values[j] for j in mapped.get("ankle", []) if side(j) in _OPENSIM}
        knee_sign = _knee_sign(label, knees, hips, pelvis, ankles, repairs)
    for field in POSE_COLUMNS:
        cols = mapped.get(field)
        if not cols:
            continue
        block = []
        for j in cols:
            key = side(j)
            v = values[j]
            if key in _OPENSIM:
                v = v * _OPENSIM[key][1] * (knee_sign if field == "knee" else 1.0)
            elif source_format == "kinovea_csv":
                v = _included_to_flexion(label, field, header[j].strip(), v, lines, repairs)
            if np.nanmax(np.abs(v), initial=0.0) > 360.0:
                i = int(np.nanargmax(np.abs(v)))
                _fail(label, f"{v[i]:g} degrees is not a joint angle", int(lines[i]),
                      f"{j + 1} ({header[j].strip()!r})")
            block.append(v)
        per_field[field] = _mean_sides(block)
        sources[field] = ", ".join(repr(header[j].strip()) for j in cols)
    if opensim and pelvis is not None and "hip" in per_field and "knee" in per_field:
        chain = -pelvis + per_field["knee"] - per_field["hip"]
        if "ankle" in per_field:
            ignored.extend(header[j].strip() for j in mapped["ankle"])
            with np.errstate(invalid="ignore"):
                shin_gap = float(np.nanmax(np.abs(chain - per_field["ankle"])))
        per_field["ankle"] = chain
        sources["ankle"] = "shin from 'pelvis_tilt', hip and knee"
        repairs.append("ankle: shin tilt derived from pelvis_tilt, hip and knee (ankle_angle "
                       "equals it only with the foot flat), so the model's pelvis tilts as "
                       "the recorded one")
    if source_format == "sports2d_mot":
        if "hip" in per_field:
            caveats.append("Sports2D measures the hip from the thigh to the line from the hip "
                           "to the neck, so the hip angle here includes the spine's bend; the "
                           "spine was not measured apart from it.")
        if "ankle" in per_field:
            caveats.append("Sports2D's ankle angle is the shin's tilt only while the foot is "
                           "flat on the floor.")
        segments = [c for c in ignored if c.lower() in _SPORTS2D_SEGMENTS]
        if segments:
            repairs.append("segment angles measured from the horizontal (not joint angles) "
                           f"not used: {', '.join(segments)}")
    if not per_field:
        _fail(label, "no joint-angle column found (expected names such as hip_flexion_r, "
              "knee_angle_r, 'Hip', 'Knee angle', 'Right ankle'); columns seen: "
              + ", ".join(repr(c.strip()) for c in header), header_line)
    names = {f: f"{sources[f]} ({f})" for f in per_field}
    try:
        keep, filled, gap_notes, excluded = timeline.repair_gaps(t, per_field, names)
    except ValueError as err:
        _fail(label, str(err))
    repairs.extend(gap_notes)
    t = t[keep]
    unjudged: list[str] = []
    whole_trunk = opensim and "lumbar" in filled and any(
        header[j].strip().lower() == "lumbar_extension" for j in mapped["lumbar"])
    if "lumbar" in filled and (whole_trunk or source_format == "kinovea_csv"):
        filled["lumbar"] = _lumbar_baseline(t, filled.get("hip"), filled.get("knee"),
                                            filled["lumbar"], repairs)
    if whole_trunk:
        caveats.append("The back angle comes from OpenSim's single lumbar joint: it is the whole "
                       "trunk's bend over the pelvis, not the lower back alone. It places the "
                       "trunk in the model, but rounding of the lower back is not judged from "
                       "it.")
        unjudged.append("lumbar")
    if opensim and "ankle" in filled:
        caveats.append(_ankle_caveat(sources["ankle"], shin_gap))
    out = pd.DataFrame(index=pd.Index(t, name="time", dtype=float))
    missing: list[str] = []
    for field in POSE_COLUMNS:
        if field in filled:
            out[field] = filled[field]
        else:
            out[field] = 0.0
            missing.append(field)
    out.attrs.update(missing=missing, source_format=source_format, repairs=repairs,
                     caveats=caveats, ignored=ignored, excluded=excluded, name=label,
                     columns_seen=[c.strip() for c in header], unjudged=unjudged)
    moves = {k[-2:]: values[j][keep] for k, j in pelvis_cols.items() if k != "pelvis_tilt"}
    if moves:
        out.attrs["pelvis_m"] = pd.DataFrame(moves, index=out.index)
    return out


def _format_of_mot(header: list[str]) -> str:
    keys = {c.strip().lower() for c in header}
    if keys & set(_OPENSIM):
        return "opensim_mot"
    if keys & set(_SPORTS2D_JOINTS) or keys & _SPORTS2D_SEGMENTS:
        return "sports2d_mot"
    return "generic_mot"


def _read_mot(label: str, text: str, repairs: list[str]) -> pd.DataFrame:
    lines = text.splitlines()
    end = next((i for i, s in enumerate(lines[:500]) if s.strip().lower() == "endheader"), None)
    if end is None:
        _fail(label, "no 'endheader' line: the .mot header is missing or cut short", 1)
    meta: dict[str, str] = {}
    for s in lines[:end]:
        if "=" in s:
            k, _, v = s.partition("=")
            meta[k.strip().lower()] = v.strip().lower()
    in_degrees: bool | None
    flag = meta.get("indegrees")
    if flag in ("yes", "true", "1"):
        in_degrees = True
    elif flag in ("no", "false", "0"):
        in_degrees = False
    elif flag is None:
        in_degrees = None
        repairs.append("no inDegrees line in the header: angles read as degrees")
    else:
        line = next(i for i, s in enumerate(lines) if s.lower().startswith("indegrees")) + 1
        _fail(label, f"inDegrees={flag!r}: expected yes or no", line)
    h = end + 1
    while h < len(lines) and not lines[h].strip():
        h += 1
    if h >= len(lines):
        _fail(label, "nothing after 'endheader': the column names and data are missing", end + 1)
    header_text = lines[h]
    tabbed = "\t" in header_text
    header = ([c.strip() for c in header_text.strip("\r\n").rstrip("\t ").split("\t")]
              if tabbed else header_text.split())
    header_line = h + 1
    _check_header(label, header, header_line)
    lowered = [c.lower() for c in header]
    if "time" not in lowered:
        _fail(label, "no 'time' column in the header", header_line)
    time_col = lowered.index("time")
    kept = [(i + 1, s.rstrip("\r\n\t ") if tabbed else s)
            for i, s in enumerate(lines[h + 1:], start=h + 1) if s.strip()]
    if not kept:
        _fail(label, "no data rows after the header", header_line)
    n_rows = meta.get("nrows")
    if n_rows is not None and n_rows.isdigit() and int(n_rows) > len(kept):
        _fail(label, f"the header promises nRows={n_rows} but only {len(kept)} rows follow: "
              "the file looks cut short", kept[-1][0])
    source_format = _format_of_mot(header)
    mapped, ignored, extra = _map_columns(header, time_col, source_format)
    return _finish(label, source_format, header, time_col, "s", mapped, ignored, extra, kept,
                   _TabDialect if tabbed else None, in_degrees, repairs, header_line)


class _TabDialect(csv.excel_tab):
    quoting = csv.QUOTE_NONE


def _finish(label: str, source_format: str, header: list[str], time_col: int, time_unit: str,
            mapped: dict[str, list[int]], ignored: list[str], extra: list[int],
            kept: list[tuple[int, str]], dialect: type[csv.Dialect] | None,
            in_degrees: bool | None, repairs: list[str], header_line: int) -> pd.DataFrame:
    for field, cols in mapped.items():
        sides = [_side_key(header[j]) for j in cols]
        if len(set(sides)) != len(sides):
            names = ", ".join(repr(header[j].strip()) for j in cols)
            _fail(label, f"more than one column for the same {field} angle ({names})",
                  header_line, str(cols[1] + 1))
    time = _TimeColumn(label, time_col, header[time_col].strip())
    wanted = sorted({j for cols in mapped.values() for j in cols} | set(extra))
    numbers = {j: _Column(label, j, header[j].strip()) for j in wanted}
    lines = _read_rows(label, kept, dialect, len(header), [time, *numbers.values()])
    pelvis_cols = {header[j].strip().lower(): j for j in extra}
    return _build(label, source_format, header, time, numbers, lines, time_unit, mapped,
                  ignored, pelvis_cols, in_degrees, repairs, header_line)


def _is_comment(line: str) -> bool:
    """``# ...`` or ``"# ..."`` (a comment line a spreadsheet quoted)."""
    return line.lstrip().lstrip('"').startswith("#")


def _read_csv(label: str, text: str, repairs: list[str]) -> pd.DataFrame:
    lines = text.splitlines()
    h = 0
    while h < len(lines) and (not lines[h].strip() or _is_comment(lines[h])):
        h += 1
    if h >= len(lines):
        _fail(label, "no header row: the file holds only comments or blank lines")
    header_line = h + 1
    kept = [(i + 1, s) for i, s in enumerate(lines[h + 1:], start=h + 1)
            if s.strip() and not _is_comment(s)]
    dialect = _sniff(label, lines[h], [s for _, s in kept[:20]], header_line)
    header = next(csv.reader([lines[h]], dialect))
    while header and not header[-1].strip():
        header.pop()  # trailing separators
    header = [c.strip() for c in header]
    if len(header) < 2:
        _fail(label, "expected a table with a time column and angle columns separated by "
              "commas, semicolons or tabs (is this a .mot file without its header?)",
              header_line)
    _check_header(label, header, header_line)
    time_col = next((j for j, c in enumerate(header) if _time_unit(c) is not None), None)
    if time_col is None:
        _fail(label, "no time column (expected 'Time', 'time (s)', 'time (ms)' or 't'); "
              f"columns are {', '.join(repr(c) for c in header)}", header_line)
    if not kept:
        _fail(label, "no data rows after the header", header_line)
    mapped, ignored, extra = _map_columns(header, time_col, "kinovea_csv")
    unit = _time_unit(header[time_col]) or ""
    return _finish(label, "kinovea_csv", header, time_col, unit, mapped, ignored, extra, kept,
                   dialect, True, repairs, header_line)


def read_motion(
    source: str | os.PathLike[str] | bytes | bytearray, name: str | None = None
) -> pd.DataFrame:
    """Read an OpenSim/OpenCap/Sports2D ``.mot`` or a Kinovea/Excel CSV of joint angles.

    Parameters
    ----------
    source : path of the file, or its bytes (an upload).
    name : file name used for the format and in messages (defaults to the path's name).

    Returns
    -------
    DataFrame indexed by ``time`` (s) with the model's pose columns in degrees (see the module
    documentation for the conventions). ``attrs`` says what was converted (``repairs``), what
    the numbers mean for this source (``caveats``), what was not measured (``missing``, filled
    with 0), not used (``ignored``), seen (``columns_seen``) or left out (``excluded``), and
    ``source_format`` (``"opensim_mot"``, ``"sports2d_mot"``, ``"generic_mot"`` or
    ``"kinovea_csv"``).

    Raises
    ------
    MotionFileError
        A ``ValueError`` naming the file, the line and the column, for anything that cannot be
        read without guessing (see the module documentation).

    Examples
    --------
    >>> frames = read_motion(b"time,Hip,Knee\\n0,0,0\\n0.04,10,4\\n0.08,20,8\\n", name="a.csv")
    >>> frames["hip"].tolist(), frames.attrs["missing"]
    ([0.0, 10.0, 20.0], ['ankle', 'lumbar', 'thoracic', 'neck'])
    """
    data, label = _load_bytes(source, name)
    text, encoding = _decode(data, label)
    _check_line_lengths(label, text)
    repairs = [encoding] if encoding else []
    suffix = Path(label).suffix.lower()
    head = text[:20000].lower()
    has_endheader = re.search(r"^\s*endheader\s*$", head, re.MULTILINE) is not None
    if has_endheader:
        return _read_mot(label, text, repairs)
    if suffix in (".mot", ".sto"):
        _fail(label, "no 'endheader' line: the .mot header is missing or cut short", 1)
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        _fail(label, f"unsupported file type {suffix!r}: use an OpenSim .mot or a CSV of angles")
    try:
        return _read_csv(label, text, repairs)
    except csv.Error as err:  # what the checks above did not foresee still names the file
        raise MotionFileError(f"{label}: not a readable table ({err})") from None


def _check_line_lengths(label: str, text: str) -> None:
    """``MotionFileError`` naming the first line longer than `MAX_LINE_CHARS`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE_CHARS:
            _fail(label, f"{len(line)} characters on one line (the most is {MAX_LINE_CHARS}); "
                  "a table of joint angles has one row per frame, so this is not one", number)


def read_motion_text(text: str, name: str = "motion.csv") -> pd.DataFrame:
    """Convenience wrapper: parse text already in memory (same rules as `read_motion`)."""
    return read_motion(text.encode("utf-8"), name=name)
