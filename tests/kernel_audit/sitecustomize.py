"""Test instrument: every file a class-app kernel opens or lists, written to a log.

Put this folder first on the class app's PYTHONPATH with $HINGE_TEST_FILE_LOG set (see
tests/test_class_security.py); the kernels inherit both. Each kernel appends JSON lines
``{"t", "pid", "event", "path", "write"}`` for the audit events ``open``, ``os.listdir`` and
``os.scandir``. Other processes (the server itself) are left alone.
"""

import json
import os
import sys
import time

_LOG = os.environ.get("HINGE_TEST_FILE_LOG")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _install(log_path: str) -> None:
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    pid = os.getpid()

    def hook(event, args):
        if event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        write = False
        if event == "open":
            mode, flags = (args[1], args[2]) if len(args) > 2 else (None, 0)
            write = bool(mode and any(c in str(mode) for c in "wax+")) or bool(
                isinstance(flags, int) and flags & _WRITE_FLAGS)
        line = json.dumps({"t": time.time(), "pid": pid, "event": event,
                           "path": os.fsdecode(path), "write": write})
        os.write(fd, (line + "\n").encode())

    sys.addaudithook(hook)


if _LOG and "ipykernel_launcher" in " ".join(getattr(sys, "orig_argv", sys.argv)):
    _install(_LOG)
