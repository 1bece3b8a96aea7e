"""Training a conditional GAN: the GANTrainer with labels in both steps (lesson 08).

    trainer = ConditionalGANTrainer(G, D, data=Batches(images, labels, batch_size=64),
                                    noise=gaussian_noise(100))
    trainer.fit(seconds=60)
    class_accuracy(G)["mean"]                    # how often the digit classifier reads what was asked

The networks are in learntools.gans.models.conditional.
"""

from __future__ import annotations

import torch

from learntools.gans.data.adapters import KeepSecond
from learntools.gans.evaluation.conditional import class_accuracy
from learntools.gans.models.conditional import NUM_CLASSES, _check_labels
from learntools.gans.training.trainer import GANTrainer

__all__ = ["ConditionalGANTrainer"]


class ConditionalGANTrainer(GANTrainer):
    """GANTrainer for labelled data: G(z, y) and D(x, y).

    data yields (images, labels) batches, e.g. Batches(images, labels, batch_size=64). The fakes
    of a step are asked for the same digits as its real batch holds, so D sees real and fake
    examples of every digit in the same proportions:

        D step:  D(x, y) for the real batch, D(G(z, y).detach(), y) for the fakes
        G step:  loss_G(D(G(z, y), y))

    `sample(n, labels=...)` draws the digits you ask for; by default `fixed_noise` holds ten noise
    vectors, each repeated for the digits 0..9, so `sample(100)` is a 10x10 grid whose rows share
    a style and whose columns are the digits.
    """

    def __init__(self, generator, discriminator, data, noise, num_classes: int = NUM_CLASSES, **settings):
        self.labelled = KeepSecond(data)
        settings.setdefault("fixed_noise_size", num_classes * num_classes)
        super().__init__(generator, discriminator, self.labelled, noise, **settings)
        self.num_classes = num_classes
        self.last_labels = None

        # Fixed noise: rows of the same z, one column per digit.
        rows = max(1, self.fixed_noise.shape[0] // num_classes)
        self.fixed_noise = self.fixed_noise[:rows].repeat_interleave(num_classes, dim=0)  # (rows*10, z_dim)
        self.fixed_labels = torch.arange(num_classes, device=self.device).repeat(rows)  # (rows*10,) 0..9, 0..9, ...
        self.config["num_classes"] = num_classes

    # ---- hooks: labels go with every batch, to G and to D ----------------------------------

    def next_batch(self):
        real = self.real_batches.next()                       # (N, C, H, W)
        labels = _check_labels(self.labelled.second, self.num_classes, count=real.shape[0],
                               what="the labels of a real batch")
        self.last_real, self.last_labels = real, labels.to(self.device, non_blocking=True)  # labels (N,)
        return self.last_real, self.last_labels

    def generator_batch(self):
        if self.last_labels is None:  # a G step before any D step: ask for random digits
            self.last_labels = torch.randint(self.num_classes, (self.fixed_noise.shape[0],),
                                             device=self.device, generator=self.rng)
        return self.last_real, self.last_labels

    def generate(self, real, labels):
        """Fakes of the digits `labels`: the D step's fakes are asked for its real batch's digits."""
        z = self.noise(len(labels), self.device, self.rng)    # (N, z_dim)
        return self.G(z, labels)                              # (N, C, H, W)

    def judge(self, D, images, labels):
        return D(images, labels)                              # (N, 1): "is this a real <label>?"

    @torch.no_grad()
    def sample(self, n=None, seed=None, labels=None, batch_size=500):
        """`n` generated images (float32, CPU) of the digits `labels` (default 0, 1, ..., 9, 0, 1, ...).

        seed=None with n up to len(fixed_noise): the fixed noise (and, without labels, the fixed
        digit grid). Otherwise z comes from the seed. G runs in eval mode; training RNGs are untouched.
        """
        if labels is not None:
            labels = _check_labels(torch.as_tensor(labels), self.num_classes, what="labels")
            n = len(labels) if n is None else n
            if n != len(labels):
                raise ValueError(f"asked for n={n} images but gave {len(labels)} labels.")
        n = self.fixed_noise.shape[0] if n is None else n
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be a whole number >= 1, got {n!r}.")

        if seed is None and n <= self.fixed_noise.shape[0]:
            z = self.fixed_noise[:n]                                          # (n, z_dim)
            default_labels = self.fixed_labels[:n]
        else:
            cpu_rng = torch.Generator().manual_seed(self.seed if seed is None else seed)
            z = self.noise(n, "cpu", cpu_rng).to(self.device)                 # (n, z_dim)
            default_labels = torch.arange(n, device=self.device) % self.num_classes
        labels = default_labels if labels is None else labels.to(self.device)

        was_training = self.generator.training
        self.generator.eval()
        try:
            chunks = [self.generator(z_part, y_part).float().cpu()
                      for z_part, y_part in zip(z.split(batch_size), labels.split(batch_size))]
        finally:
            self.generator.train(was_training)
        return torch.cat(chunks)                                              # (n, C, H, W)

    def extra_metrics(self, n_per_class: int = 100) -> dict:
        """Figures for the command line's metrics.json: per-class accuracy of the generated digits."""
        return {"class_accuracy": class_accuracy(self.generator, n_per_class=n_per_class, seed=12345)}
