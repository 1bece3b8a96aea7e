"""nbgrader's exchange with submissions kept private, for a class on a shared server.

nbgrader's `submit` leaves a submission world-readable (its folder even world-writable), hidden only by
a name other students cannot list. PrivateSubmit makes the folder readable by its author and by the
group of the exchange's inbound folder (the instructor's, which nbgrader passes on through the set-gid
bit), and by nobody else: the instructor can still collect it. Students' nbgrader configuration selects
it on the hub: `c.ExchangeFactory.submit = "gan_workshop_exchange.PrivateSubmit"`.
"""

import os
import stat

from nbgrader.exchange.default.submit import ExchangeSubmit

FOLDER_MODE = 0o750  # rwxr-x---: the author, then the instructors' group
FILE_MODE = 0o640


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission closed to everybody but its author and the instructors."""

    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(submission):
            os.chmod(folder, FOLDER_MODE | (os.stat(folder).st_mode & stat.S_ISGID))
            for name in files:
                os.chmod(os.path.join(folder, name), FILE_MODE)
        self.log.info("Submission readable by you and the instructors only: %s", submission)
