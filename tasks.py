#!/usr/bin/env python3
"""Set up and run the Hip Hinge Coach course.

    python3 tasks.py course [--no-browser]   set up .venv and open the course in JupyterLab
    python3 tasks.py app [--no-browser]      set up .venv and start the classroom app (Voila)
    python3 tasks.py test [-- PYTEST ARGS]   set up .venv and run every check and test
    python3 tasks.py bench                   set up .venv and run benchmarks/bench_*.py
    python3 tasks.py outputs [NOTEBOOK ...]  store the expected text of checked notebook cells

Only the Python standard library is used here, so a fresh machine with Python 3.10+ is enough.
The first run creates .venv/ and installs the project into it (editable); later runs reinstall
only when pyproject.toml has changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

MIN_PYTHON = (3, 10)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / "hinge-lib-install.json"
SCRATCH = ROOT / ".jupyter-scratch"
START_NOTEBOOK = "notebooks/00-start-here.ipynb"
APP_NOTEBOOK = "notebooks/10-pose-explorer.ipynb"
# Jupyter's kernel connection with Nagle's algorithm off: widget updates arrive without the
# browser's 40 ms delayed-acknowledgement wait (see hinge_lib/serving.py).
KERNEL_CONNECTION = "hinge_lib.serving.NoDelayKernelConnection"
CHROMIUM = Path("/usr/bin/chromium")
SEED_CHECK = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


def say(message: str) -> None:
    print(message, flush=True)


def step(name: str) -> None:
    say(f"\n==> {name}")


def run(cmd: list[str], **kwargs) -> int:
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.call([str(c) for c in cmd], **kwargs)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def venv_python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


# ---------------------------------------------------------------- environment set-up


def pyproject_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def read_stamp() -> tuple[bool, set[str]]:
    """(pyproject.toml unchanged since the last install, extras installed then)."""
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return False, set()
    return stamp.get("pyproject") == pyproject_digest(), set(stamp.get("extras", []))


def ensure_venv(extras: list[str]) -> None:
    """Create .venv if needed and install the project (editable) with the given extras."""
    step("virtual environment .venv")
    python = venv_python()
    if python.exists() and subprocess.call(
        [str(python), "-c", "import sys; sys.exit(sys.version_info < (3, 10))"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        say(f"{VENV} is broken or too old; making it again")
        shutil.rmtree(VENV)
    if not python.exists():
        started = time.monotonic()
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            sys.exit(f"error: could not create {VENV} (Debian: apt-get install python3-venv)")
        say(f"created {VENV} in {time.monotonic() - started:.0f} s")

    quiet_jupyterlab()
    current, have = read_stamp()
    if current and set(extras) <= have:
        say("project already installed and pyproject.toml unchanged")
        return
    wanted = sorted(set(extras) | have)
    target = "." + (f"[{','.join(wanted)}]" if wanted else "")
    started = time.monotonic()
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
    if run([python, "-m", "pip", "install", "-e", target], cwd=ROOT, env=env) != 0:
        STAMP.unlink(missing_ok=True)
        sys.exit("error: pip install failed (see above)")
    STAMP.write_text(json.dumps({"pyproject": pyproject_digest(), "extras": wanted}) + "\n")
    took = time.monotonic() - started
    say(f"installed the project with extras {wanted or 'none'} in {took:.0f} s")


def quiet_jupyterlab() -> None:
    """JupyterLab in .venv: no pop-up asking to fetch news (the course works offline)."""
    overrides = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if not overrides.exists():
        overrides.parent.mkdir(parents=True, exist_ok=True)
        settings = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
        overrides.write_text(json.dumps(settings, indent=2) + "\n")


def scratch_env() -> dict[str, str]:
    """Environment that keeps Jupyter, IPython and friends out of the user's home folder."""
    dirs = {
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
        "XDG_CONFIG_HOME": "xdg-config",
        "XDG_CACHE_HOME": "xdg-cache",
        "MPLCONFIGDIR": "matplotlib",
    }
    env = dict(os.environ)
    for var, sub in dirs.items():
        path = SCRATCH / sub
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def exec_tool(cmd: list[str]) -> None:
    """Replace this process with a long-running tool (Ctrl-C then goes straight to it)."""
    cmd = [str(c) for c in cmd]
    say("$ " + " ".join(cmd))
    os.chdir(ROOT)
    if os.name == "nt":
        sys.exit(subprocess.call(cmd))
    os.execv(cmd[0], cmd)


# ---------------------------------------------------------------- commands


def cmd_course(args: list[str]) -> None:
    ensure_venv([])
    step("JupyterLab")
    cmd = [BIN / "jupyter", "lab", "--ip=127.0.0.1", f"--ServerApp.root_dir={ROOT}",
           f"--ServerApp.kernel_websocket_connection_class={KERNEL_CONNECTION}"]
    if is_root():
        cmd.append("--allow-root")
    cmd += args
    if (ROOT / START_NOTEBOOK).exists():
        # the printed address and the opened browser tab both show the first notebook
        cmd.append(f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}")
    else:
        say(f"note: {START_NOTEBOOK} not found; opening the file browser")
    exec_tool(cmd)


def cmd_app(args: list[str]) -> None:
    ensure_venv([])
    step("classroom app (Voila)")
    if not (ROOT / APP_NOTEBOOK).exists():
        sys.exit(f"error: {APP_NOTEBOOK} not found")
    exec_tool([BIN / "voila", APP_NOTEBOOK, "--Voila.ip=127.0.0.1",
               f"--Voila.kernel_websocket_connection_class={KERNEL_CONNECTION}", *args])


def ensure_chromium() -> bool:
    step("Chromium for the browser tests")
    if CHROMIUM.exists():
        say(f"found {CHROMIUM}")
        return True
    apt = shutil.which("apt-get")
    if is_root() and apt:
        say(f"{CHROMIUM} is missing; installing Debian's chromium package")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        ok = run([apt, "update"], env=env) == 0
        ok = ok and run([apt, "install", "-y", "chromium"], env=env) == 0
        if ok and CHROMIUM.exists():
            return True
        say("error: could not install chromium with apt-get")
        return False
    say(
        f"error: the browser tests need Debian's Chromium at {CHROMIUM}.\n"
        "Install it once with:\n\n    sudo apt-get install -y chromium\n\n"
        "or run the other tests only: python3 tasks.py test --no-browser-tests"
    )
    return False


def run_pytest(extra: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run pytest once, echoing its output; return (exit code, its closing line).

    What to collect and the nbval/doctest options live in pyproject.toml, so a plain
    `pytest` from the repository root runs exactly the same tests.
    """
    cmd = [str(venv_python()), "-m", "pytest"]
    if sys.stdout.isatty():
        cmd.append("--color=yes")
    cmd += extra
    say("$ " + " ".join(cmd))
    last = ""
    with subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as proc:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.strip():
                last = line.rstrip("\n")
        code = proc.wait()
    return code, last


def cmd_test(args: list[str]) -> None:
    extra: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, extra = args[:cut], args[cut + 1 :]
    browser = "--no-browser-tests" not in args
    unknown = [a for a in args if a != "--no-browser-tests"]
    if unknown:
        sys.exit(f"error: unknown option(s) {unknown}; pass pytest options after --")

    started = time.monotonic()
    results: list[tuple[str, bool, str]] = []

    def record(name: str, ok: bool, note: str = "") -> None:
        results.append((name, ok, note))

    t = time.monotonic()
    # the video extra (MediaPipe 0.10.21) has wheels for Python 3.9-3.12 only; on newer
    # Pythons the video tests skip and say why
    if (3, 9) <= sys.version_info[:2] <= (3, 12):
        ensure_venv(["test", "video"])
    else:
        say(f"note: no video extra on Python {sys.version_info[0]}.{sys.version_info[1]} "
            "(MediaPipe 0.10.21 supports 3.9-3.12); the video tests will be skipped")
        ensure_venv(["test"])
    record("set-up", True, f"{time.monotonic() - t:.0f} s")

    if browser:
        t = time.monotonic()
        record("chromium", ensure_chromium(), f"{time.monotonic() - t:.0f} s")
    else:
        extra = ["-m", "not browser", *extra]

    env = scratch_env()

    step("lint: ruff check .")
    t = time.monotonic()
    code = run([venv_python(), "-m", "ruff", "check", "."], cwd=ROOT, env=env)
    record("ruff", code == 0, f"{time.monotonic() - t:.0f} s")

    if SEED_CHECK.is_file():
        step("copy check: no sentence taken from the source articles")
        t = time.monotonic()
        code = run([sys.executable, SEED_CHECK, ROOT], cwd=ROOT)
        record("seed overlap", code == 0, f"{time.monotonic() - t:.0f} s")

    step("pytest: tests and notebooks")
    t = time.monotonic()
    code, closing = run_pytest(extra, env)
    note = f"{time.monotonic() - t:.0f} s"
    if code == 5:
        say("error: pytest collected no tests")
        note += ", no tests collected"
    record("pytest", code == 0, note)

    step("summary")
    for name, ok, note in results:
        say(f"  {'ok    ' if ok else 'FAILED'}  {name:<14} {note}")
    failed = [name for name, ok, _ in results if not ok]
    say(f"  total {time.monotonic() - started:.0f} s")
    say("all steps passed" if not failed else "failed steps: " + ", ".join(failed))
    if closing:
        say(closing)
    sys.exit(1 if failed else 0)


def cmd_outputs(args: list[str]) -> None:
    ensure_venv(["test"])
    step("store the expected text of checked notebook cells")
    code = run([venv_python(), ROOT / "tests" / "notebook_outputs.py", *args], cwd=ROOT,
               env=scratch_env())
    sys.exit(code)


def cmd_bench(args: list[str]) -> None:
    ensure_venv(["test"])
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if not scripts:
        sys.exit("error: no benchmarks/bench_*.py scripts found")
    env = scratch_env()
    failed = []
    for script in scripts:
        step(f"benchmark {script.relative_to(ROOT)}")
        if run([venv_python(), script, *args], cwd=ROOT, env=env) != 0:
            failed.append(script.name)
    if failed:
        sys.exit("failed benchmarks: " + ", ".join(failed))


COMMANDS = {
    "course": cmd_course,
    "app": cmd_app,
    "test": cmd_test,
    "bench": cmd_bench,
    "outputs": cmd_outputs,
}


def main(argv: list[str]) -> None:
    if sys.version_info < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        sys.exit(f"error: Python {need} or newer is needed (this is {sys.version.split()[0]})")
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
