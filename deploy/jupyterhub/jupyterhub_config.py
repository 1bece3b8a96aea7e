"""JupyterHub for a GAN Workshop class on one server (see README.md next to this file).

    sudo /path/to/gan-workshop/.venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

- Log-in: PAM, i.e. the server's own Unix accounts and passwords (made by add-user.sh). Only members
  of the students' and instructors' groups may log in.
- Servers: each user's JupyterLab runs as that Unix user (LocalProcessSpawner), from the course's
  Python environment (the one running this hub), in their home folder.
- nbgrader: every server knows the course and the exchange folder. Students get the assignment panel
  (fetch, validate, submit, fetch feedback); the formgrader and course list are switched off for them.
  Instructors' servers open in the course folder, with the formgrader (nbgrader's "instructor's server
  extension" set-up, one course, one grader account).

Settings, from the environment (defaults in brackets):

    GAN_HUB_URL          where the hub listens [http://:8000]
    GAN_HUB_API_PORT     the hub's internal API port on 127.0.0.1 [8081]
    GAN_HUB_PROXY_PORT   the proxy's API port on 127.0.0.1 [8001]
    GAN_HUB_STATE        the hub's database, cookie secret and proxy pid [/srv/jupyterhub]
    GAN_HUB_EXCHANGE     nbgrader's exchange folder [/srv/nbgrader/exchange]
    GAN_HUB_COURSE       the instructor's course folder (a copy of nbgrader/) [/srv/nbgrader/gan-workshop]
    GAN_HUB_STUDENTS     the students' Unix group [gan-students]
    GAN_HUB_INSTRUCTORS  the instructors' Unix group [gan-instructors]
"""

import grp
import os
import pwd
import sys

c = get_config()  # noqa: F821  (provided by JupyterHub)

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(os.path.dirname(HERE))
ENVIRONMENT_BIN = os.path.dirname(os.path.abspath(sys.executable))  # the course's .venv/bin
STATE = os.environ.get("GAN_HUB_STATE", "/srv/jupyterhub")
EXCHANGE = os.environ.get("GAN_HUB_EXCHANGE", "/srv/nbgrader/exchange")
COURSE = os.environ.get("GAN_HUB_COURSE", "/srv/nbgrader/gan-workshop")
STUDENTS = os.environ.get("GAN_HUB_STUDENTS", "gan-students")
INSTRUCTORS = os.environ.get("GAN_HUB_INSTRUCTORS", "gan-instructors")

# ---------------------------------------------------------------------------- network and state

c.JupyterHub.bind_url = os.environ.get("GAN_HUB_URL", "http://:8000")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('GAN_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('GAN_HUB_PROXY_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops everybody's server

# ------------------------------------------------------------------------------------ log-in

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
c.PAMAuthenticator.create_system_users = False  # accounts come from add-user.sh, never from the hub

# ----------------------------------------------------------------------------------- servers


def in_group(user_name, group_name):
    """Whether the Unix user belongs to the group (as a member or by their primary group)."""
    try:
        group = grp.getgrnam(group_name)
    except KeyError:
        return False
    return user_name in group.gr_mem or pwd.getpwnam(user_name).pw_gid == group.gr_gid


c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(ENVIRONMENT_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "PATH": ENVIRONMENT_BIN + ":/usr/local/bin:/usr/bin:/bin",
    "GAN_WORKSHOP_EXCHANGE": EXCHANGE,
}


def configure_by_role(spawner):
    """Instructors: the course folder and the formgrader. Students: the assignment panel only."""
    name = spawner.user.name
    if in_group(name, INSTRUCTORS):
        spawner.notebook_dir = COURSE
        spawner.environment["GAN_WORKSHOP_COURSE"] = COURSE  # the Formgrader loads its configuration
        spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(HERE, "jupyter-config", "instructor")
    else:
        spawner.notebook_dir = "~"
        spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(HERE, "jupyter-config", "student")
    spawner.environment["GAN_WORKSHOP_NBGRADER"] = os.path.join(REPOSITORY, "nbgrader")


c.Spawner.pre_spawn_hook = configure_by_role
