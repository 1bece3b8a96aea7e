"""The bootstrap cell every generated notebook starts with, shown collapsed in JupyterLab.

The learner's first visible cell is the lesson's own set-up cell, Kaggle-style::

    from learntools.core import binder; binder.bind(globals())
    from learntools.gans.ex2 import *

The bootstrap before it makes sure this course's ``learntools`` is the one imported (installing the
course's package where it is missing, e.g. on Kaggle or Colab, and stepping past Kaggle's own, unrelated
``learntools``), prints the version and compares it with the version the notebook was built with, and
stops with one clear message when the package cannot be installed. The install source can be overridden
with the environment variable ``GAN_WORKSHOP_PIP`` (a pip requirement, a wheel file or a folder).
"""

TEMPLATE = '''\
# Bootstrap (no need to read it): finds the course package, gan-workshop, and checks its version.
# On Kaggle or Colab it installs the package first, which needs Internet switched on once.
import importlib, os, subprocess, sys

BUILT_WITH = "{version}"  # the gan-workshop version this notebook was made for


def _course_learntools():
    """This course's learntools module, or None (missing, or another package of that name)."""
    try:
        import learntools
    except ImportError:
        return None
    return learntools if getattr(learntools, "COURSE", None) == "gan-workshop" else None


if _course_learntools() is None:
    _source = os.environ.get("GAN_WORKSHOP_PIP", "gan-workshop==" + BUILT_WITH)
    _target = os.path.join(os.path.expanduser("~"), ".gan-workshop", BUILT_WITH)
    print(f"Installing the course package ({{_source}}) into {{_target}} ...")
    _pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade",
                           "--target", _target, _source], capture_output=True, text=True)
    sys.path.insert(0, _target)  # ahead of any other package called learntools
    for _name in [m for m in sys.modules if m == "learntools" or m.startswith("learntools.")]:
        del sys.modules[_name]
    importlib.invalidate_caches()
    if _pip.returncode != 0 or _course_learntools() is None:
        _why = (_pip.stderr.strip().splitlines() or ["the installed package is not the course's learntools"])[-1]
        raise RuntimeError(
            f"The course package could not be installed ({{_why}}). Switch on Internet access "
            f"(on Kaggle: Settings > Internet) and run this cell again, or install it yourself with "
            f"`pip install gan-workshop=={{BUILT_WITH}}`. Nothing below will work until this cell does."
        ) from None

import learntools
print(f"gan-workshop {{learntools.__version__}}")
if learntools.__version__ != BUILT_WITH:
    print(f"Note: this notebook was made for gan-workshop {{BUILT_WITH}}, but {{learntools.__version__}} is "
          f"installed; if a check disagrees with an exercise, use the notebooks of the installed version.")'''

SETUP_LINES = """\
from learntools.core import binder; binder.bind(globals())
from learntools.gans.{module} import *
"""


def bootstrap_source(version):
    """The bootstrap cell's code for notebooks built with gan-workshop ``version``."""
    return TEMPLATE.format(version=version)


def setup_lines(module):
    """The two set-up lines of a lesson whose checks live in ``learntools.gans.<module>``."""
    return SETUP_LINES.format(module=module)
