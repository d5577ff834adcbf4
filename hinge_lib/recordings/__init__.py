"""Recorded lifts: reading joint-angle files, finding and judging repetitions, the practice log;
side-on body keypoints and videos turned into joint angles (`keypoints`, `video`).

`readers` (files -> frames), `timeline` (time axis and gaps, shared by readers and reps),
`reps` (repetitions and the coach's report), `practice_log` (sessions in SQLite).

Builds on :mod:`hinge_lib.model`; draws nothing itself (figures live in :mod:`hinge_lib.view`).
"""
