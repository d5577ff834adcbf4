"""The printable handouts (`python3 tasks.py handouts`): built once for this module, then
read back from the PDFs as a reader's PDF viewer would (pdfplumber): page counts, every
drill's name and cue on its own card, every checklist item with its tick boxes, every fault
with its cue, no character outside the page, embedded fonts, tags for screen readers."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("typst", reason="the handouts extra (typst) is not installed")
pdfplumber = pytest.importorskip("pdfplumber")

from hinge_lib.course import handouts, lessons, teaching  # noqa: E402
from hinge_lib.model import catalog  # noqa: E402
from hinge_lib.model.analysis import analyze  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: Page sizes in PDF points (1/72 in), portrait.
PAPER_POINTS = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}
#: The least distance, in points, between any character and the edge of the paper (5 mm):
#: nothing is cut by the page edge or lost in a printer's unprintable border.
EDGE_PT = 5 / 25.4 * 72


def words(text: str) -> str:
    """Text with every run of white space as one space (lines in a PDF break anywhere, also
    after the hyphen of a compound word such as kettlebell-behind-back)."""
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(str(text).split()))


@dataclass
class Read:
    """What a PDF viewer finds in one handout, page by page."""

    texts: list[str]
    sizes: list[tuple[float, float]]
    #: characters closer than EDGE_PT to the edge of the paper, per page
    near_edge: list[str]
    #: empty squares about 10 pt wide: the boxes to tick
    tick_boxes: int


def read_pdf(source: Path | bytes) -> Read:
    """Text in the order it is read (pypdf follows the content, cell after cell of a table),
    and where every character and box sits (pdfplumber)."""
    from pypdf import PdfReader

    data = source if isinstance(source, bytes) else source.read_bytes()
    texts = [words(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages
        return Read(
            texts=texts,
            sizes=[(float(page.width), float(page.height)) for page in pages],
            near_edge=["".join(c["text"] for c in page.chars
                               if c["x0"] < EDGE_PT or c["x1"] > page.width - EDGE_PT
                               or c["top"] < EDGE_PT or c["bottom"] > page.height - EDGE_PT)
                       for page in pages],
            tick_boxes=sum(1 for page in pages for r in page.rects
                           if 8 < r["width"] < 12 and 8 < r["height"] < 12))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], handouts.Handout]:
    out = tmp_path_factory.mktemp("handouts")
    return {(h.handout, h.paper): h for h in handouts.build(out)}


@pytest.fixture(scope="module")
def read(built) -> dict[tuple[str, str], Read]:
    """Every handout read back once (the slow part: every character's place on the page)."""
    return {key: read_pdf(h.path) for key, h in built.items()}


@pytest.mark.slow
def test_every_handout_is_written_on_both_papers_with_its_page_count(built, read):
    assert set(built) == {(h, p) for h in handouts.HANDOUTS for p in handouts.PAPERS}
    folders = {h.path.parent for h in built.values()}
    assert len(folders) == 1
    for (name, paper), h in built.items():
        assert h.path.name == f"{name}-{paper}.pdf" and h.path.stat().st_size > 0
        assert len(read[(name, paper)].texts) == h.pages >= 1
        width, height = PAPER_POINTS[paper]
        if name == "fault-and-cue-table":  # set across the page
            width, height = height, width
        for size in read[(name, paper)].sizes:
            assert size == pytest.approx((width, height), abs=1)
    # a plan and the checklist fit one sheet (the 90-minute plan two on Letter at most)
    for paper in handouts.PAPERS:
        assert built[("lesson-plan-60-min", paper)].pages == 1
        assert built[("assessment-checklist", paper)].pages == 1
        assert built[("lesson-plan-90-min", paper)].pages <= 2


@pytest.mark.slow
@pytest.mark.parametrize("paper", list(handouts.PAPERS))
def test_one_card_per_drill_each_with_its_name_cue_error_fix_and_dose(read, paper):
    drills = catalog.drills()
    pages = read[("drill-cards", paper)].texts
    assert len(pages) == len(drills)
    for text, (drill_id, row) in zip(pages, drills.iterrows(), strict=True):
        card = handouts.drill_content(str(drill_id))
        assert text.startswith(card["name"] + " "), (drill_id, text[:80])
        assert f"Cue: “{words(row['cue'])}”" in text, drill_id
        for field in ("setup", "common_error", "fix", "dosage"):
            assert card[field] and card[field] in text, (drill_id, field)
        for step in card["steps"]:
            assert step in text, (drill_id, step)
        for title in card["sources"]:
            assert title in text, (drill_id, title)
        assert "seed_0" not in text.lower(), drill_id  # articles by title, never by key


def test_each_card_pictures_start_and_end_pose_drawn_by_the_model():
    for drill_id in catalog.drills().index:
        card = handouts.drill_content(str(drill_id))
        poses = teaching.drill_poses(str(drill_id))
        if len(poses) < 2:  # lying down: the model cannot draw it, and the card says so
            assert card["pictures"] == []
            continue
        assert [p["label"] for p in card["pictures"]] == ["Start", "End"]
        for picture, pose in zip(card["pictures"], (poses[0], poses[-1]), strict=True):
            hip_x, hip_y = analyze(pose).joints["hip"]
            # the hip drawn where the model puts it (SVG y points down)
            assert f"{hip_x:.4f} {-hip_y:.4f}" in picture["svg"], drill_id
            assert f"hip {pose.hip:.0f}°" in picture["alt"]
            assert f"hip {pose.hip:g}°" in picture["angles"]
        same_window = {re.search(r'viewBox="([^"]+)"', p["svg"]).group(1)
                       for p in card["pictures"]}
        assert len(same_window) == 1, f"{drill_id}: start and end drawn at different scales"


@pytest.mark.slow
def test_a_lying_drill_says_why_it_has_no_drawing(read):
    text = " ".join(read[("drill-cards", "a4")].texts)
    lying = catalog.drills()["position"].isin(["lying", "mixed"]).sum()
    assert lying >= 1
    assert text.count("No drawing: the model draws standing and kneeling poses only") == lying


@pytest.mark.slow
@pytest.mark.parametrize("name,blocks", [("lesson-plan-60-min", lessons.LESSON_60),
                                         ("lesson-plan-90-min", lessons.lesson_90())])
def test_lesson_plans_list_every_block_with_its_minutes(read, name, blocks):
    text = " ".join(read[(name, "a4")].texts)
    total = sum(b.minutes for b in blocks)
    assert f"{total:g} minutes in all" in text
    clock = 0.0
    for block in blocks:
        assert f"{clock:g}–{clock + block.minutes:g} {words(block.title)}" in text
        assert words(block.activity) in text
        clock += block.minutes
    names = catalog.drills()["name"]
    for drill_id in {m.strip() for b in blocks for m in b.material.split(",")} & set(
            names.index):
        assert names[drill_id] in text  # drills by name, never by id
        assert drill_id not in text


@pytest.mark.slow
@pytest.mark.parametrize("paper", list(handouts.PAPERS))
def test_the_checklist_has_every_item_with_a_box_to_tick_at_each_screen(read, paper):
    checklist = read[("assessment-checklist", paper)]
    text = " ".join(checklist.texts)
    for item in lessons.CHECKLIST:
        for part in (item.name, item.look_at, item.pass_if):
            assert words(part) in text, part
    assert checklist.tick_boxes == 2 * len(lessons.CHECKLIST)
    assert read[("lesson-plan-90-min", paper)].tick_boxes == len(lessons.lesson_90())


@pytest.mark.slow
def test_the_fault_table_has_every_fault_with_its_cues_and_drills(read):
    text = " ".join(read[("fault-and-cue-table", "letter")].texts)
    faults, cues = catalog.faults(), catalog.cues()
    names = catalog.drills()["name"]
    for code, fault in faults.iterrows():
        assert words(fault["name"]) in text, code
        for cue in fault["cues"]:
            assert words(cues.loc[cue, "text"]) in text, (code, cue)
        for drill in fault.get("drills") or []:
            assert names[drill] in text, (code, drill)


@pytest.mark.slow
def test_no_character_lies_outside_the_page(read):
    for (name, paper), pdf in read.items():
        for number, (text, outside) in enumerate(zip(pdf.texts, pdf.near_edge, strict=True),
                                                 start=1):
            assert text, f"{name}-{paper} page {number} has no text"
            assert not outside, f"{name}-{paper} page {number}: {outside[:60]!r}"


def test_the_edge_check_finds_text_set_off_the_page():
    import typst

    source = (b'#set page(width: 10cm, height: 5cm, margin: 1cm)\n'
              b'#place(dx: 8.5cm)[off the edge] #block(breakable: false, height: 6cm)[low]')
    pdf = read_pdf(bytes(typst.compile(source, ignore_system_fonts=True)))
    assert "edge" in pdf.near_edge[0]


@pytest.mark.slow
def test_fonts_are_embedded_and_the_pdf_is_tagged_for_screen_readers(built):
    from pypdf import PdfReader

    for h in built.values():
        reader = PdfReader(h.path)
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]), h.path.name
        assert "/StructTreeRoot" in root and str(root["/Lang"]).startswith("en")
        assert reader.metadata.title == handouts.HANDOUTS[h.handout]
        fonts = 0
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                for part in font.get("/DescendantFonts", [font]):
                    descriptor = part.get_object()["/FontDescriptor"]
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (
                        h.path.name, font["/BaseFont"])
                    fonts += 1
        assert fonts


@pytest.mark.slow
def test_a_cue_edited_in_the_data_is_on_the_next_card(data_copy):
    path = data_copy / "drills.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'cue: "Hips back; the rod stays on head, upper back and sacrum."'
    assert old in text
    path.write_text(text.replace(old, 'cue: "Push the wall away with your backside."'),
                    encoding="utf-8")
    first = read_pdf(handouts.render("drill-cards", "a4")).texts[0]
    assert "Cue: “Push the wall away with your backside.”" in first


def test_bad_requests_name_the_value_and_what_is_allowed(tmp_path):
    with pytest.raises(ValueError, match=r"handout must be one of .*drill-cards.*'menu'"):
        handouts.content("menu")
    with pytest.raises(ValueError, match=r"paper must be one of a4, letter; got 'a5'"):
        handouts.render("drill-cards", "a5")
    with pytest.raises(ValueError, match=r"papers must be some of a4, letter"):
        handouts.build(tmp_path, ["legal"])


@pytest.mark.slow
def test_the_command_writes_one_folder_and_prints_its_path_last(tmp_path):
    out = tmp_path / "print"
    result = subprocess.run(
        [sys.executable, "-m", "hinge_lib.course.handouts", "--out", str(out),
         "--paper", "letter"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert Path(lines[-1]) == out.resolve()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{h}-letter.pdf" for h in handouts.HANDOUTS)
    assert re.search(r"5 handouts, \d+ pages, built in [\d.]+ s", result.stdout)
