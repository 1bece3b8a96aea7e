"""nbgrader configuration for the GAN Workshop course folder (run nbgrader commands from this folder)."""

import os

c = get_config()  # noqa: F821  (provided by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "gan-workshop"
c.CourseDirectory.root = HERE

# Cells that train run in the short test mode under nbgrader (NBGRADER_EXECUTION is set), but a
# 2-core machine still needs more than nbgrader's default 30 s for some of them.
c.ExecutePreprocessor.timeout = 300

# What replaces `### BEGIN SOLUTION ... ### END SOLUTION` in the student version.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
