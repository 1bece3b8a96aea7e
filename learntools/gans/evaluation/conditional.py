"""Measuring a conditional GAN: does G draw the digit it was asked for? (lesson 08)

    class_accuracy(G)["mean"]                    # how often the digit classifier reads what was asked
    digit_grid(G)                                # rows of 0..9, one column per digit
"""

from __future__ import annotations

import torch

from learntools.gans.models.conditional import NUM_CLASSES

__all__ = ["accuracy_per_class", "class_accuracy", "digit_grid"]


def accuracy_per_class(predicted, asked, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """For each digit k: the fraction of the images *asked* to be k that were *read* as k.

    predicted, asked: (N,) class numbers. Returns float (num_classes,); NaN for a digit never asked.
    """
    predicted = torch.as_tensor(predicted).long().flatten()
    asked = torch.as_tensor(asked).long().flatten()
    if predicted.shape != asked.shape:
        raise ValueError(f"predicted and asked must have the same length, got {len(predicted)} and {len(asked)}.")
    correct = (predicted == asked).float()  # (N,)
    hits = torch.zeros(num_classes).index_add_(0, asked, correct)  # (num_classes,) right answers per asked digit
    counts = torch.zeros(num_classes).index_add_(0, asked, torch.ones_like(correct))  # (num_classes,)
    return hits / counts  # 0/0 = NaN for a digit never asked


@torch.no_grad()
def class_accuracy(generator, n_per_class: int = 100, seed: int = 0, num_classes: int = NUM_CLASSES,
                   batch_size: int = 500) -> dict:
    """Ask a conditional generator for n_per_class images of every digit and let the shipped digit
    classifier (learntools.gans.metrics) read them.

    Returns {"per_class": [10 fractions], "mean": the mean of those, "chance": 1/num_classes}.
    The generator runs in eval mode; the global random state is left alone.
    """
    from learntools.gans.evaluation.metrics import classifier_probabilities

    if not isinstance(n_per_class, int) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive whole number, got {n_per_class!r}.")
    device = next(generator.parameters()).device
    z_dim = generator.z_dim
    asked = torch.arange(num_classes).repeat_interleave(n_per_class)  # (10 * n,) 0, 0, ..., 9, 9
    z = torch.randn(len(asked), z_dim, generator=torch.Generator().manual_seed(seed))  # (10 * n, z_dim)

    was_training = generator.training
    generator.eval()
    try:
        images = torch.cat([generator(z_part.to(device), y_part.to(device)).float().cpu().clamp(-1, 1)
                            for z_part, y_part in zip(z.split(batch_size), asked.split(batch_size))])
    finally:
        generator.train(was_training)

    with torch.random.fork_rng(devices=[]):  # loading the classifier the first time draws random numbers
        predicted = classifier_probabilities(images).argmax(dim=1)  # (10 * n,)
    per_class = accuracy_per_class(predicted, asked, num_classes)
    return {"per_class": [round(float(a), 4) for a in per_class], "mean": round(float(per_class.mean()), 4),
            "chance": 1.0 / num_classes}


@torch.no_grad()
def digit_grid(generator, rows: int = 8, seed: int = 0, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """A (rows * 10, C, 28, 28) batch: each row one noise vector, each column the digits 0..9.

    Show it with plots.show_images(grid, nrow=10).
    """
    device = next(generator.parameters()).device
    z = torch.randn(rows, generator.z_dim, generator=torch.Generator().manual_seed(seed))  # (rows, z_dim)
    z = z.repeat_interleave(num_classes, dim=0).to(device)  # (rows * 10, z_dim)
    labels = torch.arange(num_classes).repeat(rows).to(device)  # (rows * 10,)
    was_training = generator.training
    generator.eval()
    try:
        return generator(z, labels).float().cpu()
    finally:
        generator.train(was_training)
