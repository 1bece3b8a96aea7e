"""learntools: the checker engine and reference code of the GAN Workshop.

Distributed on PyPI-style indexes as ``gan-workshop``; imported as ``learntools``.

- core/: the checker engine: problems with check(), hint() and solution(), safe calls into learner
         code, feedback; it knows nothing about GANs (every lesson's checks are built on it)
- gans/: each lesson's checks (gans/exN.py) and the reference GAN library (gans/data, models,
         training, evaluation, display); its own docstring is the map

The layers and the rules of which may import which: docs/architecture.md.
"""

import os as _os

__version__ = "0.1.0"

# Lets a notebook tell this course's learntools from Kaggle's package of the same name.
COURSE = "gan-workshop"

# PyTorch's CPU threads (OpenMP) spin while they wait for each other. On a 2-core laptop that is also
# running a browser, or on a shared machine, a spinning thread takes the core its partner needs, and a
# DCGAN training step becomes 10-20 times slower (measured: 0.33 s passive vs 4 s spinning, 2 threads,
# 2 busy cores). Passive waiting costs little on an idle machine. It only takes effect when set before
# torch is first imported, which is what a notebook's set-up cell does; set OMP_WAIT_POLICY to override.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
