"""Training loops (the map: module, what it holds, which lesson teaches it).

- trainer.py:     `GANTrainer`: the D step and the G step first, then the hooks the variants
                  replace, fit, sample, checkpoints (lessons 01, 06)
- ingredients.py: the ingredients it is built from: `gaussian_noise`, `AdamSettings`,
                  `TrainingSequence`, the loss by name (lessons 01, 06)
- checkpoints.py: checkpoint files, every random state, exact resume (lesson 06)
- distributed.py: torchrun: process group, DistributedDataParallel, stopping together (lesson 06's extra)
- live.py:        callbacks (`every`) and the live notebook view (lesson 06)
- conditional.py: `ConditionalGANTrainer`, labels in both steps (lesson 08)
- pix2pix.py:     `Pix2PixTrainer` (adversarial + L1) and `fit_l1`, the L1-only baseline (lesson 09)
- cyclegan.py:    `CycleGANTrainer` and the `ImagePool` (lesson 10)
- superres.py:    `SRGANTrainer`, pix2pix's trainer with SRGAN's feature loss (lesson 10)
- augment.py:     DiffAugment: `translate`, `cutout`, `diff_augment` and `DiffAugmentTrainer`, whose D sees
                  only augmented images, real and fake, in both steps (lesson 12)
- text.py:        `TextGANTrainer`, captions in both steps, GAN-CLS's matching-aware D loss (lesson 14)
"""

from learntools.gans.training.augment import *  # noqa: F401,F403
from learntools.gans.training.conditional import *  # noqa: F401,F403
from learntools.gans.training.cyclegan import *  # noqa: F401,F403
from learntools.gans.training.pix2pix import *  # noqa: F401,F403
from learntools.gans.training.superres import *  # noqa: F401,F403
from learntools.gans.training.trainer import *  # noqa: F401,F403
