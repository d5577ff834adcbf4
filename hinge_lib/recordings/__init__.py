"""Recorded lifts: reading joint-angle files, finding and judging repetitions, the practice log;
side-on body keypoints and videos turned into joint angles (`keypoints`, `video`).

`readers` (files -> frames; OpenSim conventions in `opensim_conventions`), `timeline` (time
axis and gaps, shared by readers and reps), `reps` (repetitions and the coach's report),
`static_limits` and `feet` (the seconds a still, flat-footed model cannot judge), `camera`
(angle off side-on), `filtering` (zero-lag low-pass), `limits` (data/recording_limits.csv and
the promise for a phone clip), `accuracy` (the error table on the model's own keypoints),
`keypoint_tools` (.trc files, comparing angles), `synthetic` (made-up recordings and
keypoints), `practice_log` (sessions in SQLite).

Builds on :mod:`hinge_lib.model`; draws nothing itself (figures live in :mod:`hinge_lib.view`).
"""
