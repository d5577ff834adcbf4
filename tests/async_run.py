"""Run a coroutine to completion from a test, whatever else the test worker is running.

The session's Playwright browser (``conftest.browser``) keeps an event loop running in the
worker's main thread once any test has used it, and ``asyncio.run`` refuses to start a second
loop there. `run` gives the coroutine a fresh loop in its own thread instead, so a test's
result does not depend on which test files ran before it on the same worker.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a new event loop in a worker thread and return its result."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
