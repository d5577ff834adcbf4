"""Notebooks that need the optional video extra are skipped, with the reason, on Pythons the
extra does not support (MediaPipe 0.10.21 has wheels for Python 3.9-3.12 only). On supported
Pythons they always run: a missing extra then fails with the install command."""

from __future__ import annotations

import sys

import pytest

VIDEO_NOTEBOOKS = ("14-film-your-hinge.ipynb",)


def pytest_collection_modifyitems(config, items):
    if tuple(sys.version_info[:2]) < (3, 13):
        return
    reason = (f"needs the video extra: MediaPipe 0.10.21 has no wheels for Python "
              f"{sys.version_info[0]}.{sys.version_info[1]} (only 3.9 to 3.12)")
    for item in items:
        if item.path.name in VIDEO_NOTEBOOKS:
            item.add_marker(pytest.mark.skip(reason=reason))
