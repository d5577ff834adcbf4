"""Personal access codes for the one-machine hub (`python3 tasks.py hub`).

Every student (and the instructor) gets a code of their own, made here and handed out by
the instructor; there is no class password, so knowing a classmate's name is not enough to
log in as them. The hub keeps only a salted hash of each code (PBKDF2-SHA256) in a JSON file
it reads on every login; a second file lists the codes themselves for the instructor. Both
live in the hub's state folder, readable by root only.

Names are matched as students type them: "Ana", " ana " and "ana" are the same student.
Standard library only (tasks.py uses it before anything is installed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

#: Letters and digits that are hard to confuse when read aloud or copied by hand.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
HASHES_FILE = "student-codes.json"
LIST_FILE = "student-codes.txt"
ITERATIONS = 200_000


def normalize_name(name: str) -> str:
    """A name as the hub stores it: surrounding spaces dropped, lower case."""
    return name.strip().lower()


def new_code() -> str:
    """A fresh personal code such as ``'k7qm-x2rp-9dfa'`` (about 59 bits)."""
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))


def hash_code(code: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The stored form of a code: ``pbkdf2_sha256$iterations$salt$hash`` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", code.strip().encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def code_matches(code: str, stored: str) -> bool:
    """True if ``code`` is the one whose hash is ``stored`` (compared in constant time)."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        again = hash_code(code, bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(again.rsplit("$", 1)[1], digest)


def read_hashes(path: str | os.PathLike) -> dict[str, str]:
    """Name -> stored hash, from the hub's codes file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise ValueError(f"{path}: expected {{'users': {{name: hash}}}}")
    return {normalize_name(str(k)): str(v) for k, v in users.items()}


def ensure_codes(folder: str | os.PathLike, names: list[str]) -> dict[str, str]:
    """Codes for ``names`` (name -> code), kept in ``folder`` across restarts.

    Names already listed keep their code; new names get a fresh one. Writes the codes list
    (for the instructor) and the hashes (for the hub), both readable by their owner only,
    and returns the codes of ``names``.
    """
    folder = Path(folder)
    listed = folder / LIST_FILE
    codes: dict[str, str] = {}
    if listed.exists():
        for line in listed.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                codes[normalize_name(parts[0])] = parts[1]
    for name in map(normalize_name, names):
        codes.setdefault(name, new_code())
    lines = ["# personal access codes for the course hub: hand each person their own", *(
        f"{name} {code}" for name, code in sorted(codes.items()))]
    hashes = {"users": {name: hash_code(code) for name, code in sorted(codes.items())}}
    _write_private(listed, "\n".join(lines) + "\n")
    _write_private(folder / HASHES_FILE, json.dumps(hashes, indent=1) + "\n")
    return {normalize_name(n): codes[normalize_name(n)] for n in names}


def _write_private(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temp, path)
