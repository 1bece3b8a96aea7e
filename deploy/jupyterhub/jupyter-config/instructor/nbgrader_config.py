"""nbgrader for an instructor's server on the class hub (JUPYTER_CONFIG_PATH points here).

Loads the course folder's own nbgrader_config.py (its root, its grading plugins, the feedback without
hidden tests), so that the Formgrader, which reads its configuration from here and from the folder the
server started in (the instructor's home), uses the course's settings as nbgrader commands run in the
course folder do.
"""

import os

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "gan-workshop"
_COURSE = os.environ.get("GAN_WORKSHOP_COURSE")
if _COURSE and os.path.exists(os.path.join(_COURSE, "nbgrader_config.py")):
    load_subconfig("nbgrader_config.py", path=_COURSE)  # noqa: F821  (provided by traitlets)
