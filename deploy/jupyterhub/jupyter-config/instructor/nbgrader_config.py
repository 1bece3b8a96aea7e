"""nbgrader for an instructor's server on the class hub (JUPYTER_CONFIG_PATH points here).

The course's own settings come from nbgrader_config.py in the course folder, where the instructor's
server opens and where nbgrader commands run; this file only names the course.
"""

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "gan-workshop"
