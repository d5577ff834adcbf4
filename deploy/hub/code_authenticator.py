"""JupyterHub authenticator of the one-machine hub: each person logs in with their own code.

The codes and their hashes are made by ``student_codes.ensure_codes`` (tasks.py does it);
this reads the hashes file on every login, so a code given anew takes effect at once.
"""

from __future__ import annotations

from jupyterhub.auth import Authenticator
from student_codes import code_matches, normalize_name, read_hashes
from traitlets import Unicode


class PersonalCodeAuthenticator(Authenticator):
    """Log in with a name and that person's own code (no shared password)."""

    codes_file = Unicode(config=True, help="JSON file of name -> hashed personal code.")

    def normalize_username(self, username: str) -> str:
        # "Ana", " ana " and "ana" are the same student
        return super().normalize_username(normalize_name(username))

    async def authenticate(self, handler, data):
        name = self.normalize_username(str(data.get("username", "")))
        code = str(data.get("password", ""))
        try:
            stored = read_hashes(self.codes_file).get(name)
        except (OSError, ValueError) as err:
            self.log.error("cannot read the personal codes: %s", err)
            return None
        if stored and code_matches(code, stored):
            return name
        return None  # the hub logs the failed login itself
