"""Hip Hinge Coach: a side-on model of a person that tells a coach what a pose means.

The numeric core works on numpy arrays (:func:`analyze_many`); :func:`analyze` is the
friendly one-pose entry point on top of the same core. Widgets and figures are imported
only when first used, so ``import hinge_lib`` stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from hinge_lib import catalog
from hinge_lib.analysis import JOINTS, Analysis, Fault, analyze, analyze_many
from hinge_lib.body import Body
from hinge_lib.data import DataFileError
from hinge_lib.kinematics import HOLDS
from hinge_lib.patterns import PATTERNS
from hinge_lib.pose import POSE_FIELDS, Pose, joint_limits
from hinge_lib.references import analyze_references, reference_pose, reference_positions

# Names provided by modules that import heavy libraries (plotly, ipywidgets) or that are
# not needed by the model itself: loaded on first access.
_LAZY = {
    "explore": "hinge_lib.explorer",
    "compare": "hinge_lib.explorer",
    "animate": "hinge_lib.explorer",
    "pose_figure": "hinge_lib.drawing",
    "read_motion": "hinge_lib.motion",
    "analyze_motion": "hinge_lib.reps",
    "MotionReport": "hinge_lib.reps",
    "PracticeLog": "hinge_lib.practice_log",
}

__all__ = [
    "HOLDS",
    "JOINTS",
    "PATTERNS",
    "POSE_FIELDS",
    "Analysis",
    "Body",
    "DataFileError",
    "Fault",
    "Pose",
    "analyze",
    "analyze_many",
    "analyze_references",
    "catalog",
    "joint_limits",
    "reference_pose",
    "reference_positions",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hinge_lib' has no attribute {name!r}")
