"""nbgrader's exchange with submissions kept private, for a class on a shared server.

nbgrader's `submit` leaves a submission's folder world-readable and world-writable, hidden only by a
name other students cannot list. PrivateSubmit closes the folder (mode 750) to everybody but its author
and the group of the exchange's inbound folder, the instructor's: nbgrader's inbound folder is set-gid,
so a submission's folder is created in that group, and the instructor can still collect it. The files
inside keep their modes (readable): the closed folder is what keeps other students out.

Students' nbgrader configuration selects it on the hub: `c.ExchangeFactory.submit =
"gan_workshop_exchange.PrivateSubmit"` (deploy/jupyterhub/jupyter-config/student/nbgrader_config.py).
"""

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

FOLDER_MODE = 0o750  # rwxr-x---: the author, then the instructor's group


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission's folder closed to everybody but its author and the instructor."""

    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        if os.stat(submission).st_gid != os.stat(self.inbound_path).st_gid:
            self.log.warning("The submission's folder is not in the inbound folder's group (is inbound/ "
                             "set-gid?); left readable by everybody so that the instructor can collect it")
            return
        os.chmod(submission, FOLDER_MODE)
        self.log.info("Submission readable by you and the instructors only: %s", submission)
