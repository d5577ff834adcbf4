"""Tests for hinge_lib.course.evidence: evidence boxes and the learner-facing bibliography."""

from __future__ import annotations

import html

import pytest

from hinge_lib.course import evidence
from hinge_lib.model.tables import DataFileError


def test_every_evidence_box_renders_claim_articles_research_and_certainty():
    assert len(evidence.evidence_keys()) >= 7
    for key in evidence.evidence_keys():
        box = evidence.evidence_box(key)
        entry = evidence.evidence(key)
        assert "What the articles say" in box and "What research says" in box
        assert "How sure we are" in box and entry["certainty"] in box
        for source in entry["sources"]:
            assert html.escape(evidence.citation(source).split(".")[0]) in box


def test_no_evidence_box_shows_an_internal_article_key():
    for key in evidence.evidence_keys():
        assert "seed_0" not in evidence.evidence_box(key).lower()


def test_the_spine_box_cites_the_2020_systematic_review():
    box = evidence.evidence_box("lumbar_flexion_under_load")
    assert "Saraceni" in box and "2020" in box


def test_an_unknown_box_is_refused_with_the_known_keys():
    with pytest.raises(ValueError, match="fast_swings"):
        evidence.evidence_box("no_such_claim")


def test_titled_replaces_every_article_key_and_keeps_other_text():
    text = "Seed_000 and seed_003 disagree; seed_004's plan."
    out = evidence.titled(text)
    assert "seed_" not in out.lower()
    assert out.startswith("Proper Hip Hinge and the magazine feature disagree")
    assert evidence.titled("seed_002", "markdown") == "*Master the Hip Hinge*"
    assert evidence.titled("seed_001", "html") == "<i>Perfecting the Hip Hinge</i>"


def test_titled_refuses_an_unknown_markup():
    with pytest.raises(ValueError, match="markup"):
        evidence.titled("x", "latex")


def test_source_list_names_articles_by_title_and_papers_by_citation():
    text = evidence.source_list("seed_001; saraceni2020")
    assert text.startswith("Perfecting the Hip Hinge; Saraceni N")


def test_a_malformed_box_names_the_file_entry_and_field(monkeypatch):
    bad = {"key": "x", "claim": "c", "articles": ["seed_001"], "articles_say": "a",
           "research_says": "r", "sources": ["nobody1999"], "certainty": "low",
           "certainty_note": "n"}
    with pytest.raises(DataFileError, match=r"evidence.yaml, entry 3 .*'sources'.*nobody1999"):
        evidence._check(bad, 3)
    with pytest.raises(DataFileError, match="certainty"):
        evidence._check({**bad, "sources": ["saraceni2020"], "certainty": "sure"}, 1)
    with pytest.raises(DataFileError, match="missing claim"):
        evidence._check({**bad, "claim": ""}, 1)


def test_tip_box_is_unattributed_html():
    box = evidence.tip_box("Film from the side.")
    assert "Coaching tip" in box and "Film from the side." in box and box._repr_html_() == box
