"""Every data file is validated when loaded; a malformed one fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_copies import clear_cached_tables
from hinge_lib.model import (
    body,
    catalog,
    kinematics,
    muscles,
    patterns,
    pose,
    references,
)
from hinge_lib.model import tables as data


def test_every_table_loads_and_cites_known_sources() -> None:
    clear_cached_tables()
    assert len(body.segment_table()) == 20
    assert set(pose.joint_limits()) == set(pose.POSE_FIELDS)
    assert len(references.reference_positions()) >= 11
    assert len(patterns.fault_rules()) >= 7
    assert set(muscles.muscle_groups()) >= {"hamstrings", "gluteus_maximus", "vasti"}
    assert len(catalog.drills()) > 10 and len(catalog.cues()) > 10
    assert "deleva1996" in data.sources()


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_non_numeric_cell_names_file_line_and_column(data_copy: Path) -> None:
    replace_in(data_copy / "joint_limits.csv", "knee,-10,160", "knee,-10,lots")
    with pytest.raises(data.DataFileError, match=r"data/joint_limits.csv, line 3, column "
                                                 r"'max_deg': 'lots' is not a number"):
        pose.joint_limits()


def test_missing_column(data_copy: Path) -> None:
    replace_in(data_copy / "landmarks.csv", "name,value,unit", "name,amount,unit")
    with pytest.raises(data.DataFileError, match=r"landmarks.csv, line 1: missing column"):
        body.landmark_table()


def test_unknown_source_key(data_copy: Path) -> None:
    replace_in(data_copy / "holds.csv", "thoracic,0.5,0.11,,,,model",
               "thoracic,0.5,0.11,,,,nobody2020")
    with pytest.raises(data.DataFileError, match=r"holds.csv, line 4, column 'source': "
                                                 r"unknown source key\(s\) nobody2020"):
        kinematics.hold_table()


def test_mass_fractions_must_add_up(data_copy: Path) -> None:
    replace_in(data_copy / "segments.csv", "thigh,male,HJC,KJC,422.2,0.1416",
               "thigh,male,HJC,KJC,422.2,0.2416")
    with pytest.raises(data.DataFileError, match="male mass fractions add up to"):
        body.segment_table()


def test_reference_outside_joint_limits(data_copy: Path) -> None:
    replace_in(data_copy / "reference_positions.csv", "back_squat,Back squat",
               "back_squat,Back squat")
    path = data_copy / "reference_positions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("back_squat,"))
    cells = lines[index].split(",")
    cells[6] = "170"  # the hip column
    lines[index] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=rf"line {index + 1}, column 'hip': 170"):
        references.reference_positions()


def test_duplicate_key_and_empty_required_value(data_copy: Path) -> None:
    replace_in(
        data_copy / "fault_rules.csv", "arched_lower_back,lumbar", "rounded_lower_back,lumbar"
    )
    with pytest.raises(data.DataFileError, match=r"column 'code': duplicate 'rounded_lower_back'"):
        patterns.fault_rules()


def test_a_lost_contact_rule_must_fire_on_any_loss_of_its_own_contact(data_copy: Path) -> None:
    replace_in(data_copy / "fault_rules.csv", "head_off_dowel_mm,>,0,mm,,head,",
               "head_off_dowel_mm,>,5,mm,,head,")
    with pytest.raises(data.DataFileError, match=r"line \d+: a rule on head_off_dowel_mm must"):
        patterns.fault_rules()


def test_an_unknown_dowel_contact_is_refused(data_copy: Path) -> None:
    replace_in(data_copy / "fault_rules.csv", ",deg,,head,Chin", ",deg,,chin,Chin")
    with pytest.raises(data.DataFileError, match="unknown contact.*chin"):
        patterns.fault_rules()


def test_malformed_yaml_names_the_line(data_copy: Path) -> None:
    path = data_copy / "cues.yaml"
    path.write_text("cues:\n  - id: a\n    text: [unclosed\n", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"data/cues.yaml, line \d+: not valid YAML"):
        catalog.cues()


def test_catalogue_reference_to_unknown_cue(data_copy: Path) -> None:
    path = data_copy / "faults.yaml"
    text = path.read_text(encoding="utf-8")
    first_cue = catalog_first_cue(text)
    path.write_text(text.replace(first_cue, "no_such_cue", 1), encoding="utf-8")
    with pytest.raises(data.DataFileError, match="unknown cue/drill ids"):
        catalog.faults()


def catalog_first_cue(text: str) -> str:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("cues:"))
    following = lines[index].split("cues:", 1)[1].strip()
    if following.startswith("["):
        return following.strip("[]").split(",")[0].strip()
    return lines[index + 1].strip().lstrip("- ").strip()


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "muscle_groups.csv").unlink()
    with pytest.raises(data.DataFileError, match="data/muscle_groups.csv: cannot be read"):
        muscles.muscle_groups()


def test_joint_limits_admit_published_deep_squats_and_the_bundled_recording() -> None:
    clear_cached_tables()
    limits = pose.joint_limits()
    assert limits["knee"][1] >= 157  # Hemmerich et al. (2006): 157 deg (SD 6)
    from hinge_lib.recordings.readers import read_motion

    squat = read_motion(data.DATA_DIR / "samples" / "squats1_videoAndMocap.mot")
    for field in ("ankle", "knee", "hip", "lumbar"):
        low, high = limits[field]
        assert low <= squat[field].min() and squat[field].max() <= high, field


def test_hip_flexion_is_defined_as_thigh_to_pelvis_in_the_data_and_the_code() -> None:
    rows = {row["field"]: row for row in data.read_csv(
        "joint_limits.csv", {"field": data.Column(), "source": data.Column()})}
    assert "thigh and pelvis" in rows["hip"]["note"]
    assert "trunk" not in rows["hip"]["note"].split(".")[0]
    assert "hemmerich2006" not in rows["hip"]["source"].split(";")[0]
    assert "angle between thigh and pelvis" in pose.__doc__
