"""A private copy of data/ for tests that break a table on purpose.

Every table the library reads is cached, so the caches of the whole package are cleared
before and after: found by looking for ``cache_clear`` rather than listed by hand, so a new
cached table cannot be forgotten.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hinge_lib.model import tables


def clear_cached_tables() -> None:
    """Forget every cached table and derived value of the loaded hinge_lib modules."""
    for name, module in list(sys.modules.items()):
        if name == "hinge_lib" or name.startswith("hinge_lib."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def copied_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fixture body: copy data/ into ``tmp_path``, point the library at it, clean up."""
    folder = tmp_path / "data"
    shutil.copytree(tables.DATA_DIR, folder)
    monkeypatch.setattr(tables, "DATA_DIR", folder)
    clear_cached_tables()
    yield folder
    monkeypatch.undo()
    clear_cached_tables()
