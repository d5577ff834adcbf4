"""JupyterHub for trying the course on one machine (`python3 tasks.py hub`).

Each student logs in with their own personal code (deploy/hub/student_codes.py). Every
student is a separate system user (LocalProcessSpawner: their server runs under their
own user id, their home is closed to the others), the instructor is an admin, idle servers
are stopped by jupyterhub-idle-culler. tasks.py creates the users and passes the settings in
HINGE_HUB_* environment variables. Not a replacement for an institution's hub: no HTTPS, no
single sign-on, one machine.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (defined by JupyterHub when it reads this file)

ROOT = Path(os.environ["HINGE_HUB_ROOT"])
STATE = Path(os.environ["HINGE_HUB_STATE"])
BIN = Path(sys.executable).parent

c.JupyterHub.ip = os.environ.get("HINGE_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("HINGE_HUB_PORT", "8000"))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.command = [os.environ["HINGE_HUB_PROXY"]]
# the hub's own API and the proxy's API listen on the loopback, on JupyterHub's ports (8081,
# 8001) unless these say otherwise: a hub started by the tests takes free ones, so it does
# not clash with another hub on the same machine
if os.environ.get("HINGE_HUB_API_PORT"):
    c.JupyterHub.hub_port = int(os.environ["HINGE_HUB_API_PORT"])
if os.environ.get("HINGE_HUB_PROXY_API_PORT"):
    c.ConfigurableHTTPProxy.api_url = (
        f"http://127.0.0.1:{int(os.environ['HINGE_HUB_PROXY_API_PORT'])}")

# each student and the instructor log in with a code of their own (made by tasks.py, kept
# hashed in HINGE_HUB_CODES): no class password, so a classmate's name is not enough; only
# the users tasks.py created may log in; "Ana" and "ana" are the same student
sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_authenticator import PersonalCodeAuthenticator  # noqa: E402

c.JupyterHub.authenticator_class = PersonalCodeAuthenticator
c.PersonalCodeAuthenticator.codes_file = os.environ["HINGE_HUB_CODES"]
students = [s for s in os.environ.get("HINGE_HUB_STUDENTS", "").split(",") if s]
instructor = os.environ["HINGE_HUB_INSTRUCTOR"]
c.Authenticator.allowed_users = set(students)
# the hub's own default, written out: a student's server is theirs alone (no sharing, no
# access to other users' servers); only the instructor (admin) may open any server
c.JupyterHub.allow_named_servers = False
c.Authenticator.admin_users = {instructor}

# each user's server runs as that system user, started in their own home
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/hip-hinge-coach/notebooks/00-start-here.ipynb"
c.Spawner.args = [
    "--ServerApp.kernel_websocket_connection_class=hinge_lib.serving.NoDelayKernelConnection",
    "--NoDelayKernelConnection.compress=True",  # students reach the hub over a network
]
c.Spawner.environment = {"JUPYTER_PLATFORM_DIRS": "1", "MPLCONFIGDIR": "/tmp/matplotlib-{username}"}
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120


def copy_course(spawner):
    """Put the course into a user's home the first time their server starts."""
    import pwd

    user = pwd.getpwnam(spawner.user.name)
    target = Path(user.pw_dir) / "hip-hinge-coach" / "notebooks"
    if target.exists():
        return
    shutil.copytree(ROOT / "notebooks", target,
                    ignore=shutil.ignore_patterns("*.log", ".ipynb_checkpoints"))
    for folder, _, files in os.walk(target.parent):
        os.chown(folder, user.pw_uid, user.pw_gid)
        for name in files:
            os.chown(os.path.join(folder, name), user.pw_uid, user.pw_gid)


c.Spawner.pre_spawn_hook = copy_course

# stop servers idle for a while; students' files stay in their homes
cull_after = os.environ.get("HINGE_HUB_CULL_AFTER", "1800")
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_after}",
                f"--cull-every={max(10, min(300, int(cull_after) // 4))}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
