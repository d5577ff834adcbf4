"""Build the course website: execute the notebooks and turn them into a static book.

    python book/build.py [--instructor | --both] [--out DIR]

Run it with the project's environment that has the ``book`` extra (``python3 tasks.py book``
does that). Steps:

1. stage: copy the notebooks in course order into ``<out>/src``; the learner's edition
   (default) leaves out the instructor guide, answer-key cells (tag ``answer-key`` or
   ``instructor-only``, or a call of ``answer_key_html``) and links to left-out pages;
   source ids become article titles; a page without a "Sources" section gets one;
2. execute every notebook in a kernel switched to book mode (``book_support.py``): plotly
   figures use one shared ``plotly.min.js``, widgets become static snapshots, figures with
   plotly sliders or browser quizzes. A failing cell stops the build, naming the notebook
   and the cell;
3. write the printable handouts (``hinge_lib/course/handouts.py``) and a page linking them,
   then ``jupyter-book build`` with warnings as errors and nitpicky references (no link
   check over the network);
4. check the site: every internal link, script, style sheet and image resolves (anchors
   included) and nothing is loaded from another host.

The last line printed is the path of the site's ``index.html``. ``--both`` builds the two
editions into ``<out>/learner`` and ``<out>/instructor`` and prints both paths, the learner's
first: each notebook runs once, in the instructor's edition, and the learner's page is that
page without its answer keys wherever the two editions run the same code (a notebook whose
code differs runs again for the learner).
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(BOOK))
sys.path.insert(0, str(ROOT))

import book_support  # noqa: E402

INSTRUCTOR_ONLY = {"12-instructor-guide.ipynb"}
ANSWER_KEY_TAGS = {"answer-key", "instructor-only"}
ANSWER_KEY_CALL = re.compile(r"\banswer_key_html\s*\(")
CELL_TIMEOUT_S = 600


class BuildError(RuntimeError):
    """The build cannot go on; the message says where and why."""


# ---------------------------------------------------------------- staging


def course_notebooks(instructor: bool) -> list[Path]:
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise BuildError(f"no notebooks found in {NOTEBOOKS}")
    return [p for p in found if instructor or p.name not in INSTRUCTOR_ONLY]


def is_answer_key(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & ANSWER_KEY_TAGS) or (
        cell.cell_type == "code" and bool(ANSWER_KEY_CALL.search(cell.source)))


def unlink_pages(text: str, left_out: set[str]) -> str:
    """Keep the words of markdown links to pages that are not in this edition."""
    for name in left_out:
        text = re.sub(r"\[([^\]]*)\]\(" + re.escape(name) + r"(#[^)]*)?\)", r"\1", text)
    return text


def markdown_sources(text: str) -> str:
    text = re.sub(r"`([Ss]eed_\d{3})`", r"\1", text)
    return book_support.replace_source_ids(text, "markdown")


def sources_cell_text(keys: list[str]) -> str:
    lines = ["## Sources", ""]
    for key in keys:
        entry = book_support.sources()[key]
        lines.append(f"- *{book_support.source_title(key)}*: {entry['citation']}")
    lines.append("- The numbers of the model and where each comes from: "
                 "[all sources of the course](sources.md).")
    return "\n".join(lines)


def stage_notebook(path: Path, left_out: set[str], instructor: bool):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    cited = book_support.cited_keys(text)
    cells = []
    for cell in nb.cells:
        if not instructor and is_answer_key(cell):
            continue
        if "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue  # checks that keep the text honest, not for readers
        if cell.cell_type == "markdown":
            cell.source = markdown_sources(unlink_pages(cell.source, left_out))
        elif cell.cell_type == "code":
            tags = list(cell.metadata.get("tags", []))
            if "hide-input" not in tags:
                cell.metadata["tags"] = [*tags, "hide-input"]
        cells.append(cell)
    has_sources = any(c.cell_type == "markdown" and re.search(r"^#+\s*Sources\b", c.source, re.M)
                      for c in cells)
    if not has_sources:
        cells.append(nbformat.v4.new_markdown_cell(sources_cell_text(cited)))
    nb.cells = cells
    return nb


# ---------------------------------------------------------------- execution


def kernel_env(scratch: Path, page: str, edition: str) -> dict[str, str]:
    ipython = scratch / "ipython"
    startup = ipython / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BOOK / "kernel_startup.py", startup / "00-book-mode.py")
    env = dict(os.environ)
    for var, sub in {"JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
                     "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "XDG_CONFIG_HOME": "xdg-config",
                     "XDG_CACHE_HOME": "xdg-cache", "MPLCONFIGDIR": "matplotlib"}.items():
        (scratch / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(scratch / sub)
    env.update(IPYTHONDIR=str(ipython), JUPYTER_PLATFORM_DIRS="1", HINGE_BOOK_DIR=str(BOOK),
               HINGE_BOOK_PAGE=page, HINGE_BOOK_EDITION=edition, PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def failing_cell(nb) -> tuple[int, str]:
    """(index among all cells, error text) of the first cell with an error output."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, f"{out.get('ename')}: {out.get('evalue')}"
    return -1, ""


def execute(name: str, nb, scratch: Path, edition: str):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    # widget state is collected (nbclient's Output-widget capture needs it) and dropped below:
    # the book shows static snapshots instead of widget views
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}},
                            record_timing=False)
    env = kernel_env(scratch / Path(name).stem, Path(name).stem, edition)
    try:
        # the kernel's stderr only carries start-up chatter; cell errors arrive as messages
        client.execute(env=env, cwd=str(NOTEBOOKS), stderr=subprocess.DEVNULL)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        index, error = failing_cell(nb)
        where = f"cell {index + 1} of {len(nb.cells)}" if index >= 0 else "a cell"
        source = nb.cells[index].source if index >= 0 else ""
        first = "\n".join("    " + line for line in source.splitlines()[:6])
        raise BuildError(f"notebooks/{name}: {where} failed to execute: "
                         f"{error or type(exc).__name__}\n{first}") from None
    except Exception as exc:  # noqa: BLE001 - any other failure still names the notebook
        raise BuildError(f"notebooks/{name}: execution stopped: {type(exc).__name__}: "
                         f"{exc}") from exc
    nb.metadata.pop("widgets", None)
    return nb


def tidy_outputs(nb) -> None:
    """What the reader sees: source ids become titles in outputs and code, and the library's
    warnings (printed to stderr, with file paths) stay out of the page; the notebooks'
    own messages to learners are printed to stdout or shown as HTML."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = book_support.replace_source_ids(cell.source, "plain")
        cell.outputs = [out for out in cell.get("outputs", [])
                        if not (out.get("output_type") == "stream" and out.get("name") == "stderr")]
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = book_support.replace_source_ids(out["text"], "plain")
            data = out.get("data", {})
            data.pop("application/vnd.jupyter.widget-view+json", None)
            for mime, value in data.items():
                if isinstance(value, str):
                    style = {"text/html": "html", "text/markdown": "markdown"}.get(mime, "plain")
                    data[mime] = book_support.replace_source_ids(value, style)


# ---------------------------------------------------------------- book files


def write_static(src: Path) -> None:
    import plotly

    from hinge_lib.course.quiz_html import QUIZ_CSS, QUIZ_JS

    static = src / "_static"
    static.mkdir(parents=True, exist_ok=True)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not plotly_js.is_file():
        raise BuildError(f"plotly.min.js not found in the plotly package ({plotly_js})")
    shutil.copyfile(plotly_js, static / "plotly.min.js")
    (static / "quiz.js").write_text(QUIZ_JS.lstrip(), encoding="utf-8")
    css = (BOOK / "static" / "book.css").read_text(encoding="utf-8")
    (static / "book.css").write_text(css + QUIZ_CSS, encoding="utf-8")
    for name in ("print.css", "print.js"):
        shutil.copyfile(BOOK / "static" / name, static / name)
    shutil.copyfile(BOOK / "static" / "favicon.svg", src / "favicon.svg")
    shutil.copyfile(BOOK / "page_scripts.py", src / "page_scripts.py")  # see _config.yml
    for name in ("phone.js", "phone.css"):  # the menu and the figures on a phone
        shutil.copyfile(BOOK / "static" / name, static / name)


def write_pages(src: Path, instructor: bool) -> None:
    articles, others = [], []
    for entry in book_support.sources().values():
        if entry.get("title"):
            articles.append(f"- *{entry['title']}*: {entry['citation']}")
        else:
            others.append(f"- {entry['citation']}")
    (src / "sources.md").write_text(
        "# Sources\n\n"
        "## The articles the course is built on\n\n" + "\n".join(articles) + "\n\n"
        "## Published sources of the model's numbers\n\n"
        "Every number the model uses is in a table in `data/`, with the source named beside "
        "it.\n\n" + "\n".join(others) + "\n", encoding="utf-8")
    shutil.copyfile(BOOK / "run-live.md", src / "run-live.md")


def write_handouts(src: Path, made: list | None = None) -> list:
    """The printable handouts (hinge_lib/course/handouts.py) as files of the site, and the
    page that links them, each on A4 and US Letter with its page count; return them.
    ``made``: the handouts another edition wrote (the same for both), copied instead."""
    import dataclasses

    from hinge_lib.course import handouts

    folder = src / "_static" / "handouts"
    if made is None:
        made = handouts.build(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        made = [dataclasses.replace(h, path=Path(shutil.copy2(h.path, folder / h.path.name)))
                for h in made]
    lines = ["# Printable handouts", "",
             "The lesson plans, the assessment checklist, one card per drill and the table of "
             "faults and cues, ready to print and hand out. They are made from the same data "
             "as these pages, and the drill pictures are drawn by the course's model; "
             "`python3 tasks.py handouts` makes them again after you change the data.", ""]
    for stem, title in handouts.HANDOUTS.items():
        links = []
        for h in (h for h in made if h.handout == stem):
            paper = "A4" if h.paper == "a4" else "US Letter"
            pages = f"{h.pages} page{'s' if h.pages != 1 else ''}"
            links.append(f'<a href="_static/handouts/{h.path.name}">{paper} (PDF, {pages})</a>')
        lines.append(f"- **{title}**: {', '.join(links)}")
    lines += ["", "To print a page of this website itself, use the browser's Print: the "
              "sidebars and buttons are left out and tables wrap to the width of the paper."]
    (src / "handouts.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return made


def write_config(src: Path, pages: list[str], instructor: bool) -> None:
    edition = "instructor's edition" if instructor else "learner's edition"
    config = (BOOK / "_config.yml").read_text(encoding="utf-8")
    (src / "_config.yml").write_text(config.replace("@EDITION@", edition), encoding="utf-8")
    lines = ["format: jb-book", f"root: {Path(pages[0]).stem}", "chapters:"]
    lines += [f"- file: {Path(p).stem}" for p in pages[1:]]
    lines += ["- file: sources", "- file: handouts", "- file: run-live"]
    (src / "_toc.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- site check


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if a.get(attr) is not None:
                self.refs.append((tag, a[attr]))


def check_site(site: Path) -> list[str]:
    """Problems with the built site: broken internal links and resources from other hosts."""
    pages = {p: p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html")
             if "_static" not in p.relative_to(site).parts}  # _static holds theme templates
    parsed = {}
    for path, text in pages.items():
        parser = _Links()
        parser.feed(text)
        parsed[path.resolve()] = parser
    problems = []
    for path, parser in parsed.items():
        rel = path.relative_to(site.resolve())
        for tag, ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https") or ref.startswith("//"):
                if tag != "a":
                    problems.append(f"{rel}: <{tag}> loads {ref} from another host")
                continue
            if parts.scheme in ("mailto", "data", "javascript") or not ref.strip():
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{rel}: broken link {ref}")
                continue
            if parts.fragment and target.suffix == ".html" and tag == "a":
                ids = parsed.get(target)
                if ids is not None and unquote(parts.fragment) not in ids.ids:
                    problems.append(f"{rel}: link {ref} points at a missing anchor")
    return problems


# ---------------------------------------------------------------- main


THEBE_TAGS = re.compile(r'[ \t]*<script>const THEBE_JS_URL = [^<]*</script>\n?'
                        r'|[ \t]*<script async="async" src="_static/sphinx-thebe\.js[^"]*">'
                        r'</script>\n?'
                        r'|[ \t]*<link [^>]*href="_static/sphinx-thebe\.css[^"]*" />\n?')


def prune(site: Path) -> None:
    """Drop what a reader never loads or must not load: source maps of the theme's bundles,
    the theme's translation catalogues (used while building only), and the live-code
    launcher (thebe), which the book does not use: its script fetches a library from a
    CDN when started and is included twice per page, which the browser reports as an
    error."""
    shutil.rmtree(site / "_static" / "locales", ignore_errors=True)
    for path in list(site.joinpath("_static").rglob("*.map")):
        path.unlink(missing_ok=True)
    for path in site.joinpath("_static").glob("sphinx-thebe.*"):
        path.unlink()
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        tidy = THEBE_TAGS.sub("", text)
        if tidy != text:
            page.write_text(tidy, encoding="utf-8")


def site_size(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def stage(instructor: bool) -> dict[str, object]:
    """The notebooks of one edition, staged (see :func:`stage_notebook`), in course order."""
    paths = course_notebooks(instructor)
    left_out = {p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))} - {
        p.name for p in paths}
    return {p.name: stage_notebook(p, left_out, instructor) for p in paths}


def execute_all(staged: dict, scratch: Path, edition: str, jobs: int) -> dict[str, object]:
    """Execute staged notebooks, ``jobs`` at a time; the first failure stops the build."""
    executed = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {name: pool.submit(execute, name, copy.deepcopy(nb), scratch, edition)
                   for name, nb in staged.items()}
        for name, future in futures.items():
            try:
                executed[name] = future.result()
            except BuildError:
                for other in futures.values():
                    other.cancel()
                raise
            print(f"  executed {name} ({edition}'s edition)", flush=True)
    return executed


def _code_sources(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def learners_copy(staged, executed) -> object | None:
    """The learner's page made from the instructor's executed notebook, or None when it
    cannot be: the two staged notebooks must run the same code, cell for cell (so the learner's
    kernel would print the same), and only the quizzes' answer keys are taken out of the
    outputs (the one thing the edition changes in a kernel, see ``book_support.widget_html``).
    """
    from hinge_lib.course.quiz_html import without_answer_keys

    if _code_sources(staged) != _code_sources(executed):
        return None
    nb = copy.deepcopy(staged)
    done = iter([c for c in executed.cells if c.cell_type == "code"])
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        ran = next(done)
        cell.execution_count = ran.execution_count
        cell.outputs = copy.deepcopy(ran.outputs)
        for out in cell.outputs:
            data = out.get("data", {})
            for mime, value in data.items():
                if isinstance(value, str):
                    data[mime] = without_answer_keys(value)
            if "text" in out:
                out["text"] = without_answer_keys(out["text"])
    return nb


def write_site(executed: dict, instructor: bool, out: Path,
               handouts: list | None = None) -> tuple[Path, float, list]:
    """Write one edition's book from its executed notebooks, build and check it; return the
    site's index.html, the seconds jupyter-book took and the handouts (``handouts``: those
    of the other edition, copied, see :func:`write_handouts`)."""
    import nbformat

    edition = "instructor" if instructor else "learner"
    src = out / "src"
    for folder in (src, out / "_build"):
        shutil.rmtree(folder, ignore_errors=True)
    src.mkdir(parents=True)
    for name, nb in executed.items():
        nb = copy.deepcopy(nb)
        tidy_outputs(nb)
        nbformat.write(nb, src / name)
    write_static(src)
    write_pages(src, instructor)
    handouts = write_handouts(src, handouts)
    write_config(src, list(executed), instructor)

    t = time.monotonic()
    jb = Path(sys.executable).parent / ("jupyter-book.exe" if os.name == "nt" else "jupyter-book")
    cmd = [str(jb), "build", str(src), "--path-output", str(out), "--builder", "html",
           "--warningiserror", "--nitpick", "--keep-going", "--quiet"]
    env = kernel_env(out / "scratch" / "jupyter-book", "", edition)
    result = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError("jupyter-book build failed (warnings count as errors):\n"
                         + result.stdout[-6000:] + result.stderr[-6000:])
    built_s = time.monotonic() - t

    site = out / "_build" / "html"
    prune(site)
    problems = check_site(site)
    if problems:
        raise BuildError("the site has broken links or loads files from other hosts:\n  "
                         + "\n  ".join(problems[:50]))
    index = site / "index.html"
    if not index.is_file():
        raise BuildError(f"the build made no {index}")
    return index, built_s, handouts


def _report(edition: str, index: Path, notebooks: int, executed_s: float, built_s: float,
            started: float) -> None:
    site = index.parent
    pages = len(list(site.glob("*.html")))
    print(f"{edition}'s edition: {notebooks} notebooks, {pages} pages, "
          f"{site_size(site) / 1e6:.1f} MB; executed in {executed_s:.0f} s, "
          f"built in {built_s:.0f} s, total {time.monotonic() - started:.0f} s", flush=True)


def build(instructor: bool, out: Path, jobs: int = 2) -> Path:
    """Build one edition into ``out``; return its index.html."""
    edition = "instructor" if instructor else "learner"
    started = time.monotonic()
    shutil.rmtree(out / "scratch", ignore_errors=True)
    staged = stage(instructor)
    print(f"executing {len(staged)} notebooks ({edition}'s edition)", flush=True)
    t = time.monotonic()
    executed = execute_all(staged, out / "scratch", edition, jobs)
    executed_s = time.monotonic() - t
    index, built_s, _ = write_site(executed, instructor, out)
    _report(edition, index, len(staged), executed_s, built_s, started)
    return index


def build_both(out: Path, jobs: int = 2) -> list[Path]:
    """Build the learner's edition into ``out/learner`` and the instructor's into
    ``out/instructor``, executing each notebook once where the two editions run the same
    code (see :func:`learners_copy`); return both index.html paths, learner's first."""
    started = time.monotonic()
    shutil.rmtree(out / "scratch", ignore_errors=True)
    teacher, learner = stage(True), stage(False)
    print(f"executing {len(teacher)} notebooks (both editions)", flush=True)
    t = time.monotonic()
    executed = execute_all(teacher, out / "scratch" / "instructor", "instructor", jobs)
    copies = {name: learners_copy(nb, executed[name]) if name in executed else None
              for name, nb in learner.items()}
    again = {name: learner[name] for name, nb in copies.items() if nb is None}
    if again:
        print(f"executing {len(again)} notebooks again for the learner's edition "
              "(their code differs)", flush=True)
        copies.update(execute_all(again, out / "scratch" / "learner", "learner", jobs))
    executed_s = time.monotonic() - t
    indexes, handouts = [], None
    for instructor, notebooks in ((False, copies), (True, executed)):
        edition = "instructor" if instructor else "learner"
        index, built_s, handouts = write_site(notebooks, instructor, out / edition, handouts)
        _report(edition, index, len(notebooks), executed_s, built_s, started)
        indexes.append(index)
    return indexes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instructor", action="store_true",
                        help="the instructor's edition: with the guide and the answer keys")
    parser.add_argument("--both", action="store_true",
                        help="both editions, into <out>/learner and <out>/instructor, each "
                             "notebook executed once (prints both index.html paths)")
    parser.add_argument("--out", type=Path, default=None,
                        help="build folder (default book/_build/<edition>, or book/_build "
                             "with --both)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once")
    args = parser.parse_args(argv)
    if args.both and args.instructor:
        parser.error("--both already builds the instructor's edition; leave out --instructor")
    try:
        if args.both:
            indexes = build_both((args.out or BOOK / "_build").resolve(), jobs=args.jobs)
        else:
            out = args.out or BOOK / "_build" / ("instructor" if args.instructor else "learner")
            indexes = [build(args.instructor, out.resolve(), jobs=args.jobs)]
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    for index in indexes:
        print(html.unescape(str(index)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
