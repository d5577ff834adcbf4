"""The claims register: every sentence stating a model fact has a row, and every row holds."""

from __future__ import annotations

import json

import pytest

from hinge_lib.course import claims
from hinge_lib.model.tables import DataFileError


# not `slow` (about 3 s): a lecturer who rewords a sentence of a notebook learns from the quick
# loop whether the register still covers it
def test_every_claim_sentence_has_a_row_and_every_row_holds():
    problems = claims.audit()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(claims.CHECKS))
def test_each_check_holds_on_the_model(name):
    ok, detail = claims.CHECKS[name]()
    assert ok, detail
    assert claims.confirm(name) == detail


def test_the_finder_flags_model_facts_and_numbers_but_not_headings_or_tables(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": "# Title: the model shows 5 deg"},
        {"cell_type": "markdown", "source":
            "## A heading about the model\n\nThe model flags it. Plain words here.\n\n"
            "| a | table with 5 kg |\n|---|---|\n\nIt moves 12 cm. A cue: hips back!"},
    ]}
    path = tmp_path / "99-x.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert [s for _, s in claims.claim_sentences(path)] == ["The model flags it.",
                                                            "It moves 12 cm."]


def test_an_unregistered_sentence_and_a_stale_anchor_are_both_reported(tmp_path, monkeypatch):
    root = tmp_path
    (root / "notebooks").mkdir()
    nb = {"cells": [{"cell_type": "markdown", "source": "# T"},
                    {"cell_type": "markdown", "source": "The model says 3 deg here."}]}
    (root / "notebooks" / "00-x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    rows = ({"notebook": "00", "anchor": "a sentence that is gone", "not_model": "x",
             "backing": "not_model"},)
    monkeypatch.setattr(claims, "register", lambda: rows)
    problems = claims.audit(root)
    assert any("no register row for: The model says 3 deg here." in p for p in problems)
    assert any("no longer in the text" in p for p in problems)


def test_a_failing_check_is_reported(monkeypatch):
    monkeypatch.setitem(claims.CHECKS, "default_body", lambda: (False, "the body changed"))
    problems = claims.audit()
    assert any("default_body fails: the body changed" in p for p in problems)
    with pytest.raises(AssertionError, match="no longer holds"):
        claims.confirm("default_body")


def test_a_row_needs_exactly_one_backing(monkeypatch):
    from hinge_lib.model import tables

    real = tables.read_entries

    def fake(file, key):
        if file == "claims.yaml":
            return [{"notebook": "03", "anchor": "three words here", "check": "default_body",
                     "evidence": "fast_swings"}]
        return real(file, key)

    claims.register.cache_clear()
    monkeypatch.setattr(claims, "read_entries", fake)
    try:
        with pytest.raises(DataFileError, match="exactly one of"):
            claims.register()
    finally:
        claims.register.cache_clear()
