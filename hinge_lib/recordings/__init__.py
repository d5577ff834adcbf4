"""Recorded lifts: reading joint-angle files, finding and judging repetitions, the practice log;
side-on body keypoints and videos turned into joint angles (`keypoints`, `video`).

Builds on :mod:`hinge_lib.model`; draws nothing itself (figures live in :mod:`hinge_lib.view`).
"""
