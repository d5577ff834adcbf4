"""Read joint-angle recordings made with other tools into the model's pose columns.

`read_motion(source, name=None)` accepts a file path or the raw bytes of an upload and returns a
DataFrame indexed by time in seconds (index name ``"time"``) with the columns
``ankle, knee, hip, lumbar, thoracic, neck`` in degrees and in the model's conventions:

- ankle: forward tilt of the shank from vertical with the foot flat (= dorsiflexion, + knee ahead)
- knee, hip: flexion, 0 = straight
- lumbar, thoracic, neck: flexion, + rounds forward, - arches

Supported formats
-----------------
OpenSim "Coordinates" ``.mot`` (OpenCap, OpenSim inverse kinematics, Sports2D): a header ending
with a line ``endheader``, then a tab- or space-separated table whose first column is ``time``.
``inDegrees=yes`` or ``no`` gives the unit of the rotational columns (columns ending in
``_tx``, ``_ty``, ``_tz`` are translations in metres and are never converted). Mapping:

=============  ==============================================  =============================
model column   OpenSim coordinate(s)                           rule
=============  ==============================================  =============================
hip            ``hip_flexion_r``, ``hip_flexion_l``            mean of the sides present
knee           ``knee_angle_r``, ``knee_angle_l``              mean (``*_beta`` is ignored)
ankle          ``ankle_angle_r``, ``ankle_angle_l``            mean (+ = dorsiflexion)
lumbar         ``lumbar_extension``                            ``-lumbar_extension``
thoracic, neck (not in the OpenCap model)                      0, listed in ``attrs["missing"]``
=============  ==============================================  =============================

Sports2D angle files use plain names (``right knee``, ``left hip``, ``right ankle`` ...) in the
same conventions as the model (flexion and dorsiflexion positive); they are read by the name
rules below. Segment angles (``trunk``, ``pelvis``, ``right thigh`` ...) are ignored.

Kinovea CSV (or any CSV / text table): optional ``#`` comment lines, then a header row, then one
row per frame. The delimiter is sniffed (comma, semicolon or tab); with semicolons, decimal
commas (``12,5``) are accepted and reported. The time column is the first column named
``time``, ``t``, ``timestamp`` or ``time (s)``; ``time (ms)`` is divided by 1000, and Kinovea
timecodes such as ``1:10.48`` (``[h:][mm:]ss.xx``) are accepted. Angle columns are matched on
their words after removing units in brackets and the side words (``left``, ``right``, ``l``,
``r``), ignoring the words ``angle``, ``flexion``, ``flex``, ``joint``, ``deg``, ``degrees``:

- hip: ``Hip``, ``Hip flexion``, ``Right hip angle (deg)`` ...
- knee: ``Knee``, ``Knee angle``, ``Left knee flexion`` ...
- ankle: ``Ankle``, ``Ankle dorsiflexion``, ``Shin``, ``Shank`` (tilt from vertical)
- lumbar: ``Lumbar``, ``Lower back``, ``Low back``; thoracic: ``Thoracic``, ``Upper back``;
  neck: ``Neck``

Other columns are ignored and listed in ``attrs["ignored"]``. When both sides of a joint are
present they are averaged.

Included angles (Kinovea's angle tool measures the angle between the two segments, so a
straight knee reads 180): a hip or knee column whose median is above 90 degrees is read as an
included angle and converted to flexion = 180 - value; an ankle column whose median is above 45
degrees is read as the shank-foot angle and converted to 90 - value. Each conversion is listed
in ``attrs["repairs"]``. Values above 360 are an error.

Checks and repairs (``ValueError`` names the file, and the line and column where it applies):

- files over ``MAX_FILE_BYTES`` (50 MB), empty files, files with NUL bytes or that are not UTF-8
  text, a ``.mot`` without ``endheader``, fewer rows than the header's ``nRows``, rows with the
  wrong number of cells, duplicated column names, no time column, no known angle column,
  non-numeric or infinite cells, time not strictly increasing: error.
- radians labelled as degrees: if every rotational value stays within +-3.5 while the hip or
  knee still moves through at least 0.75 units, the numbers are radians, not degrees; this is an
  error (fix the ``inDegrees`` line or the export) rather than a silent conversion, because a
  wrong guess would turn a still stand into huge fake movements. ``inDegrees=no`` with values
  beyond +-7 is also an error (degrees labelled as radians).
- empty or ``NaN`` cells: gaps up to ``MAX_GAP_S`` (0.1 s of missing frames) are filled by
  linear interpolation (or by the nearest value at the ends) and reported; longer gaps: error.

Only text is parsed, as numbers: nothing in a file is executed or unpickled.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

POSE_COLUMNS: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_GAP_S = 0.1
_RADIAN_LIMIT = 3.5
_RADIAN_MIN_RANGE = 0.75

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
_SIDE_WORDS = {"left", "right", "l", "r", "lt", "rt"}
_FILLER_WORDS = {"angle", "flexion", "flex", "joint", "deg", "degrees", "value"}
_TIME_NAMES = {"time", "t", "timestamp", "times"}


class MotionFileError(ValueError):
    """A recording could not be read; the message names the file, line and column."""


def _fail(name: str, message: str, line: int | None = None, column: str | None = None) -> None:
    where = name
    if line is not None:
        where += f", line {line}"
    if column is not None:
        where += f", column {column}"
    raise MotionFileError(f"{where}: {message}")


def _load_bytes(source: str | os.PathLike[str] | bytes | bytearray, name: str | None) -> tuple[
    bytes, str
]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "uploaded file"
        if len(data) > MAX_FILE_BYTES:
            _fail(label, f"{len(data)} bytes is over the {MAX_FILE_BYTES // 2**20} MB limit")
        return data, label
    path = Path(source)
    label = name or path.name
    if not path.is_file():
        _fail(label, f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        _fail(label, f"{size} bytes is over the {MAX_FILE_BYTES // 2**20} MB limit")
    return path.read_bytes(), label


def _decode(data: bytes, label: str) -> str:
    if not data.strip():
        _fail(label, "the file is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        _fail(label, "binary data (NUL byte): expected a text table (.mot or .csv)", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        _fail(label, f"not UTF-8 text (byte {data[err.start]:#04x} at character {col}); "
              "save the export as UTF-8 text", line)
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


def _time_scale(column: str) -> float | None:
    """1.0 for a time column in seconds, 0.001 in ms, None if not a time column."""
    words = _words(column)
    if not words or words[0] not in _TIME_NAMES or len(words) > 1:
        return None
    unit = re.search(r"[\(\[]\s*([a-zµμ]+)\s*[\)\]]", column.lower())
    if unit is None or unit.group(1) in {"s", "sec", "secs", "second", "seconds"}:
        return 1.0
    if unit.group(1) in {"ms", "msec", "millisecond", "milliseconds"}:
        return 0.001
    return None


def _parse_timecode(cell: str) -> float:
    parts = cell.strip().split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(cell)
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60.0 + float(part)
    return seconds


def _parse_table(
    label: str,
    rows: list[tuple[int, str]],
    header: list[str],
    split: str | None,
    decimal_comma: bool,
    time_col: int,
) -> tuple[np.ndarray, list[str]]:
    """Numbers of the data rows (n_rows x n_cols) ; cells checked with line and column names."""
    repairs: list[str] = []
    n_cols = len(header)
    texts = []
    for line_no, text in rows:
        cells = text.split(split) if split else text.split()
        if len(cells) != n_cols:
            _fail(label, f"{len(cells)} cells where the header has {n_cols} "
                  "(the file may be cut short or a cell may be missing)", line_no)
        texts.append(cells)
    if not texts:
        _fail(label, "no data rows after the header", rows[-1][0] if rows else None)
    cells_arr = np.asarray(texts, dtype=str)
    cells_arr = np.char.strip(cells_arr)
    if decimal_comma:
        cells_arr = np.char.replace(cells_arr, ",", ".")
    time_cells = cells_arr[:, time_col]
    if np.char.find(time_cells, ":").max() >= 0:
        times = np.empty(len(time_cells))
        for i, cell in enumerate(time_cells):
            try:
                times[i] = _parse_timecode(cell)
            except ValueError:
                _fail(label, f"time {str(cell)!r} is neither a number nor a timecode like 1:02.50",
                      rows[i][0], f"{time_col + 1} ({header[time_col]!r})")
        cells_arr[:, time_col] = "0"
        repairs.append("time read as [h:][mm:]ss timecodes")
    else:
        times = None
    missing = np.isin(np.char.lower(cells_arr), ["", "nan", "na", "n/a"])
    filled = np.where(missing, "nan", cells_arr)
    try:
        values = filled.astype(float)
    except ValueError:
        values = np.empty(filled.shape)
        for i, row in enumerate(filled):
            for j, cell in enumerate(row):
                try:
                    values[i, j] = float(cell)
                except ValueError:
                    _fail(label, f"{str(cell)!r} is not a number", rows[i][0],
                          f"{j + 1} ({header[j]!r})")
    bad = np.isinf(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        _fail(label, f"{str(cells_arr[i, j])!r} is not a finite number", rows[i][0],
              f"{j + 1} ({header[j]!r})")
    if times is not None:
        values[:, time_col] = times
    return values, repairs


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


def _fill_gaps(label: str, name: str, t: np.ndarray, v: np.ndarray, lines: np.ndarray,
               repairs: list[str]) -> np.ndarray:
    """Fill short NaN runs of one model column (``name`` = "field (source columns)")."""
    nan = np.isnan(v)
    if not nan.any():
        return v
    if nan.all():
        _fail(label, "the column has no numbers", None, name)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    edges = np.diff(np.concatenate(([0], nan.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    for a, b in zip(starts, stops, strict=True):
        length_s = (b - a) * dt
        if length_s > MAX_GAP_S + 1e-9:
            _fail(label, f"{b - a} missing values in a row ({length_s:.2f} s; gaps up to "
                  f"{MAX_GAP_S:.2f} s are filled in), lines {lines[a]}-{lines[b - 1]}",
                  int(lines[a]), name)
    good = ~nan
    out = v.copy()
    out[nan] = np.interp(t[nan], t[good], v[good])
    repairs.append(f"{name}: {int(nan.sum())} missing value(s) in {len(starts)} short "
                   f"gap(s) filled by interpolation")
    return out


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _build(
    label: str,
    source_format: str,
    header: list[str],
    values: np.ndarray,
    lines: np.ndarray,
    time_col: int,
    time_scale: float,
    rotational: Sequence[bool],
    in_degrees: bool | None,
    repairs: list[str],
    header_line: int,
) -> pd.DataFrame:
    t = values[:, time_col] * time_scale
    if np.isnan(t).any():
        i = int(np.flatnonzero(np.isnan(t))[0])
        _fail(label, "missing time value", int(lines[i]), f"{time_col + 1} ({header[time_col]!r})")
    steps = np.diff(t)
    if (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0]) + 1
        _fail(label, f"time goes from {t[i - 1]:g} to {t[i]:g} s: it must increase row by row",
              int(lines[i]), f"{time_col + 1} ({header[time_col]!r})")

    mapped: dict[str, list[int]] = {}
    ignored: list[str] = []
    sign = np.ones(len(header))
    for j, col in enumerate(header):
        if j == time_col:
            continue
        field = _match_name(col)
        if field is None:
            ignored.append(col.strip())
            continue
        key = col.strip().lower()
        if key in _OPENSIM:
            sign[j] = _OPENSIM[key][1]
        mapped.setdefault(field, []).append(j)
    if not mapped:
        _fail(label, "no joint-angle column found (expected names such as hip_flexion_r, "
              "knee_angle_r, 'Hip', 'Knee angle', 'Right ankle')", header_line)
    for field, cols in mapped.items():
        sides = [_side_key(header[j]) for j in cols]
        if len(set(sides)) != len(sides):
            names = ", ".join(repr(header[j].strip()) for j in cols)
            _fail(label, f"more than one column for the same {field} angle ({names})",
                  header_line, str(cols[1] + 1))

    rot_idx = [j for j in range(len(header)) if rotational[j] and j != time_col]
    rot = values[:, rot_idx]
    if in_degrees is False:
        if np.nanmax(np.abs(rot)) > 7.0:
            _fail(label, "inDegrees=no but some angles are larger than 7: the values look like "
                  "degrees; change the header to inDegrees=yes", header_line)
        values = values.copy()
        values[:, rot_idx] = np.degrees(rot)
        repairs.append("angles converted from radians to degrees (inDegrees=no)")
    else:
        angle_idx = [j for cols in mapped.values() for j in cols]
        hip_knee = [j for f in ("hip", "knee") for j in mapped.get(f, [])]
        if hip_knee and np.nanmax(np.abs(values[:, angle_idx])) <= _RADIAN_LIMIT and np.nanmax(
            np.nanmax(values[:, hip_knee], axis=0) - np.nanmin(values[:, hip_knee], axis=0)
        ) >= _RADIAN_MIN_RANGE and np.nanmax(np.abs(rot)) <= _RADIAN_LIMIT:
            _fail(label, "the angles never exceed 3.5 although the hip or knee moves: they look "
                  "like radians labelled as degrees; set inDegrees=no or export in degrees",
                  header_line)

    out = pd.DataFrame(index=pd.Index(t, name="time", dtype=float))
    missing: list[str] = []
    for field in POSE_COLUMNS:
        cols = mapped.get(field)
        if not cols:
            out[field] = 0.0
            missing.append(field)
            continue
        block = values[:, cols] * sign[cols]
        block = _included_to_flexion(label, field, [header[j] for j in cols], block, lines,
                                     repairs, source_format)
        with np.errstate(all="ignore"):
            counts = (~np.isnan(block)).sum(axis=1)
            mean = np.where(counts > 0, np.nansum(block, axis=1) / np.maximum(counts, 1), np.nan)
        source = ", ".join(repr(header[j].strip()) for j in cols)
        out[field] = _fill_gaps(label, f"{source} ({field})", t, mean, lines, repairs)
    if len(out) < 2:
        _fail(label, "only one data row: a recording needs at least two frames", int(lines[0]))
    out.attrs["missing"] = missing
    out.attrs["source_format"] = source_format
    out.attrs["repairs"] = repairs
    out.attrs["ignored"] = ignored
    out.attrs["name"] = label
    return out


def _side_key(column: str) -> str:
    key = column.strip().lower()
    if key.endswith("_r") or key.endswith("_l"):
        return key[-1]
    side = [w for w in _words(column) if w in _SIDE_WORDS]
    return side[0][0] if side else ""


def _included_to_flexion(label: str, field: str, names: list[str], block: np.ndarray,
                         lines: np.ndarray, repairs: list[str], source_format: str) -> np.ndarray:
    if source_format == "opensim_mot":
        return block
    out = block.copy()
    for k, name in enumerate(names):
        col = block[:, k]
        if np.isnan(col).all():
            continue
        big = np.abs(col) > 360.0
        if big.any():
            i = int(np.flatnonzero(big)[0])
            _fail(label, f"{col[i]:g} degrees is not a joint angle", int(lines[i]), repr(name))
        median = float(np.nanmedian(col))
        if field in ("hip", "knee") and median > 90.0:
            out[:, k] = 180.0 - col
            repairs.append(f"{name!r} read as the included angle (180 = straight): "
                           f"flexion = 180 - value")
        elif field == "ankle" and median > 45.0:
            out[:, k] = 90.0 - col
            repairs.append(f"{name!r} read as the shank-foot angle (90 = neutral): "
                           f"dorsiflexion = 90 - value")
    return out


def _read_mot(label: str, text: str) -> pd.DataFrame:
    lines = text.splitlines()
    end = next((i for i, s in enumerate(lines[:500]) if s.strip().lower() == "endheader"), None)
    if end is None:
        _fail(label, "no 'endheader' line: the .mot header is missing or cut short", 1)
    meta: dict[str, str] = {}
    for s in lines[:end]:
        if "=" in s:
            k, _, v = s.partition("=")
            meta[k.strip().lower()] = v.strip().lower()
    repairs: list[str] = []
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
    header_text = lines[h].rstrip("\r\n")
    split = "\t" if "\t" in header_text else None
    header = [c.strip() for c in header_text.strip().split(split)] if split else \
        header_text.split()
    header_line = h + 1
    _check_header(label, header, header_line)
    lowered = [c.lower() for c in header]
    if "time" not in lowered:
        _fail(label, "no 'time' column in the header", header_line)
    time_col = lowered.index("time")
    rows = [(i + 1, s.strip("\r\n").rstrip() if split is None else s.rstrip("\r\n"))
            for i, s in enumerate(lines[h + 1:], start=h + 1) if s.strip()]
    if split == "\t":
        rows = [(n, s.rstrip("\t ")) if s.count("\t") >= len(header) else (n, s)
                for n, s in rows]
    if not rows:
        _fail(label, "no data rows after the header", header_line)
    n_rows = meta.get("nrows")
    if n_rows is not None and n_rows.isdigit() and int(n_rows) > len(rows):
        _fail(label, f"the header promises nRows={n_rows} but only {len(rows)} rows follow: "
              "the file looks cut short", rows[-1][0])
    values, more = _parse_table(label, rows, header, split, False, time_col)
    repairs.extend(more)
    line_numbers = np.array([n for n, _ in rows])
    rotational = [not re.search(r"_t[xyz]$", c.lower()) for c in header]
    return _build(label, "opensim_mot", header, values, line_numbers, time_col, 1.0, rotational,
                  in_degrees, repairs, header_line)


def _read_csv(label: str, text: str) -> pd.DataFrame:
    lines = text.splitlines()
    h = 0
    while h < len(lines) and (not lines[h].strip() or lines[h].lstrip().startswith("#")):
        h += 1
    if h >= len(lines):
        _fail(label, "no header row: the file holds only comments or blank lines")
    delim = _sniff_delimiter(lines[h])
    header = [c.strip().strip('"') for c in lines[h].split(delim)]
    header_line = h + 1
    if len(header) < 2:
        _fail(label, "expected a table with a time column and angle columns separated by "
              "commas, semicolons or tabs (is this a .mot file without its header?)",
              header_line)
    _check_header(label, header, header_line)
    time_col = next((j for j, c in enumerate(header) if _time_scale(c) is not None), None)
    if time_col is None:
        _fail(label, "no time column (expected 'Time', 'time (s)', 'time (ms)' or 't'); "
              f"columns are {', '.join(repr(c) for c in header)}", header_line)
    scale = _time_scale(header[time_col]) or 1.0
    rows = [(i + 1, s.replace('"', "")) for i, s in enumerate(lines[h + 1:], start=h + 1)
            if s.strip() and not s.lstrip().startswith("#")]
    if not rows:
        _fail(label, "no data rows after the header", header_line)
    decimal_comma = delim == ";" and any(re.search(r"\d,\d", s) for _, s in rows[:50])
    values, repairs = _parse_table(label, rows, header, delim, decimal_comma, time_col)
    if decimal_comma:
        repairs.insert(0, "decimal commas read as decimal points")
    line_numbers = np.array([n for n, _ in rows])
    return _build(label, "kinovea_csv", header, values, line_numbers, time_col, scale,
                  [True] * len(header), True, repairs, header_line)


def read_motion(
    source: str | os.PathLike[str] | bytes | bytearray, name: str | None = None
) -> pd.DataFrame:
    """Read an OpenSim/OpenCap/Sports2D ``.mot`` or a Kinovea-style CSV of joint angles.

    ``source`` is a path or the file's bytes (``name`` then gives the file name used for the
    format and in messages). Returns frames indexed by ``time`` (s) with the model's pose
    columns in degrees; ``attrs`` holds ``missing`` (columns filled with 0), ``source_format``
    (``"opensim_mot"`` or ``"kinovea_csv"``), ``repairs`` (what was changed, in words),
    ``ignored`` (columns not used) and ``name``. Raises ``ValueError`` (MotionFileError) naming
    the file, line and column on bad input; see the module documentation for the rules.
    """
    data, label = _load_bytes(source, name)
    text = _decode(data, label)
    suffix = Path(label).suffix.lower()
    head = text[:20000].lower()
    has_endheader = re.search(r"^\s*endheader\s*$", head, re.MULTILINE) is not None
    if has_endheader:
        return _read_mot(label, text)
    if suffix in (".mot", ".sto"):
        _fail(label, "no 'endheader' line: the .mot header is missing or cut short", 1)
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        _fail(label, f"unsupported file type {suffix!r}: use an OpenSim .mot or a CSV of angles")
    return _read_csv(label, text)


def read_motion_text(text: str, name: str = "motion.csv") -> pd.DataFrame:
    """Convenience wrapper: parse text already in memory (same rules as `read_motion`)."""
    return read_motion(text.encode("utf-8"), name=name)


def to_mot(frames: pd.DataFrame, *, name: str = "hinge") -> str:
    """Write pose frames as OpenSim-style ``.mot`` text (degrees) that `read_motion` reads back.

    Uses OpenSim names where they exist (``hip_flexion_r`` ... ``lumbar_extension`` with its
    sign flipped); thoracic and neck are written under their own names.
    """
    t = frames.index.to_numpy(dtype=float)
    cols = {
        "hip_flexion_r": frames["hip"].to_numpy(float),
        "hip_flexion_l": frames["hip"].to_numpy(float),
        "knee_angle_r": frames["knee"].to_numpy(float),
        "knee_angle_l": frames["knee"].to_numpy(float),
        "ankle_angle_r": frames["ankle"].to_numpy(float),
        "ankle_angle_l": frames["ankle"].to_numpy(float),
        "lumbar_extension": -frames["lumbar"].to_numpy(float),
        "thoracic": frames["thoracic"].to_numpy(float),
        "neck": frames["neck"].to_numpy(float),
    }
    buf = io.StringIO()
    buf.write(f"{name}\nversion=1\nnRows={len(t)}\nnColumns={len(cols) + 1}\ninDegrees=yes\n")
    buf.write("endheader\n")
    buf.write("time\t" + "\t".join(cols) + "\n")
    table = np.column_stack([t, *cols.values()])
    for row in table:
        buf.write("\t".join(f"{x:.4f}" for x in row) + "\n")
    return buf.getvalue()


# Joint angles at the bottom of each synthetic rep (degrees) and the delay (s) before each
# joint starts to flex in the descent.
_SYNTHETIC: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "hinge": ({"ankle": 4.0, "knee": 18.0, "hip": 80.0, "lumbar": 4.0, "thoracic": 6.0,
               "neck": 0.0}, {"knee": 0.25}),
    "knees_first": ({"ankle": 12.0, "knee": 40.0, "hip": 70.0, "lumbar": 6.0,
                     "thoracic": 6.0, "neck": 0.0}, {"hip": 0.45}),
    "squat": ({"ankle": 25.0, "knee": 95.0, "hip": 100.0, "lumbar": 10.0, "thoracic": 5.0,
               "neck": 0.0}, {}),
    "still": ({c: 0.0 for c in POSE_COLUMNS}, {}),
}


def _eased(t: np.ndarray, kt: np.ndarray, kv: np.ndarray) -> np.ndarray:
    """Piecewise cosine-eased interpolation through keyframes (kt increasing)."""
    k = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, len(kt) - 2)
    span = kt[k + 1] - kt[k]
    x = np.clip((t - kt[k]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    return kv[k] + (kv[k + 1] - kv[k]) * (1.0 - np.cos(np.pi * x)) / 2.0


def synthetic_motion(
    kind: str = "hinge",
    reps: int = 6,
    rate_hz: float = 100.0,
    seed: int = 0,
    noise_deg: float = 0.6,
    partial_edges: bool = True,
) -> pd.DataFrame:
    """A deterministic made-up recording for examples, tests and benchmarks.

    ``kind``: ``"hinge"`` (hips lead, soft knees), ``"knees_first"`` (knees bend 0.45 s before
    the hips), ``"squat"`` or ``"still"`` (standing). Each rep: a pause at the top (0.6-1.4 s),
    a 1.2 s descent, a pause at the bottom (0.2-0.6 s) and a 1.0 s ascent, with Gaussian noise of
    ``noise_deg``. With ``partial_edges`` the recording starts in the middle of an extra rep's
    ascent and ends in the middle of another's descent (neither should be counted). Same
    arguments -> same numbers (``numpy.random.default_rng(seed)``).
    """
    if kind not in _SYNTHETIC:
        raise ValueError(f"kind={kind!r}: expected one of {sorted(_SYNTHETIC)}")
    if reps < 0 or rate_hz <= 0:
        raise ValueError("reps must be >= 0 and rate_hz > 0")
    bottom, delays = _SYNTHETIC[kind]
    rng = np.random.default_rng(seed)
    descent, ascent = 1.2, 1.0
    n_total = reps + (2 if partial_edges else 0)
    tops = rng.uniform(0.6, 1.4, n_total + 1)
    pauses = rng.uniform(0.2, 0.6, n_total)
    starts = []
    t0 = 0.0
    for i in range(n_total):
        t0 += tops[i]
        starts.append(t0)
        t0 += descent + pauses[i] + ascent
    t_end = t0 + tops[-1]
    if partial_edges:
        t_first = starts[0] + descent + pauses[0] + ascent / 2
        t_last = starts[-1] + descent / 2
    else:
        t_first, t_last = 0.0, t_end
    n = int(round((t_last - t_first) * rate_hz)) + 1
    t = t_first + np.arange(n) / rate_hz
    out = pd.DataFrame(index=pd.Index(np.round(t - t_first, 6), name="time"))
    for col in POSE_COLUMNS:
        kt, kv = [0.0], [0.0]
        d = delays.get(col, 0.0)
        for s, p in zip(starts, pauses, strict=True):
            kt += [s, s + d, s + descent, s + descent + p, s + descent + p + ascent]
            kv += [0.0, 0.0, bottom[col], bottom[col], 0.0]
        kt.append(t_end + 1.0)
        kv.append(0.0)
        clean = _eased(t, np.array(kt), np.array(kv))
        out[col] = clean + rng.normal(0.0, noise_deg, n) if noise_deg > 0 else clean
    out.attrs.update(missing=[], source_format="synthetic", repairs=[], ignored=[],
                     name=f"synthetic_{kind}")
    return out
