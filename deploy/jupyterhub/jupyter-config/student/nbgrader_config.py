"""nbgrader for a student's server on the class hub (JUPYTER_CONFIG_PATH points here)."""

import os
import sys

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "gan-workshop"
c.Exchange.root = os.environ.get("GAN_WORKSHOP_EXCHANGE", "/srv/nbgrader/exchange")
# The Validate button runs the notebook: the training lessons' cells need more than nbgrader's 30 s.
c.Execute.timeout = 300

# Submissions readable by their author and the instructors' group only (nbgrader's own are world-readable).
_COURSE_PLUGINS = os.environ.get("GAN_WORKSHOP_NBGRADER")
if _COURSE_PLUGINS and _COURSE_PLUGINS not in sys.path:
    sys.path.insert(0, _COURSE_PLUGINS)
c.ExchangeFactory.submit = "gan_workshop_exchange.PrivateSubmit"
