"""The course as a website: `python3 tasks.py book [--instructor]`.

Each edition is built once per test session (it executes every notebook, so these tests
are marked slow), then served from 127.0.0.1 and opened page by page in headless Chromium
with every request to anything but the site's own files blocked.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
GUIDE = "12-instructor-guide.ipynb"
LEARNER_NOTEBOOKS = [n for n in NOTEBOOKS if n != GUIDE]
SOURCE_ID = re.compile(r"\bseed_\d{3}\b", re.IGNORECASE)


def _venv_python() -> Path:
    bin_dir = ROOT / ".venv" / ("Scripts" if sys.platform == "win32" else "bin")
    return bin_dir / ("python.exe" if sys.platform == "win32" else "python")


class _Build:
    """The real command, `tasks.py book --both`, building both editions in the background."""

    def __init__(self, out: Path, *args: str) -> None:
        # output to files, not pipes: a full pipe nobody reads yet would stall the build
        out.mkdir(parents=True, exist_ok=True)
        self.stdout, self.stderr = out / "build.out", out / "build.err"
        with self.stdout.open("w") as stdout, self.stderr.open("w") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "tasks.py"), "book", *args, "--out", str(out)],
                cwd=ROOT, stdout=stdout, stderr=stderr, text=True)

    def sites(self) -> list[Path]:
        """Wait for the build; return its site folders, in the order it printed them."""
        self.proc.wait(timeout=3600)
        stdout = self.stdout.read_text(errors="replace")
        assert self.proc.returncode == 0, (stdout + self.stderr.read_text(errors="replace"))[-5000:]
        found = []
        for line in stdout.strip().splitlines():
            index = Path(line)
            if index.is_absolute() and index.name == "index.html":
                assert index.is_file(), f"printed {line!r}, which is not a file"
                found.append(index.parent)
        return found


# Built inside the project (book/_build is ignored by git), not in pytest's temporary
# folders, which parallel pytest runs may clean up while this session still reads them.
TEST_BUILD = ROOT / "book" / "_build" / "tests"


@pytest.fixture(scope="session")
def book_sites() -> dict[str, Path]:
    """Both editions, built by one command that executes each notebook once for both.
    (The test command has already installed the book extra, so the build's set-up step
    installs nothing.)"""
    build = _Build(TEST_BUILD, "--both")
    try:
        learner, instructor = build.sites()
    finally:
        if build.proc.poll() is None:
            build.proc.kill()
            build.proc.wait()
    assert (learner.parent.parent.name, instructor.parent.parent.name) == (
        "learner", "instructor")
    return {"learner": learner, "instructor": instructor}


@pytest.fixture(scope="session")
def learner_site(book_sites) -> Path:
    return book_sites["learner"]


@pytest.fixture(scope="session")
def instructor_site(book_sites) -> Path:
    return book_sites["instructor"]


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*.html"))


def _page_of(notebook: str) -> str:
    return notebook.replace(".ipynb", ".html")


# ---------------------------------------------------------------- the site check itself


def test_the_site_check_reports_broken_links_missing_anchors_and_other_hosts(tmp_path):
    from build import check_site

    (tmp_path / "a.html").write_text(
        '<a href="b.html#here">ok</a><a href="missing.html">gone</a>'
        '<a href="b.html#nowhere">no anchor</a><script src="https://cdn.example/x.js"></script>'
        '<a href="https://example.org">an outside link is fine</a>')
    (tmp_path / "b.html").write_text('<h1 id="here">B</h1><img src="_static/pic.png">')
    problems = "\n".join(check_site(tmp_path))
    assert "broken link missing.html" in problems
    assert "missing anchor" in problems and "b.html#nowhere" in problems
    assert "cdn.example" in problems
    assert "b.html: broken link _static/pic.png" in problems
    assert "example.org" not in problems
    assert len(check_site(tmp_path)) == 4


@pytest.mark.book
@pytest.mark.slow
def test_a_notebook_that_fails_stops_the_build_naming_the_notebook_and_cell(tmp_path,
                                                                           monkeypatch):
    import build
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Broken"),
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("1 / 0")]
    with pytest.raises(build.BuildError) as info:
        build.execute("99-broken.ipynb", nb, tmp_path, "learner")
    message = str(info.value)
    assert "notebooks/99-broken.ipynb" in message
    assert "cell 3 of 3" in message and "ZeroDivisionError" in message


# ---------------------------------------------------------------- the learner's edition


@pytest.mark.book
@pytest.mark.slow
def test_every_notebook_is_a_page_in_course_order_with_previous_and_next(learner_site):
    pages = [_page_of(n) for n in LEARNER_NOTEBOOKS]
    html = (learner_site / pages[1]).read_text(encoding="utf-8")
    nav = html[html.index('class="bd-links bd-docs-nav"'):]
    nav = nav[:nav.index("</nav>")]
    order = re.findall(r'class="reference internal" href="([^"#]+)"', nav)
    # the table of contents lists the other chapters in course order, then the extra pages
    assert order == pages[2:] + ["sources.html", "handouts.html", "run-live.html"]
    assert 'class="current reference internal" href="#"' in nav
    for page in pages:
        assert (learner_site / page).is_file(), page
    middle = (learner_site / pages[5]).read_text(encoding="utf-8")
    assert re.search(r'class="left-prev"\s+href="' + re.escape(pages[4]), middle)
    assert re.search(r'class="right-next"\s+href="' + re.escape(pages[6]), middle)
    assert (learner_site / "search.html").is_file()
    assert (learner_site / "searchindex.js").is_file()


@pytest.mark.book
@pytest.mark.slow
def test_the_learners_edition_has_no_guide_and_no_answer_keys(learner_site, instructor_site):
    assert not (learner_site / _page_of(GUIDE)).exists()
    assert (instructor_site / _page_of(GUIDE)).is_file()
    keys_seen = 0
    for page in _pages(learner_site):
        text = page.read_text(encoding="utf-8")
        assert "hinge-quiz-key" not in text, page.name
        assert 'href="12-instructor-guide' not in text, page.name
        teacher = instructor_site / page.name
        if teacher.exists():
            for key in re.findall(r'<details class="hinge-quiz-key"><summary>Answer key'
                                  r'</summary><p>(.*?)</p>', teacher.read_text("utf-8")):
                keys_seen += 1
                assert key not in text, f"{page.name} shows the answer key {key!r}"
    assert keys_seen >= 10


@pytest.mark.book
@pytest.mark.slow
def test_learners_see_article_titles_and_every_page_lists_its_sources(learner_site):
    titles = 0
    for page in _pages(learner_site):
        text = page.read_text(encoding="utf-8")
        assert not SOURCE_ID.search(text), f"{page.name} shows an internal source id"
    for notebook in LEARNER_NOTEBOOKS:
        text = (learner_site / _page_of(notebook)).read_text(encoding="utf-8")
        assert re.search(r"<h2>Sources", text), f"{notebook} has no Sources section"
        titles += "Perfecting the Hip Hinge" in text
    assert titles >= 3


@pytest.mark.book
@pytest.mark.slow
def test_the_site_has_no_broken_internal_links_and_loads_nothing_from_other_hosts(
        learner_site, instructor_site):
    from build import check_site

    assert check_site(learner_site) == []
    assert check_site(instructor_site) == []


@pytest.mark.book
@pytest.mark.slow
def test_plotly_js_is_shipped_once_and_loaded_only_by_pages_with_figures(learner_site):
    assert (learner_site / "_static" / "plotly.min.js").is_file()
    without = []
    for page in _pages(learner_site):
        text = page.read_text(encoding="utf-8")
        loads = text.count("_static/plotly.min.js")
        assert loads == (1 if _figures_in(text) else 0), (page.name, loads)
        without += [page.name] if not loads else []
        assert len(text) < 2_000_000, f"{page.name} is {len(text) / 1e6:.1f} MB"
    # the reference pages open without the figure library
    assert {"sources.html", "handouts.html", "search.html", "run-live.html"} <= set(without)


# ---------------------------------------------------------------- in a real browser


@pytest.fixture(scope="session")
def serve():
    """Serve a site folder on 127.0.0.1; returns its base url."""
    servers = []

    def start(site: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/"

    yield start
    for server in servers:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="\d+; url=([^"]+)"', re.I)


def _open_offline(page, base: str, name: str, without: str = "") -> dict[str, list[str]]:
    """Load a page with requests to anything but the site blocked; report what went wrong.
    ``without``: a file of the site (by its path) the page loads without, unreported."""
    seen: dict[str, list[str]] = {"blocked": [], "failed": [], "console": [], "errors": []}

    def route(r):
        if without and urlsplit(r.request.url).path.endswith("/" + without):
            r.abort()
        elif r.request.url.startswith(base):
            r.continue_()
        else:
            seen["blocked"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on("response", lambda r: seen["failed"].append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(base + name, wait_until="load", timeout=120_000)
    # a redirect page (the site's index.html) moves on by itself: check where it lands,
    # loaded, not the page caught half-way through the move
    with urllib.request.urlopen(base + name) as response:
        moved = REDIRECT.search(response.read().decode("utf-8", "replace"))
    if moved:
        page.wait_for_url(base + moved.group(1), wait_until="load", timeout=120_000)
    page.wait_for_timeout(300)
    return seen


def _figures_in(html: str) -> int:
    return len(re.findall(r'class="plotly-graph-div"', html))


#: The printable width of A4 (the narrower paper) with print.css's 12 mm margins, in CSS px.
A4_PRINT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)

#: Every element of the article that runs past the paper's printable width, or hides part
#: of what it holds behind a scroll bar (which paper cannot scroll).
CUT_OFF_JS = """() => {
  const limit = document.documentElement.clientWidth;
  const cut = [];
  for (const el of document.querySelectorAll('.bd-article *')) {
    if (el.parentElement && el.parentElement.closest('svg')) continue;  // the drawing counts
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    const name = el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\\s+/)[0] : '');
    if (box.right > limit + 1 || box.left < -1) {
      cut.push(`${name} spans ${Math.round(box.left)} to ${Math.round(box.right)} px of ${limit}`);
    } else if (['auto', 'scroll', 'hidden'].includes(style.overflowX)
               && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'svg') {
      cut.push(`${name} hides ${el.scrollWidth - el.clientWidth} px behind a scroll bar`);
    }
  }
  return cut;
}"""


@dataclass
class PageVisit:
    """One page of a built site as a reader's browser found it, offline."""

    seen: dict[str, list[str]]  # what _open_offline reported: blocked, failed, console, errors
    figures: int  # plotly figures in the page's HTML
    drawn: int  # traces on screen once every figure was drawn (0 when none were)
    waited: str  # why the figures never all appeared ("" when they did, or the page has none)
    violations: list[dict]  # axe-core's serious or critical accessibility violations
    printed_cut: list[str]  # what printing cuts off (CUT_OFF_JS; not checked: [])


def _visit(browser, base: str, path: Path, axe: Path, figures: bool = True,
           only: str = "") -> PageVisit:
    """Load ``path`` offline in a fresh context; with ``figures``, wait until every plotly
    figure of its HTML is on screen and count the drawn traces (without, plotly.js is not
    loaded and no figure is drawn); then run axe-core on it (on the elements matching the CSS
    selector ``only``, if given, and their contents). With ``figures``, last, print it as a
    reader does: the page they read on a desktop screen, laid out for paper (print media at
    A4's printable width), and list what runs past the paper."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        seen = _open_offline(page, base, path.name, without="" if figures else "plotly.min.js")
        expected = _figures_in(path.read_text(encoding="utf-8")) if figures else 0
        drawn, waited = 0, ""
        if expected:
            try:
                page.wait_for_function(
                    "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                    arg=expected, timeout=30_000)
                drawn = page.locator(".js-plotly-plot .scatterlayer path").count()
            except PlaywrightTimeout as err:
                waited = str(err).splitlines()[0]
        # what loading and drawing the page did, before axe-core's own requests (it refetches
        # the theme's stylesheets to read them, and resolves their @import from the page)
        seen = {key: list(found) for key, found in seen.items()}
        page.add_script_tag(path=str(axe))
        if only:
            assert page.locator(only).count() > 0, f"{path.name} has no {only}"
        result = page.evaluate(
            "async only => (await axe.run(only ? {include: [[only]]} : document,"
            " {resultTypes: ['violations']}))"
            ".violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length}))", only)
        printed_cut = _printed_cut(page) if figures else []
    finally:
        context.close()
    return PageVisit(seen, expected, drawn, waited,
                     [v for v in result if v["impact"] in ("serious", "critical")], printed_cut)


def _printed_cut(page) -> list[str]:
    """Lay the open page out as Chromium prints it; what runs past the paper (a few).

    Print media shrinks each figure to the paper (print.css) and the narrower window has
    phone.js draw a figure wider than the column again at its width; the layout has
    settled once nothing is cut, or after a few seconds, when what is still cut is what
    the paper shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.set_viewport_size({"width": A4_PRINT_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    try:
        page.wait_for_function(f"() => ({CUT_OFF_JS})().length === 0", polling=250,
                               timeout=5_000)
        return []
    except PlaywrightTimeout:
        return page.evaluate(CUT_OFF_JS)[:5]


@pytest.fixture(scope="module")
def learner_visits(learner_site, serve, browser) -> dict[str, PageVisit]:
    """Every page of the learner's edition, each loaded once for the offline check, the
    accessibility check and the printed layout check below (one load for all three)."""
    base, axe = serve(learner_site), _axe_script()
    return {path.name: _visit(browser, base, path, axe) for path in _pages(learner_site)}


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.browser
def test_every_page_loads_offline_with_its_figures_and_no_errors(learner_visits):
    pages_with_figures = 0
    for name, visit in learner_visits.items():
        assert visit.seen == {"blocked": [], "failed": [], "console": [], "errors": []}, name
        if visit.figures:
            pages_with_figures += 1
            assert visit.waited == "", f"{name}: {visit.waited}"
            assert visit.drawn > 0, f"{name}: figures have no drawn traces"
    # every notebook that draws a figure in the course draws one on its page
    assert pages_with_figures >= 8


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.browser
def test_the_explorer_page_figure_moves_with_its_own_slider(learner_site, serve, page):
    base = serve(learner_site)
    seen = _open_offline(page, base, "10-pose-explorer.html")
    figure = page.locator(".hinge-static-explorer .js-plotly-plot").first
    figure.wait_for()
    lines = "els => els.map(e => e.getAttribute('d')).join(' ')"
    before = figure.locator(".scatterlayer path.js-line").evaluate_all(lines)
    title = figure.locator(".annotation-text").first.text_content()
    assert title.startswith("hip 0°: upright")
    rail = figure.locator(".slider-rail-touch-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.95, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "t => document.querySelector('.hinge-static-explorer .annotation-text').textContent"
        " !== t", arg=title, timeout=10_000)
    assert not figure.locator(".annotation-text").first.text_content().startswith("hip 0°")
    assert figure.locator(".scatterlayer path.js-line").evaluate_all(lines) != before
    assert "run-live.html" in page.locator(".hinge-live-note a").first.get_attribute("href")
    assert seen["console"] == [] and seen["errors"] == []


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.browser
def test_a_quiz_checks_answers_in_the_browser(learner_site, serve, page):
    base = serve(learner_site)
    _open_offline(page, base, "09-check-yourself.html")
    quiz = page.locator("form.hinge-quiz[data-kind='radio']").first
    feedback = quiz.locator(".hinge-quiz-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    quiz.locator(".hinge-quiz-check").click()
    assert "Pick an option" in feedback.inner_text()
    verdicts = []
    for i in range(quiz.locator("input").count()):
        quiz.locator("input").nth(i).check()
        quiz.locator(".hinge-quiz-check").click()
        verdicts.append(feedback.inner_text())
    assert sum(v.startswith("\u2714 Correct") for v in verdicts) == 1, verdicts
    assert all(v.startswith(("\u2714", "\u2718")) for v in verdicts)


def _axe_script() -> Path:
    code = ("import pathlib, axe_playwright_python as a; "
            "print(pathlib.Path(a.__file__).parent / 'axe.min.js')")
    out = subprocess.run([str(_venv_python()), "-c", code], capture_output=True, text=True)
    path = Path(out.stdout.strip()) if out.returncode == 0 else None
    if path is None or not path.is_file():
        pytest.fail("axe-core not found: `python3 tasks.py book` installs axe-playwright-python "
                    "(the book extra) into .venv", pytrace=False)
    return path


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.browser
def test_no_book_page_has_serious_or_critical_accessibility_violations(learner_visits,
                                                                       learner_site,
                                                                       instructor_site,
                                                                       serve, browser):
    found = [f"learner/{name}: {json.dumps(v)}"
             for name, visit in learner_visits.items() for v in visit.violations]
    # the instructor's edition differs from the learner's only by the guide and the answer
    # keys: the guide is checked whole, and on the other pages the keys (the rest of each
    # page is a learner's page, checked above, so its figures need not be drawn again)
    learner_pages = {path.name for path in _pages(learner_site)}
    assert set(learner_visits) == learner_pages
    guide = [path for path in _pages(instructor_site) if path.name not in learner_pages]
    keyed = [path for path in _pages(instructor_site) if path.name in learner_pages
             and "hinge-quiz-key" in path.read_text(encoding="utf-8")]
    assert [path.name for path in guide] == [_page_of(GUIDE)] and len(keyed) >= 5
    base, axe = serve(instructor_site), _axe_script()
    for path in guide + keyed:
        visit = _visit(browser, base, path, axe, figures=False,
                       only="" if path in guide else ".hinge-quiz-key")
        found += [f"instructor/{path.name}: {json.dumps(v)}" for v in visit.violations]
    assert found == [], "\n".join(found)


# ---------------------------------------------------------------- on paper


@pytest.mark.slow
@pytest.mark.book
def test_the_book_links_every_handout_on_both_papers(learner_site):
    from hinge_lib.course import handouts

    page = (learner_site / "handouts.html").read_text(encoding="utf-8")
    for stem, title in handouts.HANDOUTS.items():
        assert title in page
        for paper in handouts.PAPERS:
            href = f"_static/handouts/{stem}-{paper}.pdf"
            assert f'href="{href}"' in page
            assert (learner_site / href).read_bytes().startswith(b"%PDF-")
    footer = (learner_site / _page_of(LEARNER_NOTEBOOKS[3])).read_text(encoding="utf-8")
    assert 'href="handouts.html">printable handouts</a>' in footer


def _letters(text: str) -> str:
    """Only the letters and digits of a text, ligatures undone."""
    import unicodedata

    return re.sub(r"\W", "", unicodedata.normalize("NFKC", text))


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.browser
def test_printed_pages_keep_every_cell_and_figure_inside_the_paper(learner_visits):
    cut = [f"{name}: {c}" for name, visit in learner_visits.items() for c in visit.printed_cut]
    assert cut == [], "\n".join(cut)


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_coaching_plan_printed_to_pdf_has_no_sidebar_buttons_or_cut_text(
        learner_site, serve, page, paper):
    """Printed as a reader would: the page opened on a desktop screen, then Print."""
    pdfplumber = pytest.importorskip("pdfplumber")
    import io

    from pypdf import PdfReader

    base = serve(learner_site)
    name = next(_page_of(n) for n in LEARNER_NOTEBOOKS if "coaching-plan" in n)
    _open_offline(page, base, name)
    page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                           ".every(d => d.querySelector('.main-svg'))", timeout=30_000)
    title = page.locator(".bd-article h1").first.text_content().strip(" #\n")
    cells = [" ".join(c.split()) for c in page.locator(".bd-article td").all_text_contents()]
    pdf = page.pdf(format=paper, print_background=True)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        count = len(doc.pages)
        outside = [c["text"] for p in doc.pages for c in p.chars
                   if c["x0"] < 0 or c["x1"] > p.width or c["top"] < 0 or c["bottom"] > p.height]
    assert not outside, f"text off the paper: {''.join(outside)[:80]!r}"
    assert title in text
    # the page's own words only: no site title of the header or sidebar, no code toggles
    for chrome in ("learner's edition", "Show code cell source", "Skip to main content"):
        assert chrome not in text, chrome
    # no cell cut short to "...", and every cell printed whole (a long cell wraps over lines
    # and the PDF keeps ligatures such as "fi" as one letter, so compare letters and digits)
    assert cells and not [c for c in cells if c.endswith("...")]
    flat = _letters(text)
    missing = [c for c in cells if _letters(c) not in flat]
    assert not missing, f"{len(missing)} cells not printed whole, e.g. {missing[0][:60]!r}"
    assert count >= 1


# ---------------------------------------------------------------- the builders the book uses


def test_the_sweep_figure_has_one_frame_per_angle_drawn_like_the_explorer():
    from hinge_lib import Pose, analyze
    from hinge_lib.view import figures
    from hinge_lib.view.static_explorer import sweep_figure

    fig = sweep_figure(Pose(knee=15), "hip", [0, 45, 90], active=1)
    assert [f.name for f in fig.frames] == ["0", "1", "2"]
    assert fig.layout.sliders[0].active == 1
    for frame, hip in zip(fig.frames, (0, 45, 90), strict=True):
        expected = figures.trace_data(analyze(Pose(knee=15, hip=hip)))
        body = figures.TRACE_NAMES.index("body")
        assert list(frame.data[body].x) == expected[body]["x"]
        title = frame.layout.annotations[0].text
        assert title.startswith(f"hip {hip}°: ")
        assert analyze(Pose(knee=15, hip=hip)).pattern in title
    # the first drawing is the active frame's
    assert list(fig.data[figures.TRACE_NAMES.index("body")].x) == list(fig.frames[1].data[
        figures.TRACE_NAMES.index("body")].x)


@pytest.mark.parametrize("kwargs, words", [
    ({"joint": "elbow"}, "joint must be one of"),
    ({"joint": "hip", "values": [0, 400]}, "hip values [400.0] are outside"),
    ({"joint": "hip", "values": []}, "at least one angle"),
])
def test_the_sweep_figure_rejects_bad_input_naming_it(kwargs, words):
    from hinge_lib.view.static_explorer import sweep_figure

    with pytest.raises(ValueError) as info:
        sweep_figure(**kwargs)
    assert words in str(info.value)


def _unscramble(b64: str, key: str) -> str:
    import base64

    raw, k = base64.b64decode(b64), key.encode()
    return bytes(b ^ k[i % len(k)] for i, b in enumerate(raw)).decode()


def test_taking_the_keys_out_of_a_revealed_quiz_gives_the_learners_quiz():
    from hinge_lib.course import questions
    from hinge_lib.course.quiz_html import quiz_html, without_answer_keys

    # the bank's questions with written options (the others get theirs from the model when
    # a page runs), a number question, and one with a note per option
    bank = [q for q in questions.all_questions() if isinstance(q.get("options"), list)]
    assert len(bank) >= 5
    bank += [{"id": "n1", "prompt": "How far?", "answer": 12.0, "tolerance": 2, "unit": "cm",
              "explanation": "About <12> cm & no more."},
             {"id": "q1", "prompt": "Which?", "options": ["a <b>", "c"], "answer": 0,
              "explanations": ["first & best", "no"]}]
    for question in bank:
        revealed = quiz_html(question, reveal=True)
        assert "hinge-quiz-key" in revealed, question["id"]
        assert without_answer_keys(revealed) == quiz_html(question), question["id"]


def test_a_learners_page_is_copied_from_the_instructors_only_when_the_code_is_the_same():
    import build
    import nbformat

    from hinge_lib.course import questions
    from hinge_lib.course.quiz_html import quiz_html

    question = next(q for q in questions.all_questions() if isinstance(q.get("options"), list))
    staged = nbformat.v4.new_notebook()
    staged.cells = [nbformat.v4.new_markdown_cell("# A page"),
                    nbformat.v4.new_code_cell("quiz()"), nbformat.v4.new_code_cell("x = 1")]
    ran = nbformat.v4.new_notebook(cells=[nbformat.from_dict(dict(c)) for c in staged.cells])
    ran.cells[1].execution_count = 1
    ran.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": quiz_html(question, reveal=True),
                              "text/plain": "<quiz>"})]
    learner = build.learners_copy(staged, ran)
    assert learner.cells[0].source == "# A page" and learner.cells[1].execution_count == 1
    assert learner.cells[1].outputs[0]["data"]["text/html"] == quiz_html(question)
    assert "hinge-quiz-key" in ran.cells[1].outputs[0]["data"]["text/html"]  # left as it was
    staged.cells[2].source = "x = 2"  # the learner's page runs other code: it runs itself
    assert build.learners_copy(staged, ran) is None


def test_a_learners_quiz_hides_the_answer_and_its_explanation_until_answered():
    from hinge_lib.course.quiz_html import _fnv1a, quiz_html

    question = {"id": "hinge-7", "notebook": "01-what-is-a-hinge.ipynb",
                "prompt": "Which joints bend most in a hinge?",
                "options": ["Knees", "Hips", "Ankles", "Hips and upper back"],
                "answer": [1], "explanation": "The hips fold; the spine keeps its shape."}
    page = quiz_html(question)
    assert 'type="checkbox"' in page and "tick all that apply" in page
    assert "spine keeps its shape" not in page and "Answer key" not in page
    digest = re.search(r'data-hash="([0-9a-f]{8})"', page).group(1)
    assert digest == _fnv1a("hinge-quiz|hinge-7|1") != _fnv1a("hinge-quiz|hinge-7|0")
    secret = re.search(r'data-secret="([^"]+)"', page).group(1)
    assert _unscramble(secret, "hinge-7|1") == question["explanation"]
    shown = quiz_html(question, reveal=True)
    assert "Answer key" in shown and "Hips. The hips fold" in shown


def test_a_number_quiz_and_bad_question_entries():
    from hinge_lib.course.quiz_html import quiz_html

    page = quiz_html({"id": "n1", "prompt": "How far?", "answer": 12.0, "tolerance": 2,
                      "unit": "cm"})
    assert 'data-kind="number"' in page and "12" not in page.replace("n1", "")
    for bad, words in [({"id": "q", "prompt": "?", "options": ["a", "b"], "answer": 5},
                        "question 'q': answer 5 is outside the 2 options"),
                       ({"id": "", "prompt": "?", "options": ["a", "b"], "answer": 0},
                        "question id must be a non-empty string"),
                       ({"id": "q", "prompt": "?", "options": ["a", "b"], "answer": "c"},
                        "must be an option index")]:
        with pytest.raises(ValueError) as info:
            quiz_html(bad)
        assert words in str(info.value)


def test_per_option_notes_are_stored_scrambled_with_their_own_option():
    from hinge_lib.course.quiz_html import quiz_html

    page = quiz_html({"id": "q9", "prompt": "?", "options": ["Wheel", "Arrow key"],
                      "answer": 1, "explanations": ["It scrolls the page.", "One degree."]})
    notes = re.findall(r'value="(\d)" data-note="([^"]+)"', page)
    assert [_unscramble(n, f"q9|{i}") for i, n in notes] == ["It scrolls the page.",
                                                            "One degree."]
    assert "scrolls" not in page
    with pytest.raises(ValueError, match="one entry per option"):
        quiz_html({"id": "q9", "prompt": "?", "options": ["a", "b"], "answer": 1,
                   "explanations": ["only one"]})


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.book
def test_on_a_phone_the_menu_opens_and_figures_fit_the_column(learner_site, serve, browser):
    """390 x 844 with touch: the visible menu button opens the table of contents (the theme
    wired only a hidden twin of it), and every figure is drawn within the text column."""
    base = serve(learner_site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    try:
        seen = _open_offline(page, base, "02-hinge-vs-squat.html")
        assert seen["blocked"] == [] and seen["errors"] == []
        page.wait_for_function(
            "() => [...document.querySelectorAll('.cell_output .plotly-graph-div')]"
            ".every(p => p.getBoundingClientRect().width <= 390)", timeout=15_000)
        boxes = page.eval_on_selector_all(
            ".cell_output .plotly-graph-div",
            "ps => ps.map(p => { const r = p.getBoundingClientRect(); return [r.x, r.right]; })")
        assert boxes and all(x >= 0 and right <= 390 for x, right in boxes), boxes
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
        toc = page.locator(".bd-sidenav a").first
        assert not toc.is_visible()
        (button,) = [b for b in page.locator(".primary-toggle").all() if b.is_visible()]
        button.tap()
        toc.wait_for(state="visible", timeout=5_000)
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    finally:
        context.close()
