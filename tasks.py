#!/usr/bin/env python3
"""Set up and run the Hip Hinge Coach course.

    python3 tasks.py course [--no-browser]   set up .venv and open the course in JupyterLab
    python3 tasks.py app [--no-browser]      set up .venv and start the classroom app (Voila)
    python3 tasks.py app --presenter         the explorer in presenter mode, for a projector
    python3 tasks.py app --check [--ip A] [--port P] [--wait S]   can a phone reach this laptop?
    python3 tasks.py app --class [--ip ADDR] [--port P] [--cull-after SECONDS] [--no-browser]
                         [--max-kernels N] [--pool N] [--kernels-per-seat N]
                         [--max-connections N] [--with-video [--videos-at-once N]]
                                             the whole course for a room of students (Voila)
    python3 tasks.py hub [--students a,b] [--instructor NAME] [--ip ADDR] [--port P]
                         [--cull-after SECONDS]
                                             (root) a one-machine JupyterHub to try the course:
                                             a system user per student, idle servers culled
                                             (load test: benchmarks/bench_hub.py)
    python3 tasks.py test [-- PYTEST ARGS]   set up .venv and run every check and test
    python3 tasks.py test --quick [PATH ...] ruff, the copy check, the library's tests and
                                             docstring examples (no browser, book, hub, video,
                                             slow or notebook tests), then the named test
                                             files or notebooks in full
    python3 tasks.py bench                   set up .venv and run benchmarks/bench_*.py
    python3 tasks.py outputs [NOTEBOOK ...]  store the expected text of checked notebook cells
    python3 tasks.py book [--instructor]     set up .venv, execute the notebooks and build the
                                             course website (prints the path of its index.html)
    python3 tasks.py book --both             both editions, each notebook executed once
    python3 tasks.py handouts [--out DIR]    set up .venv and write the printable handouts (PDF,
                                             A4 and US Letter) into one folder; prints its path

Only the Python standard library is used here, so a fresh machine with Python 3.10+ is enough.
The first run creates .venv/ and installs the project into it (editable); later runs reinstall
only when pyproject.toml has changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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
# the explorer with presenter=True, made from APP_NOTEBOOK when `app --presenter` starts
PRESENTER_NOTEBOOK = SCRATCH / "presenter" / "10-pose-explorer.ipynb"
# options of `app --class` (passed on to `python -m hinge_lib.serving class`)
CLASS_VALUE_OPTIONS = {"--ip", "--port", "--cull-after", "--max-kernels", "--pool",
                       "--kernels-per-seat", "--max-connections", "--videos-at-once",
                       "--state"}
CLASS_FLAGS = {"--no-browser", "--with-video"}
# options of `app --check` (can a phone on the room's network reach this laptop?)
CHECK_OPTIONS = {"--ip", "--port", "--wait"}
CHROMIUM = Path("/usr/bin/chromium")
# Voila templates of the apps (deploy/jupyter/voila/templates/...)
TEMPLATES = ROOT / "deploy" / "jupyter"
OFFLINE_TEMPLATE = "hinge-offline"
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


def app_command(args: list[str]) -> list:
    """The server command for `app` with these options (see the module docstring)."""
    if "--check" in args:
        rest = [a for a in args if a != "--check"]
        for option, value in zip(rest[::2], rest[1::2] + [None], strict=False):
            if option not in CHECK_OPTIONS or value is None:
                known = ", ".join(sorted(CHECK_OPTIONS))
                sys.exit(f"error: app --check does not take {option!r} (options: {known})")
        return [venv_python(), "-m", "hinge_lib.serving", "check", *rest]
    if "--class" in args:
        rest = [a for a in args if a != "--class"]
        i = 0
        while i < len(rest):
            option = rest[i]
            if option in CLASS_FLAGS:
                i += 1
            elif option in CLASS_VALUE_OPTIONS and i + 1 < len(rest):
                i += 2
            else:
                known = ", ".join(sorted(CLASS_VALUE_OPTIONS | CLASS_FLAGS))
                sys.exit(f"error: app --class does not take {option!r} (options: {known})")
        return [venv_python(), "-m", "hinge_lib.serving", "class",
                "--notebooks", ROOT / "notebooks", "--templates", TEMPLATES,
                *rest]
    notebook: str | Path = APP_NOTEBOOK
    if "--presenter" in args:
        args = [a for a in args if a != "--presenter"]
        notebook = PRESENTER_NOTEBOOK
    # the offline template: no request leaves this machine (cmd_app puts it on JUPYTER_PATH)
    return [BIN / "voila", notebook, "--Voila.ip=127.0.0.1", f"--template={OFFLINE_TEMPLATE}",
            f"--Voila.kernel_websocket_connection_class={KERNEL_CONNECTION}", *args]


def cmd_app(args: list[str]) -> None:
    if "--check" in args and ("--class" in args or "--presenter" in args):
        sys.exit("error: run `python3 tasks.py app --check` on its own, before the class")
    if "--class" in args and "--presenter" in args:
        sys.exit("error: --presenter is for the projector: start it separately with "
                 "`python3 tasks.py app --presenter` next to `python3 tasks.py app --class`")
    cmd = app_command(args)  # checks the options before the (slow) set-up
    ensure_venv([])
    if "--check" in args:
        step("network check: can a phone reach this laptop?")
        sys.exit(run(cmd, cwd=ROOT))
    step("class app (Voila, the whole course)" if "--class" in args else "classroom app (Voila)")
    if not (ROOT / APP_NOTEBOOK).exists():
        sys.exit(f"error: {APP_NOTEBOOK} not found")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH")) if p)
    if "--presenter" in args:
        made = run([venv_python(), "-m", "hinge_lib.serving", "presenter",
                    "--explorer", ROOT / APP_NOTEBOOK, "--out", PRESENTER_NOTEBOOK], cwd=ROOT)
        if made != 0:
            sys.exit("error: could not make the presenter copy of the explorer")
    exec_tool(cmd)


HUB_STATE = SCRATCH / "hub"
HUB_USER = re.compile(r"[a-z][a-z0-9-]{0,30}")
# Pythons the students' accounts may be able to run, tried in this order after .venv's own
HUB_BASE_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")
HUB_CONFIG = ROOT / "deploy" / "hub" / "jupyterhub_config.py"
# what building the package reads (see pyproject.toml)
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-COURSE.txt", "hinge_lib",
                 "data")


def open_to_others(path: Path) -> bool:
    """True if other users' accounts can reach and run ``path``: it and every folder above it
    let others in (the ``o+x`` bit)."""
    real = Path(os.path.realpath(path))
    try:
        return all(os.stat(p).st_mode & 0o001 for p in (real, *real.parents))
    except OSError:
        return False


def hub_home() -> Path:
    """Where the hub's own environment and proxy live: ``.jupyter-scratch/hub-env`` when the
    checkout is open to other users, otherwise a folder named after the checkout under
    /var/lib/hinge-coach (the students' servers run from it, so it must be open to them)."""
    if open_to_others(ROOT):
        return SCRATCH / "hub-env"
    tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return Path("/var/lib/hinge-coach") / f"hub-env-{tag}"


def code_digest() -> str:
    """SHA-256 of the library and its data (what a non-editable install copies)."""
    digest = hashlib.sha256()
    for folder in ("hinge_lib", "data"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _usable_python(candidate: str | Path) -> bool:
    return open_to_others(candidate) and subprocess.call(
        [str(candidate), "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def ensure_hub_env() -> Path:
    """The bin folder of a Python environment the students' servers can run, with the project
    and the ``hub`` extra installed; returns that folder.

    .venv itself when its Python and the checkout are open to other users; otherwise a second
    environment in `hub_home()` made from a Python they can run (/usr/bin/python3 on Debian),
    with the project installed as a copy (not editable: the checkout may be closed to them).
    Reinstalled only when pyproject.toml or the library changed (about a minute when it does).
    """
    python = venv_python()
    if open_to_others(ROOT) and (open_to_others(python) or (
            not python.exists() and open_to_others(sys.executable))):
        ensure_venv(["hub"])  # .venv is (or will be made from) a Python the students can run
        return BIN
    step("hub environment (the students' servers cannot run .venv's Python)")
    home = hub_home()
    venv = home / "venv"
    python = venv / "bin" / "python"
    stamp_file = home / "install.json"
    try:
        stamp = json.loads(stamp_file.read_text())
    except (OSError, ValueError):
        stamp = {}
    base = next((str(p) for p in (sys.executable, *HUB_BASE_PYTHONS) if _usable_python(p)), None)
    if base is None:
        raise SystemExit(
            f"error: the students' servers need a Python 3.10+ with venv that every user can run; "
            f"{os.path.realpath(sys.executable)} is closed to them and none of "
            f"{', '.join(HUB_BASE_PYTHONS)} fits (Debian: apt-get install python3-venv)")
    wanted = {"pyproject": pyproject_digest(), "code": code_digest(),
              "python": os.path.realpath(base)}
    if stamp == wanted and python.exists():
        say(f"{venv} is up to date")
        return venv / "bin"
    old_mask = os.umask(0o022)  # everything readable by the students' accounts
    try:
        home.mkdir(parents=True, exist_ok=True)
        for folder in (home.parent, home):
            os.chmod(folder, os.stat(folder).st_mode | 0o055)
        started = time.monotonic()
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
        fresh = (stamp.get("python") != wanted["python"] or not python.exists()
                 or stamp.get("pyproject") != wanted["pyproject"])
        if fresh:
            shutil.rmtree(venv, ignore_errors=True)
            if run([base, "-m", "venv", venv]) != 0:
                raise SystemExit(f"error: could not create {venv}")
        with tempfile.TemporaryDirectory(prefix="hinge-hub-build-") as folder:
            # built from a copy: the build leaves its build/ and egg-info there, not here
            source = Path(folder) / "hinge-lib"
            source.mkdir()
            for name in PACKAGE_FILES:
                if (ROOT / name).is_dir():
                    shutil.copytree(ROOT / name, source / name,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
                else:
                    shutil.copy2(ROOT / name, source / name)
            if fresh:
                cmd = [python, "-m", "pip", "install", "--quiet", f"{source}[hub]"]
            else:  # only the library changed: replace the copy, keep the dependencies
                cmd = [python, "-m", "pip", "install", "--quiet", "--no-deps",
                       "--force-reinstall", source]
            if run(cmd, cwd=folder, env=env) != 0:
                stamp_file.unlink(missing_ok=True)
                raise SystemExit("error: pip install into the hub environment failed (see above)")
    finally:
        os.umask(old_mask)
    stamp_file.write_text(json.dumps(wanted) + "\n")
    say(f"hub environment {venv} ready in {time.monotonic() - started:.0f} s")
    return venv / "bin"


def ensure_hub_proxy() -> Path:
    """configurable-http-proxy from npm (in `hub_home()`); returns the command's path."""
    node = hub_home() / "node"
    proxy = node / "node_modules" / ".bin" / "configurable-http-proxy"
    if proxy.exists():
        return proxy
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit("error: the hub's proxy comes from npm: install Node.js 20+ and npm")
    step("JupyterHub proxy (configurable-http-proxy from npm)")
    if run([npm, "install", "--no-audit", "--no-fund", "--prefix", node,
            "configurable-http-proxy@5"]) != 0:
        raise SystemExit("error: npm could not install configurable-http-proxy")
    return proxy


def student_codes():
    """deploy/hub/student_codes.py (personal access codes), loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hinge_student_codes",
                                                  HUB_CONFIG.parent / "student_codes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hub_settings(*, state: Path, proxy: Path, ip: str, port: int | str, students: list[str],
                 instructor: str, cull_after: int | str,
                 api_ports: tuple[int, int] | None = None) -> dict[str, str]:
    """The HINGE_HUB_* environment variables deploy/hub/jupyterhub_config.py reads. The
    personal codes' hashes are in ``state`` (see `student_codes().ensure_codes`).
    ``api_ports``: (the hub's API, the proxy's API) on the loopback, if not JupyterHub's."""
    settings = {
        "HINGE_HUB_ROOT": str(ROOT), "HINGE_HUB_STATE": str(state),
        "HINGE_HUB_PROXY": str(proxy), "HINGE_HUB_IP": ip, "HINGE_HUB_PORT": str(port),
        "HINGE_HUB_STUDENTS": ",".join(students), "HINGE_HUB_INSTRUCTOR": instructor,
        "HINGE_HUB_CULL_AFTER": str(cull_after),
        "HINGE_HUB_CODES": str(Path(state) / student_codes().HASHES_FILE),
    }
    if api_ports:
        settings["HINGE_HUB_API_PORT"], settings["HINGE_HUB_PROXY_API_PORT"] = map(
            str, api_ports)
    return settings


def hub_options(args: list[str]) -> dict[str, str]:
    """Options of `hub` (see the module docstring), checked before anything is installed."""
    opts = {"--ip": "127.0.0.1", "--port": "8000", "--students": "", "--instructor": "instructor",
            "--cull-after": "1800"}
    i = 0
    while i < len(args):
        if args[i] not in opts or i + 1 >= len(args):
            sys.exit(f"error: hub does not take {args[i]!r} (options: {', '.join(opts)})")
        opts[args[i]] = args[i + 1]
        i += 2
    # names as the hub keeps them: "Ana" and "ana" are the same student
    opts["--students"] = ",".join(n.strip().lower() for n in opts["--students"].split(","))
    opts["--instructor"] = opts["--instructor"].strip().lower()
    names = [n for n in opts["--students"].split(",") if n] + [opts["--instructor"]]
    for name in names:
        if not HUB_USER.fullmatch(name):
            sys.exit(f"error: user name {name!r}: use lower-case letters, digits and '-'")
    if not opts["--cull-after"].isdigit() or int(opts["--cull-after"]) < 60:
        sys.exit(f"error: --cull-after {opts['--cull-after']}: a number of seconds, at least 60")
    return opts


def ensure_system_user(name: str) -> None:
    """A system user with a home only they can read (created with useradd if missing)."""
    import pwd

    try:
        home = pwd.getpwnam(name).pw_dir
    except KeyError:
        if run(["useradd", "--create-home", "--shell", "/bin/bash", name]) != 0:
            sys.exit(f"error: could not create the system user {name!r}")
        home = pwd.getpwnam(name).pw_dir
    os.chmod(home, 0o700)


def cmd_hub(args: list[str]) -> None:
    opts = hub_options(args)
    if not is_root():
        sys.exit("error: the hub makes a system user for every student (useradd) and starts "
                 "their servers as those users: run it as root, e.g. sudo python3 tasks.py hub")
    if not shutil.which("npm"):
        sys.exit("error: the hub's proxy comes from npm: install Node.js 20+ and npm first")
    hub_bin = ensure_hub_env()
    proxy = ensure_hub_proxy()
    if hub_bin != BIN:  # the students' servers use the hub environment's copy of the library
        os.environ.pop("PYTHONPATH", None)
    step("system users")
    students = [n for n in opts["--students"].split(",") if n]
    for name in [*students, opts["--instructor"]]:
        ensure_system_user(name)
    HUB_STATE.mkdir(parents=True, exist_ok=True)
    os.chmod(HUB_STATE, 0o700)
    codes = student_codes()
    codes.ensure_codes(HUB_STATE, [*students, opts["--instructor"]])
    os.environ.update(hub_settings(
        state=HUB_STATE, proxy=proxy, ip=opts["--ip"], port=opts["--port"], students=students,
        instructor=opts["--instructor"], cull_after=opts["--cull-after"]))
    step("JupyterHub")
    say(f"address: http://{opts['--ip']}:{opts['--port']}/")
    say(f"students: {', '.join(students) or 'none yet: add --students a,b'}; "
        f"instructor (admin): {opts['--instructor']}")
    # not printed: terminals end up on projectors
    say(f"each person's own access code is in {HUB_STATE / codes.LIST_FILE} (readable by "
        "root only): hand each student their own code")
    exec_tool([hub_bin / "jupyterhub", "-f", HUB_CONFIG])


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


# what `test --quick` leaves out (markers registered in pyproject.toml)
QUICK_LEAVES_OUT = ("browser", "book", "hub", "video", "slow", "notebook")
# the runs share the machine's cores between pytest workers (pytest-xdist), a test file at
# a time: the tests of one file share its fixtures (one book build, one class app, one hub)
# and a notebook's cells share one kernel, in order. Files go out in the order
# tests/conftest.py gives them (the long ones first), not by their number of tests.
PARALLEL = ["--dist", "loadfile", "--no-loadscope-reorder"]
# the full run's log names its slowest tests, so a test that grows slow is seen in CI
DURATIONS = ["--durations=25"]


def workers(full: bool) -> list[str]:
    """pytest-xdist's worker count: one per core for the quick run, which computes all the
    time. The full run has one worker more: a sixth of its test time is waiting (a culler's
    grace period, a page's timeout, a kernel shutting down), which the extra worker fills.
    On this project's 2-core machine: 532 s with 3 workers, 579 s with 2."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ["-n", str((cores or 1) + (1 if full else 0))]


def test_options(args: list[str]) -> tuple[bool, bool, list[str], list[str]]:
    """(quick, browser tests, paths for --quick, pytest options after --) of `test`."""
    extra: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, extra = args[:cut], args[cut + 1 :]
    quick = "--quick" in args
    browser = "--no-browser-tests" not in args and not quick
    rest = [a for a in args if a not in ("--quick", "--no-browser-tests")]
    unknown = [a for a in rest if a.startswith("-")]
    if unknown:
        sys.exit(f"error: unknown option(s) {unknown}; pass pytest options after --")
    if rest and not quick:
        sys.exit(f"error: paths {rest} go with --quick (or pass them to pytest after --)")
    missing = [p for p in rest if not (ROOT / p.split("::")[0]).exists()]
    if missing:
        sys.exit(f"error: no such test file or notebook: {', '.join(missing)}")
    return quick, browser, rest, extra


def cmd_test(args: list[str]) -> None:
    quick, browser, paths, extra = test_options(args)
    started = time.monotonic()
    results: list[tuple[str, bool, str]] = []

    def record(name: str, ok: bool, note: str = "") -> None:
        results.append((name, ok, note))

    t = time.monotonic()
    if quick:
        # the library's own tests need the test tools only
        extras = ["test"]
    else:
        # Every test runs: the book (its site is built and opened) and the one-machine hub
        # need their extras too. The video extra (MediaPipe 0.10.21) has wheels for Python
        # 3.9-3.12 only; on newer Pythons the video tests skip and say why.
        extras = ["test", "book", "hub"]
        if (3, 9) <= sys.version_info[:2] <= (3, 12):
            extras.append("video")
        else:
            say(f"note: no video extra on Python {sys.version_info[0]}.{sys.version_info[1]} "
                "(MediaPipe 0.10.21 supports 3.9-3.12); the video tests will be skipped")
    ensure_venv(extras)
    record("set-up", True, f"{time.monotonic() - t:.0f} s")

    if not quick and is_root() and shutil.which("npm") and shutil.which("useradd"):
        # tests/test_hub_local.py starts a real hub whose students' servers run as other
        # users: they need a Python they can run (see ensure_hub_env)
        t = time.monotonic()
        try:
            ensure_hub_env()
            ensure_hub_proxy()
            record("hub set-up", True, f"{time.monotonic() - t:.0f} s")
        except SystemExit as err:
            say(str(err))
            record("hub set-up", False, f"{time.monotonic() - t:.0f} s")

    if browser:
        t = time.monotonic()
        record("chromium", ensure_chromium(), f"{time.monotonic() - t:.0f} s")
    elif not quick:
        extra = ["-m", "not browser", *extra]

    env = scratch_env()
    checks_started = time.monotonic()

    step("lint: ruff check .")
    t = time.monotonic()
    code = run([venv_python(), "-m", "ruff", "check", "."], cwd=ROOT, env=env)
    record("ruff", code == 0, f"{time.monotonic() - t:.0f} s")

    if SEED_CHECK.is_file():
        step("copy check: no sentence taken from the source articles")
        t = time.monotonic()
        code = run([sys.executable, SEED_CHECK, ROOT], cwd=ROOT)
        record("seed overlap", code == 0, f"{time.monotonic() - t:.0f} s")

    closing = ""
    if quick:
        leave_out = " and ".join(f"not {marker}" for marker in QUICK_LEAVES_OUT)
        quick_run = [*workers(full=False), *PARALLEL]
        runs = [("pytest (quick)", [*quick_run, "tests", "hinge_lib", "-m", leave_out, *extra])]
        if paths:  # what the contributor named runs whole, notebooks and browser tests too
            runs.append(("pytest (named)", [*quick_run, *paths, *extra]))
    else:
        runs = [("pytest", [*workers(full=True), *PARALLEL, *DURATIONS, *extra])]
    for name, pytest_args in runs:
        step(f"{name}: " + ("the library's tests and docstring examples" if name.endswith(
            "(quick)") else "tests and notebooks" if name == "pytest" else " ".join(paths)))
        t = time.monotonic()
        code, closing = run_pytest(pytest_args, env)
        note = f"{time.monotonic() - t:.0f} s"
        if code == 5:
            say("error: pytest collected no tests")
            note += ", no tests collected"
        record(name, code == 0, note)

    step("summary")
    for name, ok, note in results:
        say(f"  {'ok    ' if ok else 'FAILED'}  {name:<14} {note}")
    failed = [name for name, ok, _ in results if not ok]
    say(f"  total {time.monotonic() - started:.0f} s "
        f"({time.monotonic() - checks_started:.0f} s after set-up)")
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


def cmd_book(args: list[str]) -> None:
    # the notebooks run as in the test command, so the video extra too where it installs
    ensure_venv(["book", "video"] if (3, 9) <= sys.version_info[:2] <= (3, 12) else ["book"])
    edition = ("both editions" if "--both" in args
               else "instructor's edition" if "--instructor" in args else "learner's edition")
    step(f"course website, {edition} (book/build.py)")
    code = run([venv_python(), ROOT / "book" / "build.py", *args], cwd=ROOT, env=scratch_env())
    sys.exit(code)


def cmd_handouts(args: list[str]) -> None:
    ensure_venv(["handouts"])
    if not any(a == "--out" or a.startswith("--out=") for a in args):
        args = [*args, "--out", str(ROOT / "build" / "handouts")]
    step("printable handouts (hinge_lib/course/handouts.py)")
    sys.exit(run([venv_python(), "-m", "hinge_lib.course.handouts", *args], cwd=ROOT))


COMMANDS = {
    "course": cmd_course,
    "app": cmd_app,
    "test": cmd_test,
    "bench": cmd_bench,
    "hub": cmd_hub,
    "outputs": cmd_outputs,
    "book": cmd_book,
    "handouts": cmd_handouts,
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
