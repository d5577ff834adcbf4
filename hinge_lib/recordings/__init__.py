"""Recorded lifts: reading joint-angle files, finding and judging repetitions, the practice log.

Builds on :mod:`hinge_lib.model`; draws nothing itself (figures live in :mod:`hinge_lib.view`).
"""
