"""An independent digit judge: a second classifier for scoring models trained *with* the first (lesson 10).

SRGAN's perceptual loss (learntools.gans.training.superres) compares images in the feature space of the
course's digit classifier (metrics.DigitClassifier). Asking that same classifier afterwards whether the
outputs read as the right digit lets the generator be graded by its own teacher: an output can please
those particular features without being a clearer digit. The judge shares nothing with that classifier:

- another architecture (LeNet-style: two 5x5 convolutions, no BatchNorm, a 64-unit hidden layer);
- another seed, and no non-digit ("outlier") images in training;
- another training set: the odd-numbered half of the subset's "train" split (2,000 digits); like the
  digit classifier it never sees the held-out "test" split.

    judge_probabilities(images)        # (N, 10) p(y|x) from the judge, images (N, 1, 28, 28) in [-1, 1]
    judge_accuracy(images, labels)     # the fraction the judge reads as `labels`

The weights (learntools/gans/weights/digit_judge.pt) are rebuilt by
``python -m learntools.gans.evaluation.train_judge``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import torch
from torch import nn

from learntools.gans.evaluation.metrics import NUM_CLASSES, ClassifierWeightsError, _as_images
from learntools.gans.runtime import default_device

__all__ = ["DigitJudge", "load_judge", "judge_probabilities", "judge_accuracy"]

JUDGE_WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "weights" / "digit_judge.pt"
JUDGE_RETRAIN_COMMAND = "python -m learntools.gans.evaluation.train_judge"


class DigitJudge(nn.Module):
    """LeNet-style digit classifier: (N, 1, 28, 28) in [-1, 1] -> (N, 10) logits. 28,886 parameters."""

    def __init__(self, hidden: int = 64):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2),   # (N, 6, 28, 28)
            nn.ReLU(),
            nn.MaxPool2d(2),                             # (N, 6, 14, 14)
            nn.Conv2d(6, 16, kernel_size=5),             # (N, 16, 10, 10)
            nn.ReLU(),
            nn.MaxPool2d(2),                             # (N, 16, 5, 5)
            nn.Flatten(),                                # (N, 400)
        )
        self.head = nn.Sequential(nn.Linear(16 * 5 * 5, hidden), nn.ReLU(), nn.Linear(hidden, NUM_CLASSES))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))  # (N, 10)


def load_judge(device=None, weights_path=None) -> DigitJudge:
    """The shipped judge, in eval mode, frozen, on `device` (chosen automatically); cached after the first call."""
    device = torch.device(device) if device is not None else default_device()
    path = Path(weights_path) if weights_path is not None else JUDGE_WEIGHTS_PATH
    return _load_judge_cached(str(device), str(path.resolve()))


@functools.lru_cache(maxsize=4)
def _load_judge_cached(device: str, path: str) -> DigitJudge:
    if not Path(path).is_file():
        raise FileNotFoundError(f"The digit judge's weights file {path} is missing; reinstall the package "
                                f"or rebuild the file with `{JUDGE_RETRAIN_COMMAND}`.")
    try:
        state_dict = torch.load(path, map_location="cpu", weights_only=True)  # plain tensors only
    except Exception as error:
        raise ClassifierWeightsError(f"The digit judge's weights file {path} cannot be read "
                                     f"({type(error).__name__}): rebuild it with `{JUDGE_RETRAIN_COMMAND}`.") from None
    with torch.random.fork_rng(devices=[]):  # building draws random weights: leave the caller's stream alone
        model = DigitJudge()
    try:
        model.load_state_dict(state_dict)
    except Exception:
        raise ClassifierWeightsError(f"The weights in {path} do not fit DigitJudge; rebuild them with "
                                     f"`{JUDGE_RETRAIN_COMMAND}`.") from None
    model.eval()
    model.requires_grad_(False)
    return model.to(device)


def judge_probabilities(images, batch_size: int = 500) -> torch.Tensor:
    """The judge's p(y|x): (N, 1, 28, 28) in [-1, 1] -> float32 CPU tensor (N, 10), rows sum to 1."""
    images = _as_images(images)  # checked, float32, CPU, clamped to [-1, 1]
    model = load_judge()
    device = next(model.parameters()).device
    with torch.inference_mode():
        logits = torch.cat([model(part.to(device)).float().cpu() for part in images.split(batch_size)])
    return torch.softmax(logits, dim=1)


def judge_accuracy(images, labels) -> float:
    """The fraction of `images` the judge reads as `labels` (N,)."""
    labels = torch.as_tensor(labels).reshape(-1).cpu()
    predictions = judge_probabilities(images).argmax(dim=1)
    if len(labels) != len(predictions):
        raise ValueError(f"{len(predictions)} images but {len(labels)} labels.")
    return (predictions == labels).float().mean().item()
