"""learntools: the checker engine and reference code of the GAN Workshop.

Distributed on PyPI-style indexes as ``gan-workshop``; imported as ``learntools``.
"""

__version__ = "0.1.0"

# Lets a notebook tell this course's learntools from Kaggle's package of the same name.
COURSE = "gan-workshop"
