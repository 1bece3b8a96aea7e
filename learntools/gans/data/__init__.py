"""Data (the map: module, what it holds, which lesson teaches it).

- digits.py:   real MNIST digits (bundled subset, optional download), 8x8 digits, 2-D toy distributions,
               `Batches` and `PairedImages` (lessons 01, 03, 04, 05)
- paired.py:   paired datasets built from real digits and photos: edges, low resolution, photo patches (lesson 09)
- unpaired.py: two unpaired domains, thin and thick digit strokes, for CycleGAN (lesson 10)
- captions.py: captions from labels and measured stroke thickness and slant, wrong captions (lesson 14)
- adapters.py: `EndlessBatches`, data as the trainer's endless, resumable stream (lesson 06), and
               `KeepSecond`, which hands a trainer the images and keeps the labels or targets (lessons 08-10)
"""

from learntools.gans.data.adapters import *  # noqa: F401,F403
from learntools.gans.data.digits import *  # noqa: F401,F403
from learntools.gans.data.paired import *  # noqa: F401,F403
from learntools.gans.data.unpaired import *  # noqa: F401,F403
