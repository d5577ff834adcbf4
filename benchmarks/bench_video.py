"""Speed of reading a video: frames per second of `keypoints_from_video` (prints figures; asserts
nothing).

    .venv/bin/python benchmarks/bench_video.py [--repeats N]

A 10 s, 30 frames/s clip (300 frames) is made from the bundled Sports2D demo clip (its 230
frames played forwards, then backwards), at the demo's size (1768 x 994) and at 1280 x 720,
written as MJPG into a temporary folder. For each size it prints the time to decode the frames
alone, the time for `keypoints_from_video` (decoding + MediaPipe Pose, model complexity 1),
frames per second and the real-time factor (video seconds per second of work; above 1 is
faster than real time), then the time for `poses_from_keypoints` + `analyze_motion` on the
result. The target: faster than real time (30 frames/s or more) on a 2-core machine.

Timings depend on the machine and on what else runs on it; compare figures taken on the same
machine under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hinge_lib.recordings import video  # noqa: E402
from hinge_lib.recordings.keypoints import poses_from_keypoints  # noqa: E402
from hinge_lib.recordings.reps import analyze_motion  # noqa: E402

CLIP = ROOT / "data" / "samples" / "video" / "sports2d-demo.mp4"
SECONDS, FPS = 10, 30


def make_clip(folder: Path, size: tuple[int, int] | None) -> Path:
    """A 10 s, 30 frames/s MJPG clip from the demo's frames (forwards, then backwards)."""
    import cv2

    cap = cv2.VideoCapture(str(CLIP))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame if size is None else cv2.resize(frame, size,
                                                            interpolation=cv2.INTER_AREA))
    cap.release()
    order = frames + frames[::-1]
    h, w = order[0].shape[:2]
    path = folder / f"clip_{w}x{h}.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (w, h))
    if not writer.isOpened():  # no MPEG-4 encoder in this OpenCV: Motion JPEG instead
        path = path.with_suffix(".avi")
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (w, h))
    for i in range(SECONDS * FPS):
        writer.write(order[i % len(order)])
    writer.release()
    return path


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, all threads; result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def decode_only(path: Path) -> None:
    import cv2

    cap = cv2.VideoCapture(str(path))
    while cap.read()[0]:
        pass
    cap.release()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs per size (median shown)")
    args = parser.parse_args()
    ok, why = video.video_support()
    if not ok:
        print(f"bench_video skipped: {why}")
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CPU cores seen: {os.cpu_count()}, load average {load:.1f}: other programs running "
          "at the same time slow the wall-clock figures down; CPU seconds are steadier")
    with tempfile.TemporaryDirectory() as folder:
        for size in (None, (1280, 720)):
            path = make_clip(Path(folder), size)
            info = video.video_info(path)
            n = info["frame_count"]
            decode_s, decode_cpu, _ = timed(lambda p=path: decode_only(p))
            runs = [timed(lambda p=path: video.keypoints_from_video(p, progress=False))
                    for _ in range(max(args.repeats, 1))]
            wall_s = statistics.median(r[0] for r in runs)
            cpu_s = statistics.median(r[1] for r in runs)
            table = runs[-1][2]
            after_s, _, _ = timed(lambda t=table: analyze_motion(poses_from_keypoints(t)))
            fps = n / wall_s
            print(f"{info['width']}x{info['height']} {info['codec']}, {n} frames "
                  f"({n / FPS:.0f} s at {FPS} frames/s):")
            print(f"  decoding alone: {decode_s:.2f} s wall, {decode_cpu:.2f} s CPU")
            print(f"  keypoints_from_video: {wall_s:.2f} s wall = {fps:.1f} frames/s = "
                  f"{fps / FPS:.2f} x real time (target > 1); {cpu_s:.2f} s CPU = "
                  f"{n / cpu_s:.1f} frames per CPU-second (about the speed on one idle core)")
            print(f"  poses_from_keypoints + analyze_motion: {after_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
