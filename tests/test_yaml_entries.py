"""The shared check of YAML lists of entries (hinge_lib.model.tables.read_entries and
check_entry): each bad input is refused with a message naming the file, the entry, the
field, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from hinge_lib.course import evidence, questions
from hinge_lib.model.tables import DataFileError, check_entry, read_entries

WHERE = "data/drills.yaml, drills entry 3"
FIELDS = {"id": str, "level": int, "steps": list, "weight_kg": (int, float)}
GOOD = {"id": "wall_touch", "level": 1, "steps": ["stand", "hinge"], "weight_kg": 2.5}


def test_a_good_entry_is_returned_as_it_is() -> None:
    entry = {**GOOD, "notes": "extra fields are left to the caller"}
    assert check_entry(entry, WHERE, FIELDS, id_field="id") is entry


def test_an_entry_that_is_not_a_mapping_is_named_with_the_fields_it_needs() -> None:
    with pytest.raises(DataFileError, match=r"^data/drills.yaml, drills entry 3: expected a "
                                            r"mapping with the fields id, level, steps, "
                                            r"weight_kg; found text 'wall_touch'$"):
        check_entry("wall_touch", WHERE, FIELDS, id_field="id")


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_missing_and_blank_fields_are_listed_with_the_entry_id(empty: object) -> None:
    entry = {key: value for key, value in GOOD.items() if key != "steps"}
    entry["level"] = empty
    with pytest.raises(DataFileError, match=r"^data/drills.yaml, drills entry 3 "
                                            r"\('wall_touch'\): missing level, steps$"):
        check_entry(entry, WHERE, FIELDS, id_field="id")


def test_zero_and_empty_lists_are_values_not_missing_fields() -> None:
    entry = {**GOOD, "level": 0, "steps": [], "weight_kg": 0}
    assert check_entry(entry, WHERE, FIELDS) is entry


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("level", "one", r"field 'level': 'one' is text; expected a whole number$"),
        ("level", True, r"field 'level': True is true or false; expected a whole number$"),
        ("steps", "stand, hinge", r"field 'steps': 'stand, hinge' is text; expected a list$"),
        ("weight_kg", [2], r"field 'weight_kg': \[2\] is a list; expected a number$"),
        ("id", 7, r"^data/drills.yaml, drills entry 3 \(7\), field 'id': 7 is a whole number; "
                  r"expected text$"),
    ],
)
def test_a_wrong_type_names_field_value_and_allowed_type(field: str, value: object,
                                                         message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        check_entry({**GOOD, field: value}, WHERE, FIELDS, id_field="id")


def test_a_duplicate_id_is_refused_and_ids_are_collected() -> None:
    seen: set[str] = set()
    check_entry(dict(GOOD), "data/drills.yaml, drills entry 1", FIELDS, "id", seen)
    assert seen == {"wall_touch"}
    with pytest.raises(DataFileError, match=r"^data/drills.yaml, drills entry 3 "
                                            r"\('wall_touch'\), field 'id': duplicate "
                                            r"'wall_touch' \(each id must be used once\)$"):
        check_entry(dict(GOOD), WHERE, FIELDS, id_field="id", seen=seen)


@pytest.mark.parametrize(
    "text, found",
    [
        ("evidence: []\n", "an empty list"),
        ("evidence:\n  key: x\n", "a mapping"),
        ("evidence: some text\n", "text"),
        ("evidence:\n", "nothing"),
        ("boxes: []\nnotes: x\n", r"no such section \(sections: boxes, notes\)"),
        ("- key: x\n", "a list as the whole file"),
        ("", "nothing as the whole file"),
    ],
)
def test_a_file_without_a_list_of_entries_is_named(data_copy: Path, text: str,
                                                   found: str) -> None:
    (data_copy / "evidence.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"^data/evidence.yaml: expected a non-empty list "
                                            rf"of entries under 'evidence'; found {found}$"):
        read_entries("evidence.yaml", "evidence")


def test_read_entries_returns_the_list_as_written(data_copy: Path) -> None:
    (data_copy / "evidence.yaml").write_text("evidence:\n  - key: x\n  - 3\n", encoding="utf-8")
    assert read_entries("evidence.yaml", "evidence") == [{"key": "x"}, 3]


def test_a_duplicate_evidence_box_is_named_in_the_loaded_file(data_copy: Path) -> None:
    path = data_copy / "evidence.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("key: glute_inhibition", "key: lumbar_flexion_under_load", 1),
                    encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^data/evidence.yaml, entry 2 "
                                            r"\('lumbar_flexion_under_load'\), field 'key': "
                                            r"duplicate 'lumbar_flexion_under_load'"):
        evidence.evidence_keys()


def test_an_evidence_box_needs_lists_of_source_keys() -> None:
    box = {"key": "x", "claim": "c", "articles": "seed_001", "articles_say": "a",
           "research_says": "r", "sources": [], "certainty": "low", "certainty_note": "n"}
    with pytest.raises(DataFileError, match=r"entry 2 \('x'\), field 'articles': 'seed_001' "
                                            r"is text; expected a list"):
        evidence._check(box, 2)
    with pytest.raises(DataFileError, match=r"entry 2 \('x'\), field 'sources': expected at "
                                            r"least one source key"):
        evidence._check({**box, "articles": ["seed_001"]}, 2)


def test_a_question_of_the_wrong_shape_names_its_field() -> None:
    q = {"id": "x", "notebook": "01", "kind": "number", "prompt": "How many?",
         "model": {"quantity": "hip_moment_nm", "pose": "upright"}, "tolerance": "a few",
         "explanation": "e"}
    with pytest.raises(DataFileError, match=r"^data/questions.yaml, question 5 \('x'\), field "
                                            r"'tolerance': 'a few' is text; expected a "
                                            r"number$"):
        questions._check(q, 5, set())
    with pytest.raises(DataFileError, match=r"^data/questions.yaml, question 5: expected a "
                                            r"mapping with the fields id; found a list"):
        questions._check(["x"], 5, set())
