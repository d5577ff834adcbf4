"""The widget sweep of the class app's security tests, part 3 of 3.

Every widget of every page a student can open, driven as a page could drive it: each
text-like value set to a path on the instructor's laptop (an existing file, a folder, a new
file), every button clicked; the kernels must not touch those paths. The pages are shared
out between tests/test_class_security_sweep_N.py (see class_laptop.py), so that parallel
test workers share the sweep; tests/test_class_security.py checks that together they drive
every page once.
"""

from __future__ import annotations

import pytest

from class_laptop import sweep, sweep_part


@pytest.mark.slow
def test_no_widget_on_these_students_pages_reads_or_writes_a_file_on_the_laptop(laptop):
    driven = sweep(laptop, 2)
    assert list(driven) == sweep_part(2) and sum(driven.values()) > 100, driven
