"""The lessons the class tools (the hub test, the parallel-grading test, the grading benchmark) use.

Found by a name pattern, so that renumbering a lesson changes one line here.
"""

import fnmatch
import os

HERE = os.path.dirname(os.path.abspath(__file__))

CONVOLUTION_LESSON = "*_convolution"   # lesson 02: no training, grades in seconds
TRAINING_LESSON = "*_training"         # the lesson that trains a GAN (test mode under nbgrader)


def find_lesson(pattern, course=HERE):
    """The one assignment folder of ``course``/source whose name matches ``pattern``."""
    source = os.path.join(course, "source")
    found = sorted(name for name in os.listdir(source) if fnmatch.fnmatch(name, pattern))
    if len(found) != 1:
        raise LookupError(f"expected one lesson matching {pattern!r} in {source}, found {found}")
    return found[0]
