"""The docstring examples show plain Python values, so they read the same on every NumPy.

NumPy 2 prints a NumPy scalar as ``np.True_`` or ``np.float64(0.5)`` where NumPy 1 printed
``True`` or ``0.5``; an example that shows one passes on one version and fails on the other.
This test runs every example of the library (as ``--doctest-modules`` does) and fails when an
example whose output is shown evaluates to a NumPy scalar, wherever it sits (inside tuples,
lists and dicts too), so the examples hold on the NumPy installed with or without the video
extra.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from collections.abc import Iterator

import numpy as np
import pytest

import hinge_lib


def _modules() -> Iterator[str]:
    yield hinge_lib.__name__
    for info in pkgutil.walk_packages(hinge_lib.__path__, prefix=f"{hinge_lib.__name__}."):
        yield info.name


def _docstring_tests() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for test in finder.find(module):
            if test.examples and test.name not in found:
                found[test.name] = test
    return sorted(found.values(), key=lambda t: t.name)


def numpy_scalars(value: object, where: str = "value") -> list[str]:
    """Where ``value`` holds a NumPy scalar (whose printed form depends on the NumPy version)."""
    if isinstance(value, np.generic):
        return [f"{where} is {type(value).__name__}"]
    if isinstance(value, (tuple, list)):
        return [hit for i, item in enumerate(value) for hit in numpy_scalars(item, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [hit for key, item in value.items()
                for hit in numpy_scalars(item, f"{where}[{key!r}]")]
    return []


def test_numpy_scalars_are_found():
    hits = numpy_scalars((True, [np.bool_(True)], {"a": np.float64(1.0)}))
    assert [hit.split(" is ")[0] for hit in hits] == ["value[1][0]", "value[2]['a']"]
    assert numpy_scalars((True, 1.0, "x", [1, 2])) == []


TESTS = _docstring_tests()


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_examples_show_plain_python_values(test: doctest.DocTest):
    namespace = dict(test.globs)
    problems = []
    for example in test.examples:
        try:
            code = compile(example.source, f"<{test.name}>", "eval")
        except SyntaxError:
            code = None
        try:
            if code is not None and example.want and not example.exc_msg:
                hits = numpy_scalars(eval(code, namespace))  # noqa: S307 (our own examples)
                problems += [f"{example.source.strip()}: {hit}" for hit in hits]
            else:
                exec(compile(example.source, f"<{test.name}>", "single"), namespace)
        except Exception:  # an example that is meant to raise: --doctest-modules checks it
            if not example.exc_msg:
                raise
    assert not problems, "examples that print differently on NumPy 1 and 2:\n" + "\n".join(problems)
