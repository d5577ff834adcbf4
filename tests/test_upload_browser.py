"""The upload box on a real Voila page: a recording is analysed, a file over the page's
message limit is refused with a message (instead of closing the connection and losing the
file), the old result is cleared, and the box keeps working afterwards."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
MESSAGE = ".hinge-upload-message"
INPUT = "input.hinge-upload-input"

CODE = """\
from hinge_lib.widgets.upload import upload_checker

upload_checker()
"""


def wait_for_message(page, words: str, timeout_ms: float = 120_000) -> str:
    page.wait_for_function(
        "([sel, words]) => [...document.querySelectorAll(sel)]"
        ".some(e => e.textContent.includes(words))",
        arg=[MESSAGE, words], timeout=timeout_ms)
    return page.locator(MESSAGE).first.inner_text()


@pytest.mark.browser
@pytest.mark.slow
def test_upload_box_in_voila_refuses_a_file_over_the_limit_and_keeps_working(
        tmp_path, voila_server, page):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(CODE)]
    notebook = tmp_path / "upload.ipynb"
    nbformat.write(nb, notebook)
    url, _ = voila_server(notebook)
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(INPUT, state="attached", timeout=120_000)
    assert "up to 10.4 MB" in page.locator(".hinge-upload-label").inner_text()

    good = (SAMPLES / "kinovea_hinge.csv").read_bytes()
    page.set_input_files(INPUT, files=[{"name": "k.csv", "mimeType": "text/csv",
                                        "buffer": good}])
    wait_for_message(page, "3 repetitions found")
    page.wait_for_selector(".js-plotly-plot", state="attached", timeout=60_000)

    huge = b"time,hip,knee\n" + b"0.00,1.0,2.0\n" * 900_000  # 11.7 MB
    page.set_input_files(INPUT, files=[{"name": "huge.csv", "mimeType": "text/csv",
                                        "buffer": huge}])
    text = wait_for_message(page, "over the 10.4 MB limit")
    assert "huge.csv" in text
    assert "not sent" in page.locator(".hinge-upload-status").inner_text()
    assert page.locator(".js-plotly-plot").count() == 0  # the old result is gone

    page.set_input_files(INPUT, files=[{"name": "again.csv", "mimeType": "text/csv",
                                        "buffer": good}])
    assert "again.csv: 3 repetitions found" in wait_for_message(page, "again.csv: 3 repetitions")
