"""Train the digit classifier behind learntools.gans.evaluation.metrics and save its weights.

    python -m learntools.gans.evaluation.train_classifier            # rebuilds learntools/gans/weights/mnist_classifier.pt
    python -m learntools.gans.evaluation.train_classifier --out my.pt

It learns from the "train" split of the MNIST subset only (4,000 images), so the "test" split stays
held out for the metrics' real-data figures. Seeds are fixed: the same torch version on the same kind
of machine gives the same weights. About a minute on two CPU cores.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from learntools.gans.data.digits import load_mnist
from learntools.gans.evaluation.metrics import WEIGHTS_PATH, DigitClassifier


def random_affine(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Light augmentation: small random rotations, zooms and shifts of (N, 1, 28, 28) digits."""
    n = len(images)
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(10)  # up to 10 degrees
    scale = 1 + (torch.rand(n, generator=generator) * 2 - 1) * 0.1  # 0.9 to 1.1
    shift = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 * 2 / 28)  # up to 2 pixels

    # A 2x3 matrix per image mapping output coordinates (in [-1, 1]) to input coordinates.
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], dim=1), torch.stack([sin, cos, shift[:, 1]], dim=1)],
        dim=1,
    )  # (N, 2, 3)

    grid = F.affine_grid(theta, list(images.shape), align_corners=False)  # (N, 28, 28, 2)
    # "border" repeats the edge pixels, which are background (-1), so no grey frame appears.
    return F.grid_sample(images, grid, padding_mode="border", align_corners=False)


def not_digits(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 1, 28, 28) images that are no digit: half pixel noise, half smooth random blobs.

    The classifier learns to answer "no idea" (a uniform p(y|x)) for these, so that noise coming out of
    an untrained generator is not reported as a confident digit.
    """
    pixel_noise = torch.rand(n // 2, 1, 28, 28, generator=generator) * 2 - 1  # (n/2, 1, 28, 28)
    coarse = torch.rand(n - n // 2, 1, 7, 7, generator=generator) * 2 - 1  # (n/2, 1, 7, 7)
    blobs = F.interpolate(coarse, size=(28, 28), mode="bilinear", align_corners=False)  # (n/2, 1, 28, 28)
    return torch.cat([pixel_noise, blobs])


def accuracy(model: DigitClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    model.eval()
    with torch.inference_mode():
        predictions = torch.cat([model(batch).argmax(dim=1) for batch in images.split(1000)])
    return (predictions == labels).float().mean().item()


def train(
    epochs: int = 20,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    outliers_per_batch: int = 16,
    outlier_weight: float = 0.5,
    seed: int = 0,
    log=print,
):
    """Train a DigitClassifier on the subset's train split; returns (model, test accuracy)."""
    train_images, train_labels = load_mnist(split="train", source="subset")  # (4000, 1, 28, 28)
    test_images, test_labels = load_mnist(split="test", source="subset")  # (1000, 1, 28, 28)

    # 1. Fixed seeds: one for the weights and dropout, one generator for shuffling and augmentation.
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = DigitClassifier()

    # 2. Adam with a one-cycle schedule: warm up, then anneal to almost zero.
    steps_per_epoch = len(train_images) // batch_size
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=learning_rate, total_steps=epochs * steps_per_epoch
    )

    # 3. The usual loop (shuffle, augment, cross-entropy, step), plus a few non-digits per batch whose
    #    target is the uniform distribution over the ten classes ("outlier exposure").
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(train_images), generator=generator)
        total_loss = 0.0
        for step in range(steps_per_epoch):
            index = order[step * batch_size : (step + 1) * batch_size]
            digits = random_affine(train_images[index], generator)  # (B, 1, 28, 28)
            outliers = not_digits(outliers_per_batch, generator)  # (K, 1, 28, 28)
            logits = model(torch.cat([digits, outliers]))  # (B + K, 10)

            digit_loss = F.cross_entropy(logits[:batch_size], train_labels[index])
            outlier_loss = -F.log_softmax(logits[batch_size:], dim=1).mean()  # cross-entropy to uniform
            loss = digit_loss + outlier_weight * outlier_loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += digit_loss.item()
        log(
            f"epoch {epoch:2d}/{epochs}  digit loss {total_loss / steps_per_epoch:.4f}  "
            f"train accuracy {accuracy(model, train_images, train_labels):.4f}  "
            f"({time.perf_counter() - start:.0f} s)"
        )

    # 4. The held-out figure, measured once at the end (never used to pick anything).
    test_accuracy = accuracy(model, test_images, test_labels)
    log(f"held-out test accuracy {test_accuracy:.4f} on {len(test_images)} images")
    return model, test_accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the digit classifier used by learntools.gans.evaluation.metrics.")
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH, help="where to save the state_dict")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    model, _ = train(epochs=args.epochs, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    state_dict = {name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()}
    torch.save(state_dict, args.out)
    print(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
