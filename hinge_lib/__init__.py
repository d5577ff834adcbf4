"""Hip Hinge Coach: a side-on model of a person that tells a coach what a pose means.

The numeric core works on numpy arrays (:func:`analyze_many`); :func:`analyze` is the
friendly one-pose entry point on top of the same core. Widgets and figures are imported
only when first used, so ``import hinge_lib`` stays quick.
"""

from __future__ import annotations

from importlib import import_module, metadata
from typing import Any

from hinge_lib.model import catalog
from hinge_lib.model.analysis import (
    JOINTS,
    Analysis,
    BelowFloorWarning,
    Fault,
    analyze,
    analyze_many,
)
from hinge_lib.model.body import Body
from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.patterns import PATTERNS
from hinge_lib.model.pose import POSE_FIELDS, SUPPORTS, Pose, joint_limits
from hinge_lib.model.references import analyze_references, reference_pose, reference_positions
from hinge_lib.model.tables import DataFileError

try:
    __version__ = metadata.version("hinge-lib")
except metadata.PackageNotFoundError:  # run from a checkout without installing
    __version__ = "0+unknown"

# Names provided by modules that import heavy libraries (plotly, ipywidgets) or that are
# not needed by the model itself: loaded on first access.
_LAZY = {
    "explore": "hinge_lib.widgets.explorer",
    "compare": "hinge_lib.widgets.explorer",
    "animate": "hinge_lib.widgets.explorer",
    "pose_figure": "hinge_lib.view.figures",
    "read_motion": "hinge_lib.recordings.readers",
    "analyze_motion": "hinge_lib.recordings.reps",
    "find_reps": "hinge_lib.recordings.reps",
    "upload_checker": "hinge_lib.widgets.upload",
    "MotionReport": "hinge_lib.recordings.reps",
    "PracticeLog": "hinge_lib.recordings.practice_log",
    "poses_from_keypoints": "hinge_lib.recordings.keypoints",
    "keypoints_from_video": "hinge_lib.recordings.video",
}
# Submodules a notebook may want by their short name (``from hinge_lib import lessons``).
_LAZY_MODULES = {
    "lessons": "hinge_lib.course.lessons",
    "selfcheck": "hinge_lib.course.selfcheck",
    "palette": "hinge_lib.view.palette",
}

__all__ = [
    "HOLDS",
    "JOINTS",
    "PATTERNS",
    "POSE_FIELDS",
    "SUPPORTS",
    "Analysis",
    "BelowFloorWarning",
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
    if name in _LAZY_MODULES:
        module = import_module(_LAZY_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'hinge_lib' has no attribute {name!r}")
