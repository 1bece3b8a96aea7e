"""Train the independent digit judge of learntools.gans.evaluation.judge and save its weights.

    python -m learntools.gans.evaluation.train_judge            # rebuilds learntools/gans/weights/digit_judge.pt
    python -m learntools.gans.evaluation.train_judge --out my.pt

It learns from the odd-numbered half of the MNIST subset's "train" split (2,000 digits), with its own
architecture and seed, so that it shares nothing with the digit classifier that SRGAN's feature loss
uses; the "test" split stays held out. Seeds are fixed: the same torch version on the same kind of
machine gives the same weights. Under a minute on two CPU cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from learntools.gans.data.digits import load_mnist
from learntools.gans.evaluation.judge import JUDGE_WEIGHTS_PATH, DigitJudge
from learntools.gans.evaluation.train_classifier import random_affine

SEED = 7  # not the digit classifier's seed (0)


def judge_training_digits(limit: int | None = None):
    """The judge's training set: every other digit of the "train" split, starting at the second (odd indices)."""
    images, labels = load_mnist(split="train", source="subset")  # (4000, 1, 28, 28), (4000,)
    images, labels = images[1::2], labels[1::2]                  # (2000, 1, 28, 28)
    return (images, labels) if limit is None else (images[:limit], labels[:limit])


def train(epochs: int = 15, batch_size: int = 50, learning_rate: float = 2e-3, seed: int = SEED,
          limit: int | None = None, log=print):
    """Train a DigitJudge; returns (model, held-out test accuracy). `limit` trains on fewer digits (tests)."""
    images, labels = judge_training_digits(limit)
    test_images, test_labels = load_mnist(split="test", source="subset")  # (1000, 1, 28, 28): measured once

    # 1. Fixed seeds: one for the initial weights, one generator for shuffling and augmentation.
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = DigitJudge()

    # 2. Adam, with the learning rate annealed to zero along a cosine.
    steps_per_epoch = max(1, len(images) // batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)

    # 3. Shuffle, augment (small rotations, zooms, shifts), cross-entropy, step.
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        total = 0.0
        for step in range(steps_per_epoch):
            index = order[step * batch_size:(step + 1) * batch_size]
            loss = F.cross_entropy(model(random_affine(images[index], generator)), labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
        log(f"epoch {epoch:2d}/{epochs}  loss {total / steps_per_epoch:.4f}  ({time.perf_counter() - start:.0f} s)")

    # 4. The held-out figure, once at the end (never used to choose anything).
    model.eval()
    with torch.inference_mode():
        test_accuracy = (model(test_images).argmax(dim=1) == test_labels).float().mean().item()
    log(f"held-out test accuracy {test_accuracy:.4f} on {len(test_images)} images")
    return model, test_accuracy


def save(model: DigitJudge, path: Path) -> None:
    state_dict = {name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state_dict, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the independent digit judge (learntools.gans.evaluation.judge).")
    parser.add_argument("--out", type=Path, default=JUDGE_WEIGHTS_PATH, help="where to save the state_dict")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--limit", type=int, default=None, help="train on only this many digits (quick tests)")
    args = parser.parse_args(argv)

    threads = torch.get_num_threads()
    torch.set_num_threads(min(2, threads))  # the same float sums on any machine with >= 2 cores
    try:
        model, _ = train(epochs=args.epochs, limit=args.limit)
    finally:
        torch.set_num_threads(threads)
    save(model, args.out)
    print(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
