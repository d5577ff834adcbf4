"""Widgets for checking a filmed lift: a progress bar and an upload-or-path checker.

- `video_progress()`: a progress bar (frames done, frames per second, time left) that
  `keypoints_from_video` can report to (it is the ``progress`` callback)
- `video_checker()`: upload a video (or give the path of one on this computer), see the
  summary, the per-rep table and the frames of each rep; optionally save the result to a
  `PracticeLog`. Any problem is shown as a message in the widget, never as a traceback, and
  the practice log is written only when the save button is pressed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hinge_lib.view import palette

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    import ipywidgets as widgets

    from hinge_lib.model.body import Body
    from hinge_lib.recordings.practice_log import PracticeLog
    from hinge_lib.recordings.reps import MotionReport
    from hinge_lib.recordings.video import VideoCheck

VIDEO_SUFFIXES = ".mp4,.mov,.m4v,.avi,.mkv,.webm"
#: Set by the class app: how many videos may be analysed at once on the instructor's
#: computer, and the folder of the lock files that count them (one per analysis running).
VIDEO_SLOTS_VARIABLE = "HINGE_VIDEO_SLOTS"
VIDEO_SLOT_DIR_VARIABLE = "HINGE_VIDEO_SLOT_DIR"


@contextlib.contextmanager
def analysis_slot():  # type: ignore[no-untyped-def]
    """A place for one video analysis: yields True, or False when the class app's
    ``$HINGE_VIDEO_SLOTS`` analyses already run (in any student's kernel). Outside the
    class app (no such variable) there is always a place. The place is a lock on a file,
    freed when the analysis ends or its kernel stops."""
    slots = int(os.environ.get(VIDEO_SLOTS_VARIABLE, "0") or 0)
    folder = os.environ.get(VIDEO_SLOT_DIR_VARIABLE, "")
    if slots <= 0 or not folder:
        yield True
        return
    import fcntl

    for number in range(slots):
        handle = open(Path(folder) / f"analysis-{number}.lock", "a+b")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    yield False


class VideoProgress:
    """A progress bar with a line of text; call it as ``bar(done, total, fps, seconds_left)``.

    Displaying the object shows the bar (it is an ipywidgets ``HBox`` underneath, ``.box``).
    """

    def __init__(self, description: str = "video") -> None:
        import ipywidgets as widgets

        self.bar = widgets.IntProgress(value=0, min=0, max=1, description=description,
                                       bar_style="info")
        self.label = widgets.Label(value="waiting for a video")
        self.box = widgets.HBox([self.bar, self.label])

    def __call__(self, done: int, total: int, fps: float, seconds_left: float) -> None:
        self.bar.max = max(total, done, 1)
        self.bar.value = done
        of = f" of {total}" if total else ""
        left = f", about {seconds_left:.0f} s left" if seconds_left == seconds_left else ""
        self.label.value = f"{done}{of} frames, {fps:.1f} frames/s{left}"
        if total and done >= total:
            self.bar.bar_style = "success"

    def fail(self, text: str) -> None:
        """Show that the run stopped (the message itself goes elsewhere)."""
        self.bar.bar_style = "danger"
        self.label.value = text

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


def video_progress(description: str = "video") -> VideoProgress:
    """A new `VideoProgress` bar, to pass as ``progress=`` to `keypoints_from_video`."""
    return VideoProgress(description)


def message_box(text: str, kind: str = "info") -> str:
    """HTML for a message in the checker: ``kind`` is "good", "bad" or "info"."""
    color = {"good": palette.GOOD, "bad": palette.BAD}.get(kind, palette.GREY)
    return (f'<div class="hinge-video-message" style="border-left:4px solid {color};'
            f'padding:4px 8px">{escape(text)}</div>')


def report_box(report: MotionReport) -> str:
    """HTML for a clip's report: green only for a report judged in full; seconds not judged,
    a movement too fast, or a clip outside the promise are news to read, not a pass."""
    return message_box(report.message, "good" if report.judged_in_full else "info")


def describe_problem(err: BaseException, name: str) -> str:
    """The learner-facing text for an error raised while checking the video ``name``."""
    from hinge_lib.recordings.video import VideoExtraMissing

    if isinstance(err, (ValueError, VideoExtraMissing)):
        text = str(err)
        return text if text.startswith(name) else f"{name}: {text}"
    return f"{name}: could not be analysed ({type(err).__name__}: {err})"


def video_checker(
    body: Body | None = None,
    load_kg: float = 0.0,
    log: PracticeLog | Callable[[], PracticeLog] | None = None,
    exercise: str = "hip hinge",
    max_reps_shown: int = 3,
) -> widgets.VBox:
    """Upload a video or type its path, then see what the course reads from it.

    Parameters
    ----------
    body : Body, optional
        The lifter's body (default `Body()`).
    load_kg : float
        Load held in the hands.
    log : PracticeLog or callable, optional
        If given, a date picker and a "Save to practice log" button are shown. A callable
        (such as `PracticeLog` itself: the learner's own log in their data folder) is called
        only when the button is pressed, so nothing is created until something is saved.
        In the class app (see `hinge_lib.recordings.practice_log.in_class_app`) a note
        saying that the class app keeps no log is shown instead and nothing is saved. On a
        student's page there the widget reads only what the student uploads: the path box,
        the Analyse button and the saving controls are not made at all (a widget that exists
        can be driven by widget messages even when it is not shown), and ``check_path``
        refuses. A page the instructor opens on the laptop itself keeps the path box.
    exercise : str
        Exercise name stored with a saved session.
    max_reps_shown : int
        Reps drawn frame by frame (the table lists all).

    Returns
    -------
    ipywidgets.VBox
        The widget; ``.check_path(path)`` and ``.check_upload(name, content)`` run it from
        code, ``.last_result()`` gives the last good `VideoCheck` (or None), ``.save()``
        presses the save button, ``.message`` and ``.saved_message`` are the message boxes.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from hinge_lib.recordings.practice_log import (
        CLASS_APP_NOTE,
        at_instructor_laptop,
        in_class_app,
    )

    class_app = in_class_app()
    # in the class app only a page on the instructor's own laptop may read files there
    files_here = not class_app or at_instructor_laptop()
    if class_app:
        log = None  # one shared account: nothing is kept per student (see CLASS_APP_NOTE)
    upload = widgets.FileUpload(accept=VIDEO_SUFFIXES, multiple=False,
                                description="Upload a video")
    progress = video_progress()
    message = widgets.HTML(value=message_box(
        "Film from the side, whole body in the picture, one person. Uploads through the "
        "browser suit short clips (a few MB)"
        + ("; for longer videos give the file's path." if files_here else ".")))
    output = widgets.Output()
    saved = widgets.HTML()
    state: dict[str, Any] = {"result": None}
    day = save = None
    if log is not None:  # never in the class app (log is None there)
        day = widgets.DatePicker(description="Date", value=dt.date.today())
        save = widgets.Button(description="Save to practice log", disabled=True)

    def saveable(flag: bool) -> None:
        if save is not None:
            save.disabled = not flag

    def show(result: VideoCheck, video_path: Path) -> None:
        from hinge_lib.view.recording_figures import plot_angles
        from hinge_lib.view.video_figures import rep_frames_figure, rep_table

        report = result.report
        output.clear_output()
        with output:
            display(widgets.HTML(report_box(report)))
            if not report.reps.empty:
                display(rep_table(report))
            display(plot_angles(report, title=f"{video_path.name}: joint angles from the video"))
            shown = max(1, min(max_reps_shown, len(report.reps)))
            for rep in range(1, shown + 1):
                display(rep_frames_figure(video_path, result.keypoints, report, rep=rep))

    def run(video_path: Path, name: str) -> None:
        from hinge_lib.recordings.video import check_video

        state["result"] = None
        saveable(False)
        if not class_app:
            saved.value = ""
        output.clear_output()
        message.value = message_box(f"Reading {name} ...")
        with analysis_slot() as free:
            if not free:
                message.value = message_box(
                    f"{os.environ.get(VIDEO_SLOTS_VARIABLE)} videos are being analysed on the "
                    "instructor's computer right now, the most it takes at once. Nothing was "
                    f"read from {name}: try again in a minute.", "bad")
                return
            try:
                result = check_video(video_path, body=body, load_kg=load_kg, progress=progress)
                show(result, video_path)
            except Exception as err:  # noqa: BLE001 - every problem is shown as a message
                progress.fail("stopped")
                message.value = message_box(describe_problem(err, name), "bad")
                return
        state["result"] = result
        notes = "; ".join(result.notes)
        message.value = message_box(f"{name}: {len(result.keypoints)} frames read. {notes}.",
                                    "info")
        saveable(log is not None)

    def check_path(path: str | Path) -> None:
        if not files_here:  # files on the instructor's computer are not the students' to open
            message.value = message_box("The class app reads only videos you upload.", "bad")
            return
        text = str(path).strip()
        if not text:
            message.value = message_box("Type the path of a video file first.", "bad")
            return
        run(Path(text).expanduser(), Path(text).name)

    def check_upload(name: str, content: bytes) -> None:
        # the file keeps its own name (without any folder part), so messages name it
        safe = Path(str(name).replace("\\", "/")).name.strip() or "upload.mp4"
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / safe
            target.write_bytes(bytes(content))
            run(target, name)

    def on_upload(change: dict) -> None:
        files = change.get("new") or ()
        if files:
            check_upload(files[0]["name"], files[0]["content"])

    def on_save(_button: Any) -> None:
        result = state["result"]
        if result is None or log is None or day is None:
            return
        try:
            target = log() if callable(log) else log
            session = target.save_session(result.report, exercise, recorded_on=day.value,
                                          body=body, load_kg=load_kg,
                                          notes=f"video {result.path.name}; spine not measured")
        except Exception as err:  # noqa: BLE001 - shown, and nothing half-saved
            saved.value = message_box(f"Not saved: {err}", "bad")
            return
        saved.value = message_box(f"Saved as session {session} with "
                                  f"{len(result.report.reps)} rep(s) in {target.path}.", "good")
        saveable(False)

    upload.observe(on_upload, names="value")
    rows: list[Any] = [upload]
    if files_here:
        path_box = widgets.Text(placeholder="or the path of a video on this computer",
                                layout=widgets.Layout(width="420px"))
        go_button = widgets.Button(description="Analyse", button_style="primary")
        go_button.on_click(lambda _b: check_path(path_box.value))
        rows.append(widgets.HBox([path_box, go_button]))
    rows += [progress.box, message, output]
    if class_app:
        saved.value = message_box(CLASS_APP_NOTE)
        rows.append(saved)
    elif save is not None and day is not None:
        save.on_click(on_save)
        rows.append(widgets.HBox([day, save, saved]))
    box = widgets.VBox(rows)
    box.check_path = check_path  # type: ignore[attr-defined]
    box.check_upload = check_upload  # type: ignore[attr-defined]
    box.save = lambda: on_save(None)  # type: ignore[attr-defined]
    box.last_result = lambda: state["result"]  # type: ignore[attr-defined]
    box.message = message  # type: ignore[attr-defined]
    box.saved_message = saved  # type: ignore[attr-defined]
    return box
