"""Schema and cross-reference checks for the teaching catalogues.

data/drills.yaml, data/cues.yaml and data/faults.yaml are read directly with
yaml.safe_load; only the list of fault codes comes from the library (its one home).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hinge_lib.model import catalog

DATA = Path(__file__).resolve().parent.parent / "data"

ARTICLE_KEYS = {f"seed_{i:03d}" for i in range(5)}
LITERATURE_KEYS = {"bird2010", "boyle2016", "cook2010", "kritz2009", "steele2015"}
SOURCE_KEYS = ARTICLE_KEYS | LITERATURE_KEYS

# the codes the model and the rep analysis can report, plus catalogue-only faults
FAULT_CODES = set(catalog.fault_codes()) | {"synergist_dominance"}
POSITIONS = {"kneeling", "standing", "lying", "quadruped", "mixed"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def _load(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    assert isinstance(doc, dict), f"{name}: top level must be a mapping"
    return doc


@pytest.fixture(scope="module")
def drills_doc() -> dict:
    return _load("drills.yaml")


@pytest.fixture(scope="module")
def cues_doc() -> dict:
    return _load("cues.yaml")


@pytest.fixture(scope="module")
def faults_doc() -> dict:
    return _load("faults.yaml")


@pytest.fixture(scope="module")
def drills(drills_doc) -> dict[str, dict]:
    return {d["id"]: d for d in drills_doc["drills"]}


@pytest.fixture(scope="module")
def cues(cues_doc) -> dict[str, dict]:
    return {c["id"]: c for c in cues_doc["cues"]}


@pytest.fixture(scope="module")
def faults(faults_doc) -> dict[str, dict]:
    return {f["code"]: f for f in faults_doc["faults"]}


def _is_str(x) -> bool:
    return isinstance(x, str) and x.strip() != ""


def _is_str_list(x, allow_empty: bool = True) -> bool:
    return isinstance(x, list) and (allow_empty or x) and all(_is_str(i) for i in x)


def _check_keys(entry: dict, required: dict, where: str) -> None:
    """required: key -> predicate."""
    assert isinstance(entry, dict), f"{where}: entry must be a mapping"
    for key, ok in required.items():
        assert key in entry, f"{where}: missing key {key!r}"
        assert ok(entry[key]), f"{where}: bad value for {key!r}: {entry[key]!r}"


def _check_sources(sources, where: str) -> None:
    assert _is_str_list(sources, allow_empty=False), f"{where}: sources must be a non-empty list"
    unknown = set(sources) - SOURCE_KEYS
    assert not unknown, f"{where}: unknown source keys {sorted(unknown)}"


def _unique(ids: list[str], what: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate {what}: {dupes}"


# --------------------------------------------------------------------------- drills

DRILL_KEYS = {
    "id": lambda v: _is_str(v) and SNAKE.match(v),
    "name": _is_str,
    "level": lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 4,
    "equipment": _is_str_list,
    "position": lambda v: v in POSITIONS,
    "setup": _is_str,
    "steps": lambda v: _is_str_list(v, allow_empty=False),
    "feel": _is_str,
    "common_error": _is_str,
    "fix": _is_str,
    "dosage": _is_str,
    "fixes_faults": _is_str_list,
    "sources": lambda v: _is_str_list(v, allow_empty=False),
    "progression_after": lambda v: v is None or _is_str(v),
}


def test_drills_schema(drills_doc):
    assert isinstance(drills_doc.get("drills"), list) and drills_doc["drills"]
    for d in drills_doc["drills"]:
        where = f"drill {d.get('id')!r}"
        _check_keys(d, DRILL_KEYS, where)
        _check_sources(d["sources"], where)
        if "notes" in d:
            assert _is_str(d["notes"]), where
    _unique([d["id"] for d in drills_doc["drills"]], "drill ids")


def test_drill_references(drills, faults, cues_doc):
    disagreement_ids = {x["id"] for x in cues_doc["disagreements"]}
    for did, d in drills.items():
        unknown = set(d["fixes_faults"]) - set(faults)
        assert not unknown, f"drill {did}: unknown fault codes {sorted(unknown)}"
        if d["progression_after"] is not None:
            assert d["progression_after"] in drills, f"drill {did}: unknown progression_after"
            assert d["progression_after"] != did
        for dis in d.get("disagreements", []):
            assert dis in disagreement_ids, f"drill {did}: unknown disagreement {dis}"


def test_progressions_have_no_cycles(drills):
    for did in drills:
        seen = {did}
        cur = drills[did]["progression_after"]
        while cur is not None:
            assert cur not in seen, f"progression cycle through {did}"
            seen.add(cur)
            cur = drills[cur]["progression_after"]


def test_progressions_do_not_go_down_in_level(drills):
    for did, d in drills.items():
        before = d["progression_after"]
        if before is not None:
            assert drills[before]["level"] <= d["level"], f"{did} is easier than {before}"


REQUIRED_DRILLS = {
    "dowel_three_point_hinge",
    "hands_in_hip_crease",
    "wall_drill_step_out",
    "wall_tap_hinge",
    "kneeling_three_point_dowel_hinge",
    "kneeling_kettlebell_behind_back_hinge",
    "standing_three_point_dowel_hinge",
    "standing_kettlebell_behind_back_hinge",
    "tall_kneeling_hinge",
    "tall_kneeling_handcuff_hinge",
    "standing_handcuff_hinge",
    "glute_bridge_to_cat_cow",
    "broomstick_hinge",
    "kettlebell_hinge_setup",
    "light_stiff_leg_deadlift",
    "close_kettlebell_deadlift",
    "hip_thrust",
    "goblet_squat",
    "front_squat",
    "back_squat",
}


def test_every_covered_drill_exists(drills):
    missing = REQUIRED_DRILLS - set(drills)
    assert not missing, f"missing drills: {sorted(missing)}"


@pytest.mark.parametrize(
    "drill_id",
    ["light_stiff_leg_deadlift", "close_kettlebell_deadlift", "hip_thrust",
     "goblet_squat", "front_squat", "back_squat"],
)
def test_light_loading_exercises_are_level_3_or_4(drills, drill_id):
    assert drills[drill_id]["level"] in (3, 4)


def test_article_dosages(drills):
    assert "5-10" in drills["dowel_three_point_hinge"]["dosage"]
    for did in ("kneeling_three_point_dowel_hinge", "kneeling_kettlebell_behind_back_hinge",
                "standing_three_point_dowel_hinge", "standing_kettlebell_behind_back_hinge"):
        assert "2 sets x 10" in drills[did]["dosage"], did
    assert "1-3 s" in drills["glute_bridge_to_cat_cow"]["dosage"]


def test_wall_drills_record_both_distances(drills):
    step_out, tap = drills["wall_drill_step_out"], drills["wall_tap_hinge"]
    assert step_out["sources"] == ["seed_001"] and tap["sources"] == ["seed_003"]
    assert "6 in" in step_out["setup"] and "2 in" in " ".join(step_out["steps"])
    assert "2-3 in" in tap["setup"]
    for d in (step_out, tap):
        assert "wall_distance" in d["disagreements"]
        assert "wall_distance" in d["notes"]


def test_plans(drills_doc, drills, cues):
    plans = {p["id"]: p for p in drills_doc["plans"]}
    assert {"three_stage_plan", "four_step_progression"} <= set(plans)
    for pid, p in plans.items():
        _check_keys(p, {"id": _is_str, "name": _is_str,
                        "stages": lambda v: isinstance(v, list) and v}, f"plan {pid}")
        _check_sources(p["sources"], f"plan {pid}")
        numbers = [s["stage"] for s in p["stages"]]
        assert numbers == list(range(1, len(numbers) + 1)), f"plan {pid}: stage numbers"
        for s in p["stages"]:
            where = f"plan {pid} stage {s.get('stage')}"
            _check_keys(s, {"stage": lambda v: isinstance(v, int), "name": _is_str,
                            "duration": _is_str,
                            "content": lambda v: _is_str_list(v, allow_empty=False)}, where)
            _check_sources(s["sources"], where)
            assert set(s.get("drills", [])) <= set(drills), where
            assert set(s.get("cues", [])) <= set(cues), where
    assert len(plans["three_stage_plan"]["stages"]) == 3
    assert plans["three_stage_plan"]["sources"] == ["seed_004"]
    assert "15-20" in plans["three_stage_plan"]["stages"][0]["duration"]
    assert len(plans["four_step_progression"]["stages"]) == 4
    assert plans["four_step_progression"]["sources"] == ["seed_002"]


# --------------------------------------------------------------------------- cues

CUE_KEYS = {
    "id": lambda v: _is_str(v) and SNAKE.match(v),
    "text": _is_str,
    "explanation": _is_str,
    "fixes": _is_str_list,
    "sources": lambda v: _is_str_list(v, allow_empty=False),
    "contradicted_by": lambda v: isinstance(v, list),
}

REQUIRED_CUES = {
    "neutral_spine", "pelvic_control", "hips_back_first", "weight_to_hips_and_heels",
    "minimal_knee_movement", "load_hamstrings", "shoulders_back_down", "core_brace",
    "short_string_navel_to_ribs", "slight_pelvic_tuck", "chest_out", "string_lifts_butt",
    "gaze_down_head_in_line", "chest_up", "soft_knees", "knees_slightly_out",
    "feet_hip_width", "squeeze_glutes_top", "drive_hips_forward", "vertical_shins",
    "use_external_feedback",
}


def test_cues_schema(cues_doc):
    assert isinstance(cues_doc.get("cues"), list) and cues_doc["cues"]
    for c in cues_doc["cues"]:
        where = f"cue {c.get('id')!r}"
        _check_keys(c, CUE_KEYS, where)
        _check_sources(c["sources"], where)
        for other in c["contradicted_by"]:
            _check_keys(other, {"cue": _is_str, "why": _is_str,
                                "sources": lambda v: _is_str_list(v, allow_empty=False)},
                        f"{where} contradicted_by")
            _check_sources(other["sources"], f"{where} contradicted_by")
    _unique([c["id"] for c in cues_doc["cues"]], "cue ids")


def test_every_covered_cue_exists(cues):
    missing = REQUIRED_CUES - set(cues)
    assert not missing, f"missing cues: {sorted(missing)}"


def test_cue_references(cues, faults):
    for cid, c in cues.items():
        unknown = set(c["fixes"]) - set(faults)
        assert not unknown, f"cue {cid}: unknown fault codes {sorted(unknown)}"
        for other in c["contradicted_by"]:
            assert other["cue"] in cues, f"cue {cid}: unknown contradicting cue {other['cue']}"
            assert other["cue"] != cid


def test_contradictions_are_symmetric(cues):
    for cid, c in cues.items():
        for other in c["contradicted_by"]:
            back = [o["cue"] for o in cues[other["cue"]]["contradicted_by"]]
            assert cid in back, f"{cid} contradicts {other['cue']} but not the other way round"
            # the contradicting entry names the other cue's own articles
            assert set(other["sources"]) <= set(cues[other["cue"]]["sources"])


@pytest.mark.parametrize(
    "a, b, src_a, src_b",
    [
        ("chest_up", "gaze_down_head_in_line", "seed_000", "seed_001"),
        ("slight_pelvic_tuck", "chest_out", "seed_003", "seed_004"),
        ("slight_pelvic_tuck", "string_lifts_butt", "seed_003", "seed_004"),
        ("short_string_navel_to_ribs", "chest_out", "seed_003", "seed_004"),
        ("short_string_navel_to_ribs", "string_lifts_butt", "seed_003", "seed_004"),
    ],
)
def test_cue_disagreement_pairs(cues, a, b, src_a, src_b):
    assert src_a in cues[a]["sources"] and src_b in cues[b]["sources"]
    assert b in [o["cue"] for o in cues[a]["contradicted_by"]]
    assert a in [o["cue"] for o in cues[b]["contradicted_by"]]


# --------------------------------------------------------------------------- disagreements

DISAGREEMENTS = {
    "wall_distance": {"seed_001", "seed_003"},
    "chest_up_vs_gaze_down": {"seed_000", "seed_001"},
    "pelvic_tuck_vs_chest_out": {"seed_003", "seed_004"},
    "dosage": {"seed_000", "seed_002", "seed_004"},
}


def test_disagreements_schema_and_coverage(cues_doc, cues, drills):
    items = cues_doc.get("disagreements")
    assert isinstance(items, list)
    by_id = {}
    for d in items:
        where = f"disagreement {d.get('id')!r}"
        _check_keys(d, {"id": _is_str, "topic": _is_str, "why_both": _is_str,
                        "positions": lambda v: isinstance(v, list) and len(v) >= 2}, where)
        for p in d["positions"]:
            _check_keys(p, {"claim": _is_str}, where)
            _check_sources(p["sources"], where)
        assert set(d.get("drills", [])) <= set(drills), where
        assert set(d.get("cues", [])) <= set(cues), where
        by_id[d["id"]] = d
    _unique([d["id"] for d in items], "disagreement ids")
    for did, needed in DISAGREEMENTS.items():
        assert did in by_id, f"missing disagreement {did}"
        cited = {s for p in by_id[did]["positions"] for s in p["sources"]}
        assert needed <= cited, f"{did}: positions must cite {sorted(needed)}"


def test_disagreement_claims_carry_the_numbers(cues_doc):
    by_id = {d["id"]: d for d in cues_doc["disagreements"]}
    wall = " ".join(p["claim"] for p in by_id["wall_distance"]["positions"])
    assert "6 in" in wall and "2 in" in wall and "2-3 in" in wall
    dose = " ".join(p["claim"] for p in by_id["dosage"]["positions"])
    assert "5-10" in dose and "2 sets x 10" in dose and "15-20 min" in dose


# --------------------------------------------------------------------------- faults

FAULT_KEYS = {
    "code": _is_str,
    "name": _is_str,
    "how_to_see": _is_str,
    "why_it_matters": _is_str,
    "fix": _is_str,
    "cues": lambda v: _is_str_list(v, allow_empty=False),
    "drills": _is_str_list,
    "sources": lambda v: _is_str_list(v, allow_empty=False),
    "model_check": _is_str,
}


def test_faults_schema(faults_doc):
    assert isinstance(faults_doc.get("faults"), list)
    for f in faults_doc["faults"]:
        where = f"fault {f.get('code')!r}"
        _check_keys(f, FAULT_KEYS, where)
        _check_sources(f["sources"], where)
    _unique([f["code"] for f in faults_doc["faults"]], "fault codes")


def test_fault_codes_exact(faults):
    assert set(faults) == FAULT_CODES


def test_fault_references(faults, cues, drills):
    for code, f in faults.items():
        assert set(f["cues"]) <= set(cues), f"{code}: unknown cues {set(f['cues']) - set(cues)}"
        assert set(f["drills"]) <= set(drills), f"{code}: unknown drills"
        # every cue and drill listed for a fault names that fault in turn
        for cid in f["cues"]:
            assert code in cues[cid]["fixes"], f"{code}: cue {cid} does not list it in fixes"
        for did in f["drills"]:
            assert code in drills[did]["fixes_faults"], f"{code}: drill {did} does not list it"


def test_every_fault_has_a_drill_and_a_cue(faults, cues, drills):
    for code in FAULT_CODES:
        assert any(code in c["fixes"] for c in cues.values()), code
        assert any(code in d["fixes_faults"] for d in drills.values()), code


def test_motion_faults_are_not_pose_checks(faults):
    assert faults["synergist_dominance"]["model_check"] == (
        "not detectable from a still pose; coach observation"
    )
    assert "still pose" in faults["knees_first"]["model_check"].lower()


def test_required_teaching_points_present(faults, drills):
    rounded = faults["rounded_lower_back"]["why_it_matters"].lower()
    assert "shoe" in rounded and "seed_001" in rounded
    assert "keep your back flat" in faults["rounded_lower_back"]["fix"].lower()
    kb = drills["kettlebell_hinge_setup"]
    assert "counter" in (kb["feel"] + kb["notes"]).lower()
    assert "light" in kb["dosage"].lower()
    syn = faults["synergist_dominance"]["why_it_matters"].lower()
    assert "seed_004" in syn and ("sedentary" in syn or "sit" in syn)
