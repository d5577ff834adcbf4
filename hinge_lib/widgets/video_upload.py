"""Widgets for checking a filmed lift: a progress bar and an upload-or-path checker.

- `video_progress()`: a progress bar (frames done, frames per second, time left) that
  `keypoints_from_video` can report to (it is the ``progress`` callback)
- `video_checker()`: upload a video (or give the path of one on this computer), see the
  summary, the per-rep table and the frames of each rep; optionally save the result to a
  `PracticeLog`. Any problem is shown as a message in the widget, never as a traceback, and
  the practice log is written only when the save button is pressed.
"""

from __future__ import annotations

import datetime as dt
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
        saying that the class app keeps no log is shown instead, nothing is saved, and the
        path box (files on the instructor's computer) is left out.
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

    from hinge_lib.recordings.practice_log import CLASS_APP_NOTE, in_class_app

    class_app = in_class_app()
    if class_app:
        log = None  # one shared account: nothing is kept per student (see CLASS_APP_NOTE)
    upload = widgets.FileUpload(accept=VIDEO_SUFFIXES, multiple=False,
                                description="Upload a video")
    path_box = widgets.Text(placeholder="or the path of a video on this computer",
                            layout=widgets.Layout(width="420px"))
    go_button = widgets.Button(description="Analyse", button_style="primary")
    progress = video_progress()
    message = widgets.HTML(value=message_box(
        "Film from the side, whole body in the picture, one person. Uploads through the "
        "browser suit short clips (a few MB)"
        + ("." if class_app else "; for longer videos give the file's path.")))
    output = widgets.Output()
    day = widgets.DatePicker(description="Date", value=dt.date.today())
    save = widgets.Button(description="Save to practice log", disabled=True)
    saved = widgets.HTML()
    state: dict[str, Any] = {"result": None}

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
        save.disabled = True
        saved.value = ""
        output.clear_output()
        message.value = message_box(f"Reading {name} ...")
        try:
            result = check_video(video_path, body=body, load_kg=load_kg, progress=progress)
            show(result, video_path)
        except Exception as err:  # noqa: BLE001 - the widget shows every problem as a message
            progress.fail("stopped")
            message.value = message_box(describe_problem(err, name), "bad")
            return
        state["result"] = result
        notes = "; ".join(result.notes)
        message.value = message_box(f"{name}: {len(result.keypoints)} frames read. {notes}.",
                                    "info")
        save.disabled = log is None

    def check_path(path: str | Path) -> None:
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
        if result is None or log is None:
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
        save.disabled = True

    upload.observe(on_upload, names="value")
    go_button.on_click(lambda _b: check_path(path_box.value))
    save.on_click(on_save)
    rows = [upload] if class_app else [upload, widgets.HBox([path_box, go_button])]
    rows += [progress.box, message, output]
    if class_app:
        saved.value = message_box(CLASS_APP_NOTE)
        rows.append(saved)
    elif log is not None:
        rows.append(widgets.HBox([day, save, saved]))
    box = widgets.VBox(rows)
    box.check_path = check_path  # type: ignore[attr-defined]
    box.check_upload = check_upload  # type: ignore[attr-defined]
    box.save = lambda: on_save(None)  # type: ignore[attr-defined]
    box.last_result = lambda: state["result"]  # type: ignore[attr-defined]
    box.message = message  # type: ignore[attr-defined]
    box.saved_message = saved  # type: ignore[attr-defined]
    return box
