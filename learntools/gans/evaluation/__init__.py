"""Measuring generators (the map: module, what it holds, which lesson teaches it).

- metrics.py:          the digit classifier and the quality figures built on it: classifier score,
                       Frechet distance, class coverage, `evaluate_images` (lessons 06, 08, 09)
- conditional.py:      does a conditional G draw the digit it was asked for? `class_accuracy` (lesson 08)
- translation.py:      `translate`, L1, PSNR, `translation_scores`, CycleGAN's `cycle_scores` (lessons 09, 10)
- loss_comparison.py:  five GAN losses on digits over seeds, and its shipped results loss_comparison.json
                       (`python -m learntools.gans.evaluation.loss_comparison`; lesson 07)
- train_classifier.py: the script that trains the digit classifier behind metrics.py
                       (`python -m learntools.gans.evaluation.train_classifier`; instructors only)
- fidelity.py:         honest evaluation from feature vectors: nearest neighbours (memorisation), k-NN radii,
                       precision and recall (Kynkaanniemi et al. 2019), a near-copy threshold from held-out
                       data, the Frechet distance against the number of samples (lesson 13)
- judge.py:            an independent digit judge, for scoring models trained with the classifier's
                       features (SRGAN's perceptual loss, lesson 10); `judge_accuracy`
- train_judge.py:      the script that trains it (`python -m learntools.gans.evaluation.train_judge`)
- text.py:             does a text G follow its caption? digit match, thickness and slant agreement (lesson 14)
"""

from learntools.gans.evaluation.conditional import *  # noqa: F401,F403
from learntools.gans.evaluation.judge import *  # noqa: F401,F403
from learntools.gans.evaluation.metrics import *  # noqa: F401,F403
from learntools.gans.evaluation.translation import *  # noqa: F401,F403
