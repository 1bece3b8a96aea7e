"""Conditional GANs (Mirza & Osindero, 2014): ask for a digit, get that digit.

An ordinary GAN draws *some* digit; which one is up to the noise. A conditional GAN gives both
networks the label y as an extra input:

    generator:      G(z, y)  the noise z with the one-hot label y appended        -> an image
    discriminator:  D(x, y)  the image x with ten label planes stacked on it      -> a logit

D now judges "is this a real *7*?", so G gains nothing by drawing a good 3 when asked for a 7.

    G = ConditionalGenerator(z_dim=100)
    D = ConditionalDiscriminator()
    z = torch.randn(16, 100)                     # (16, 100)
    y = torch.arange(16) % 10                    # (16,) the digits asked for
    images = G(z, y)                             # (16, 1, 28, 28) in [-1, 1]
    logits = D(images, y)                        # (16, 1)

    trainer = ConditionalGANTrainer(G, D, data=Batches(images, labels, batch_size=64),
                                    noise=gaussian_noise(100))
    trainer.fit(seconds=60)
    class_accuracy(G)["mean"]                    # how often the digit classifier reads what was asked
"""

from __future__ import annotations

import torch
from torch import nn

from learntools.gans.models import DCGANDiscriminator, DCGANGenerator, init_dcgan_weights
from learntools.gans.trainer import GANTrainer

__all__ = [
    "NUM_CLASSES",
    "one_hot",
    "label_planes",
    "ConditionalGenerator",
    "ConditionalDiscriminator",
    "ConditionalGANTrainer",
    "accuracy_per_class",
    "class_accuracy",
    "digit_grid",
    "cgan",
]

NUM_CLASSES = 10


# ---------------------------------------------------------------------------------------------
# Labels as network inputs
# ---------------------------------------------------------------------------------------------


def _check_labels(labels, num_classes: int, count=None, what: str = "labels") -> torch.Tensor:
    """Raise a clear error unless labels is an integer tensor (N,) with values in [0, num_classes)."""
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"{what} must be a torch tensor of class numbers, e.g. torch.tensor([3, 7]); "
                        f"got a {type(labels).__name__}.")
    if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise TypeError(f"{what} must hold whole class numbers (int64), got {labels.dtype}; try labels.long().")
    if labels.ndim != 1:
        raise ValueError(f"{what} must have shape (N,), one class number per example; got {tuple(labels.shape)}.")
    if count is not None and len(labels) != count:
        raise ValueError(f"{what} must have one class number per example: {len(labels)} labels for {count} examples.")
    if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{what} must lie in 0..{num_classes - 1}; found values from "
                         f"{int(labels.min())} to {int(labels.max())}.")
    return labels.long()


def one_hot(labels: torch.Tensor, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Class numbers (N,) -> float one-hot vectors (N, num_classes): a 1 at each label, 0 elsewhere."""
    labels = _check_labels(labels, num_classes)
    vectors = torch.zeros(len(labels), num_classes, device=labels.device)  # (N, num_classes)
    vectors[torch.arange(len(labels), device=labels.device), labels] = 1.0
    return vectors


def label_planes(labels: torch.Tensor, height: int, width: int, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Class numbers (N,) -> one-hot planes (N, num_classes, height, width).

    Plane k is all ones where the label is k and all zeros elsewhere: the one-hot vector,
    spread over every pixel, so a convolution sees the label wherever it looks.
    """
    vectors = one_hot(labels, num_classes)  # (N, num_classes)
    return vectors[:, :, None, None].expand(-1, -1, height, width)  # (N, num_classes, H, W)


# ---------------------------------------------------------------------------------------------
# Conditional generator and discriminator
# ---------------------------------------------------------------------------------------------


class ConditionalGenerator(nn.Module):
    """Noise z (N, z_dim) and labels y (N,) -> images (N, channels, 28, 28) in [-1, 1].

    The label becomes a one-hot vector (or, with embedding_dim, a learned embedding) appended
    to the noise; the rest is the DCGAN generator, which now reads z_dim + 10 numbers.
    """

    def __init__(self, z_dim: int = 100, num_classes: int = NUM_CLASSES, width: int = 64, channels: int = 1,
                 embedding_dim: int | None = None):
        super().__init__()
        self.z_dim, self.num_classes, self.channels = z_dim, num_classes, channels

        # How the label is written: one-hot (fixed) or an embedding table (learned).
        self.embedding = nn.Embedding(num_classes, embedding_dim) if embedding_dim else None
        label_dim = embedding_dim if embedding_dim else num_classes

        # (N, z_dim + label_dim) -> (N, channels, 28, 28)
        self.body = DCGANGenerator(z_dim=z_dim + label_dim, width=width, channels=channels)

    def condition(self, labels: torch.Tensor) -> torch.Tensor:
        """Labels (N,) -> the vectors appended to the noise (N, label_dim)."""
        if self.embedding is not None:
            return self.embedding(labels)  # (N, embedding_dim)
        return one_hot(labels, self.num_classes)  # (N, num_classes)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != self.z_dim:
            shape = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(f"ConditionalGenerator expects noise of shape (N, {self.z_dim}), got {shape}; "
                             f"make it with torch.randn(n, {self.z_dim}).")
        labels = _check_labels(labels, self.num_classes, count=len(z))
        condition = self.condition(labels.to(z.device)).to(z.dtype)  # (N, label_dim)
        return self.body(torch.cat([z, condition], dim=1))  # (N, z_dim + label_dim) -> (N, C, 28, 28)


class ConditionalDiscriminator(nn.Module):
    """Images x (N, channels, 28, 28) and labels y (N,) -> one logit per image (N, 1).

    Default: ten one-hot label planes are stacked on the image, and the DCGAN discriminator
    reads channels + 10 channels. projection=True instead uses the projection discriminator
    (Miyato & Koyama, 2018): logit = score(features) + <embedding(y), features>.
    """

    def __init__(self, num_classes: int = NUM_CLASSES, width: int = 64, channels: int = 1,
                 batch_norm: bool = True, projection: bool = False):
        super().__init__()
        self.num_classes, self.channels, self.projection = num_classes, channels, projection
        if projection:
            # The image alone goes through the body; the label meets the features at the end.
            self.body = DCGANDiscriminator(width=width, channels=channels, batch_norm=batch_norm)
            feature_dim = self.body.score[1].in_features  # 2w * 7 * 7
            self.embedding = nn.Embedding(num_classes, feature_dim)
            self.embedding.apply(init_dcgan_weights)
            nn.init.normal_(self.embedding.weight, 0.0, 0.02)
        else:
            # (N, channels + num_classes, 28, 28) -> (N, 1)
            self.body = DCGANDiscriminator(width=width, channels=channels + num_classes, batch_norm=batch_norm)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or tuple(images.shape[1:]) != (self.channels, 28, 28):
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"ConditionalDiscriminator expects images of shape (N, {self.channels}, 28, 28), got {shape}.")
        labels = _check_labels(labels, self.num_classes, count=len(images)).to(images.device)

        if self.projection:
            features = self.body.down2(self.body.down1(images)).flatten(1)  # (N, 2w*7*7)
            score = self.body.score[1](features)  # (N, 1): "does it look real?"
            match = (self.embedding(labels) * features).sum(dim=1, keepdim=True)  # (N, 1): "does it fit y?"
            return score + match  # (N, 1)

        planes = label_planes(labels, 28, 28, self.num_classes).to(images.dtype)  # (N, 10, 28, 28)
        return self.body(torch.cat([images, planes], dim=1))  # (N, channels + 10, 28, 28) -> (N, 1)


# ---------------------------------------------------------------------------------------------
# Training: the GANTrainer with labels in both steps
# ---------------------------------------------------------------------------------------------


class KeepSecond:
    """Wrap an iterable of (first, second, ...) batches: pass every batch on and remember its second item.

    GANTrainer hands its steps the first item of each batch (the images); a conditional, paired or
    cycle trainer reads the second (labels, or target images) from `.second`. Resuming works as for
    the wrapped data: `iterate(start)` jumps (or skips) to batch `start` of a pass. A subclass can
    demand more of a batch by overriding `_check_batch`.
    """

    def __init__(self, data, what: str = "data"):
        if isinstance(data, torch.Tensor) or not hasattr(data, "__iter__"):
            raise TypeError(f"{what} must yield (images, labels) batches, e.g. Batches(images, labels, batch_size=64).")
        self.data = data
        self.what = what
        self.second = None

    def __iter__(self):
        return self._remember(iter(self.data))

    def iterate(self, start: int = 0):
        if hasattr(self.data, "iterate"):
            return self._remember(self.data.iterate(start))
        batches = iter(self.data)
        for _ in range(start):
            next(batches, None)
        return self._remember(batches)

    def _remember(self, batches):
        for batch in batches:
            self._check_batch(batch)
            self.second = batch[1]
            yield batch

    def _check_batch(self, batch):
        """TypeError unless the batch is a tuple or list of at least two items."""
        if not isinstance(batch, (tuple, list)) or len(batch) < 2:
            raise TypeError(f"{self.what} must yield pairs of tensors, e.g. Batches(images, labels, batch_size=64); "
                            f"got a batch of type {type(batch).__name__}.")

    def __len__(self):
        return len(self.data)


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

    def _real_labels(self, count: int) -> torch.Tensor:
        labels = self.labelled.second
        labels = _check_labels(labels, self.num_classes, count=count, what="the labels of a real batch")
        return labels.to(self.device, non_blocking=True)

    def discriminator_step(self) -> dict:
        real = self.real_batches.next()                       # (N, C, H, W)
        labels = self._real_labels(real.shape[0])             # (N,)
        self.last_real, self.last_labels = real, labels
        z = self.noise(real.shape[0], self.device, self.rng)  # (N, z_dim)

        with self._autocast():
            # The fakes are asked for the same digits; detach() keeps G out of the D update.
            fake = self.G(z, labels).detach()                 # (N, C, H, W)
            real_logits = self.D(real, labels)                # (N, 1)
            fake_logits = self.D(fake, labels)                # (N, 1)
            d_loss = self.loss.discriminator(real_logits, fake_logits)

        penalty_weight = getattr(self.loss, "gradient_penalty_weight", 0.0)
        if penalty_weight:
            from learntools.gans.losses import gradient_penalty

            def critic(x):
                return self.D(x, labels)

            d_loss = d_loss + gradient_penalty(critic, real, fake.float(), weight=penalty_weight)

        self.optimizer_d.zero_grad(set_to_none=True)
        self.scaler_d.scale(d_loss).backward()
        self.scaler_d.step(self.optimizer_d)
        self.scaler_d.update()
        return {
            "d_loss": d_loss.item(),
            "real_logit": real_logits.float().mean().item(),
            "fake_logit": fake_logits.float().mean().item(),
        }

    def generator_step(self) -> dict:
        if self.last_labels is None:  # a G step before any D step: ask for random digits
            self.last_labels = torch.randint(self.num_classes, (self.fixed_noise.shape[0],),
                                             device=self.device, generator=self.rng)
        labels = self.last_labels                             # (N,)
        z = self.noise(len(labels), self.device, self.rng)    # (N, z_dim)

        with self._autocast():
            fake = self.G(z, labels)                          # (N, C, H, W), keeps G's graph
            fake_logits = self.D(fake, labels)                # (N, 1)
            g_loss = self.loss.generator(fake_logits)

        self.optimizer_g.zero_grad(set_to_none=True)
        self.scaler_g.scale(g_loss).backward()
        self.scaler_g.step(self.optimizer_g)
        self.scaler_g.update()
        return {"g_loss": g_loss.item()}

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


# ---------------------------------------------------------------------------------------------
# Measuring: does G draw the digit it was asked for?
# ---------------------------------------------------------------------------------------------


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
    from learntools.gans.metrics import classifier_probabilities

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


# ---------------------------------------------------------------------------------------------
# The command-line recipe
# ---------------------------------------------------------------------------------------------


def cgan(seed=0, device=None, source="subset"):
    """Conditional DCGAN on MNIST: one-hot labels to G's noise and as D's extra channels."""
    from learntools.gans.data import Batches, load_mnist
    from learntools.gans.trainer import AdamSettings, TrainingSequence, gaussian_noise

    images, labels = load_mnist("train", source=source)  # (4000, 1, 28, 28), (4000,)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = ConditionalGenerator(z_dim=64, width=32)
        discriminator = ConditionalDiscriminator(width=32)
    trainer = ConditionalGANTrainer(
        generator,
        discriminator,
        data=Batches(images, labels, batch_size=64, seed=seed),
        noise=gaussian_noise(64),
        loss="nonsaturating",
        optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999)),
        sequence=TrainingSequence(d_steps=1, g_steps=1),
        device=device,
        seed=seed,
    )
    trainer.config.update(recipe="cgan", options={"seed": seed, "source": source})
    return trainer
