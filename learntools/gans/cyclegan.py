"""Unpaired image-to-image translation with CycleGAN (Zhu, Park, Isola & Efros, 2017).

pix2pix needs pairs (this edge map, that digit). Often there are no pairs: photos and paintings,
horses and zebras, summer and winter. CycleGAN learns from two *unpaired* piles of images, domain A
and domain B, with two generators and two discriminators:

    G_AB: A -> B   judged by D_B ("is this a real B?")
    G_BA: B -> A   judged by D_A ("is this a real A?")

The adversarial losses alone would let G_AB map every A to *some* good-looking B. Two more terms
tie a translation to its input:

- cycle consistency: there and back again gives the input, G_BA(G_AB(a)) ~ a and G_AB(G_BA(b)) ~ b
  (L1, weight lambda = 10);
- identity: an image that already belongs to the target domain should pass unchanged,
  G_AB(b) ~ b and G_BA(a) ~ a (L1, weight 0.5 * lambda; it keeps colours and tones in place).

The discriminators learn from a history of generated images, not just the latest batch (an
`ImagePool`, Shrivastava et al. 2017), which damps the oscillation of G and D chasing each other.
The adversarial loss is the least-squares one (LSGAN, Mao et al. 2017), as in the paper.

    domains = thin_thick_digits("train")                 # unpaired: thin digits (A), other thick digits (B)
    held_out = thin_thick_digits("test")                  # 1,000 test digits and their true thickening
    generators = CycleGenerators(ResnetGenerator(), ResnetGenerator())
    discriminators = CycleDiscriminators(ImagePatchDiscriminator(), ImagePatchDiscriminator())
    trainer = CycleGANTrainer(generators, discriminators, domains.batches(16))
    trainer.fit(seconds=60)
    cycle_scores(generators, held_out)                    # reconstruction and translation errors

Everything runs on the CPU or a GPU unchanged (the trainer picks the device), and under torchrun
(the two generators are one module, so DistributedDataParallel sees one forward per step).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans.conditional import KeepSecond
from learntools.gans.data import Batches, load_mnist
from learntools.gans.pix2pix import PatchDiscriminator, l1_distance, sample_inputs_or_first_batch
from learntools.gans.trainer import GANTrainer, frozen, load_checkpoint

__all__ = [
    "thicken",
    "UnpairedImages",
    "thin_thick_digits",
    "ResidualBlock",
    "ResnetGenerator",
    "ImagePatchDiscriminator",
    "CycleGenerators",
    "CycleDiscriminators",
    "cycle_consistency_loss",
    "identity_loss",
    "ImagePool",
    "CycleGANTrainer",
    "reconstruction_error",
    "translate",
    "cycle_scores",
    "show_cycle",
    "cyclegan_digits",
    "CYCLE_WEIGHT",
    "IDENTITY_WEIGHT",
]

CYCLE_WEIGHT = 10.0  # lambda in the CycleGAN paper
IDENTITY_WEIGHT = 5.0  # 0.5 * lambda, as in the paper's photo <-> painting experiments
POOL_SIZE = 50  # images the discriminators' history holds, as in the paper


# ---------------------------------------------------------------------------------------------
# Two unpaired domains from real digits: thin strokes (A) and thick strokes (B)
# ---------------------------------------------------------------------------------------------


def thicken(images: torch.Tensor, pixels: int = 1) -> torch.Tensor:
    """Thicker strokes: a grayscale dilation (each pixel takes the brightest value within `pixels`).

    images (N, C, H, W) in [-1, 1] -> the same shape; a max-pool of size 2 * pixels + 1 with stride 1.
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a float tensor (N, C, H, W) in [-1, 1], got {shape}.")
    if not isinstance(pixels, int) or isinstance(pixels, bool) or pixels < 0:
        raise ValueError(f"pixels must be a whole number >= 0, got {pixels!r}.")
    size = 2 * pixels + 1
    return F.max_pool2d(images, kernel_size=size, stride=1, padding=pixels)  # (N, C, H, W)


class UnpairedImages:
    """Two piles of images, domain A (N_a, C, H, W) and domain B (N_b, C, H, W), in [-1, 1].

    `batches(batch_size, seed)` yields (a, b) batches, each pile shuffled on its own, so which a
    meets which b changes every epoch: there are no pairs to learn from. `paired` is True only for a
    held-out set whose b[i] is the true translation of a[i] (used for measuring, never for training).
    """

    def __init__(self, a: torch.Tensor, b: torch.Tensor, paired: bool = False, labels_a=None, labels_b=None):
        for name, images in (("a", a), ("b", b)):
            if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
                shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
                raise ValueError(f"domain {name} must be a float tensor (N, C, H, W) in [-1, 1], got {shape}.")
        if a.shape[1:] != b.shape[1:]:
            raise ValueError(f"both domains need images of the same shape, got {tuple(a.shape[1:])} and {tuple(b.shape[1:])}.")
        if paired and len(a) != len(b):
            raise ValueError(f"paired domains need as many images in A as in B, got {len(a)} and {len(b)}.")
        self.a, self.b, self.paired = a, b, paired
        self.labels_a, self.labels_b = labels_a, labels_b

    def batches(self, batch_size: int = 16, seed: int = 0, device=None) -> "UnpairedBatches":
        return UnpairedBatches(self.a, self.b, batch_size=batch_size, seed=seed, device=device)

    def __repr__(self) -> str:
        kind = "paired" if self.paired else "unpaired"
        return f"UnpairedImages(a={tuple(self.a.shape)}, b={tuple(self.b.shape)}, {kind})"


class UnpairedBatches:
    """Endless (a, b) batches from two independently shuffled piles (two data.Batches, two seeds).

    An epoch is one pass over the smaller pile. `iterate(start)` resumes at batch `start`, so a
    trainer's checkpoint resumes exactly.
    """

    def __init__(self, a, b, batch_size: int = 16, seed: int = 0, device=None):
        self.a = Batches(a, batch_size=batch_size, seed=seed, device=device)
        self.b = Batches(b, batch_size=batch_size, seed=seed + 7919, device=device)  # another order for B

    def __len__(self) -> int:
        return min(len(self.a), len(self.b))

    def iterate(self, start: int = 0):
        epoch, first = divmod(start, len(self))
        while True:
            # Each pile restarts its own epoch `epoch`: positions line up across resumes.
            a_batches = self.a.iterate(epoch * len(self.a) + first)
            b_batches = self.b.iterate(epoch * len(self.b) + first)
            for _ in range(first, len(self)):
                yield next(a_batches), next(b_batches)
            epoch, first = epoch + 1, 0

    def __iter__(self):
        return self.iterate(0)


def thin_thick_digits(split: str = "train", pixels: int = 1, source: str = "subset") -> UnpairedImages:
    """Domain A: real MNIST digits; domain B: digits with thicker strokes (thicken(), `pixels` wider).

    split "train": the 4,000 training digits are cut in two halves (stratified by class); A holds
    the first half as they are and B the *other* half thickened, so no digit appears in both domains
    and there is nothing to pair. split "test": the 1,000 held-out digits in A and the same digits
    thickened in B (paired=True): the true translation of each A, for measuring only.
    """
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r}: choose 'train' or 'test'.")
    images, labels = load_mnist(split, source=source)  # (N, 1, 28, 28) in [-1, 1], (N,)
    if split == "test":
        return UnpairedImages(images, thicken(images, pixels), paired=True, labels_a=labels, labels_b=labels.clone())
    # Alternate within each class: even positions go to A, odd ones to B.
    order = torch.argsort(labels * len(labels) + torch.arange(len(labels)))  # by class, stable
    rank_in_class = torch.empty_like(order)
    rank_in_class[order] = torch.arange(len(order)) - torch.searchsorted(labels[order], labels[order])
    to_a = rank_in_class % 2 == 0
    return UnpairedImages(images[to_a], thicken(images[~to_a], pixels),
                          labels_a=labels[to_a], labels_b=labels[~to_a])


# ---------------------------------------------------------------------------------------------
# The networks: a ResNet-style generator and pix2pix's PatchGAN judging one image
# ---------------------------------------------------------------------------------------------


class ResidualBlock(nn.Module):
    """x + [3x3 conv -> InstanceNorm -> ReLU -> 3x3 conv -> InstanceNorm](x): same shape in and out.

    The block only has to learn a *change* to its input, which makes "almost the identity" (most of
    a translation) easy.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3, bias=False),
            nn.InstanceNorm2d(channels, affine=True),
            nn.ReLU(),
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3, bias=False),
            nn.InstanceNorm2d(channels, affine=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)  # (N, C, H, W)


class ResnetGenerator(nn.Module):
    """Images (N, channels, H, W) -> images of the same shape in [-1, 1]; H and W even.

    CycleGAN's generator (after Johnson et al. 2016), shrunk for 28x28 digits:
    7x7 conv (width) -> one stride-2 conv (2 * width, half size) -> n_blocks residual blocks ->
    one stride-2 transposed conv (width, full size) -> 7x7 conv to `channels` -> tanh.
    InstanceNorm normalises each image on its own, so a translation doesn't depend on the batch.
    """

    def __init__(self, channels: int = 1, width: int = 16, n_blocks: int = 3):
        super().__init__()
        if not isinstance(n_blocks, int) or n_blocks < 0:
            raise ValueError(f"n_blocks must be a whole number >= 0, got {n_blocks!r}.")
        self.channels = channels
        self.net = nn.Sequential(
            # (N, C, H, W) -> (N, w, H, W): a wide look at each pixel's neighbourhood
            nn.ReflectionPad2d(3),
            nn.Conv2d(channels, width, kernel_size=7, bias=False),
            nn.InstanceNorm2d(width, affine=True),
            nn.ReLU(),
            # (N, w, H, W) -> (N, 2w, H/2, W/2)
            nn.Conv2d(width, 2 * width, kernel_size=3, stride=2, padding=1, bias=False),
            nn.InstanceNorm2d(2 * width, affine=True),
            nn.ReLU(),
            # (N, 2w, H/2, W/2), n_blocks times: the translation itself
            *[ResidualBlock(2 * width) for _ in range(n_blocks)],
            # (N, 2w, H/2, W/2) -> (N, w, H, W)
            nn.ConvTranspose2d(2 * width, width, kernel_size=3, stride=2, padding=1, output_padding=1, bias=False),
            nn.InstanceNorm2d(width, affine=True),
            nn.ReLU(),
            # (N, w, H, W) -> (N, C, H, W) in [-1, 1]
            nn.ReflectionPad2d(3),
            nn.Conv2d(width, channels, kernel_size=7),
            nn.Tanh(),
        )
        self.apply(_init_weights)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != self.channels:
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"ResnetGenerator expects images of shape (N, {self.channels}, H, W), got {shape}.")
        if images.shape[-1] % 2 or images.shape[-2] % 2:
            raise ValueError(f"ResnetGenerator needs an even height and width, got {tuple(images.shape[-2:])}.")
        return self.net(images)


def _init_weights(module: nn.Module) -> None:
    """Convolution weights ~ N(0, 0.02), as in the CycleGAN and DCGAN code; norm scales ~ N(1, 0.02)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.InstanceNorm2d, nn.BatchNorm2d)) and module.weight is not None:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class ImagePatchDiscriminator(PatchDiscriminator):
    """pix2pix's PatchGAN judging an image on its own: images (N, C, H, W) -> logits (N, 1, h, w).

    In CycleGAN there is no input image to pair with, so D_B only asks "is this a real B?". The
    layers are PatchDiscriminator's (n_down stride-2 convolutions, then two stride-1 ones); on
    28x28 digits n_down=2 gives a 5x5 grid of verdicts, each seeing a 34x34 square.
    """

    def __init__(self, channels: int = 1, width: int = 32, n_down: int = 2):
        super().__init__(in_channels=channels, width=width, n_down=n_down)
        self.channels = channels

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != self.channels:
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"ImagePatchDiscriminator expects images (N, {self.channels}, H, W), got {shape}.")
        return self.net(images)  # (N, 1, h, w)


class CycleGenerators(nn.Module):
    """The two generators as one module: `ab` (A -> B) and `ba` (B -> A).

    forward(real_a, real_b) runs everything the generator step needs, in one call (one forward per
    step is what DistributedDataParallel expects), and returns a dict of tensors:

        fake_b = ab(real_a)    fake_a = ba(real_b)       the translations
        rec_a  = ba(fake_b)    rec_b  = ab(fake_a)       there and back again
        same_b = ab(real_b)    same_a = ba(real_a)       identity (only when identity=True)
    """

    def __init__(self, ab: nn.Module, ba: nn.Module):
        super().__init__()
        self.ab, self.ba = ab, ba

    def forward(self, real_a: torch.Tensor, real_b: torch.Tensor, identity: bool = True) -> dict:
        fake_b = self.ab(real_a)  # (N, C, H, W): a translated to B
        fake_a = self.ba(real_b)  # (N, C, H, W): b translated to A
        out = {"fake_b": fake_b, "fake_a": fake_a,
               "rec_a": self.ba(fake_b),   # A -> B -> A
               "rec_b": self.ab(fake_a)}   # B -> A -> B
        if identity:
            out["same_b"] = self.ab(real_b)  # already in B: should stay as it is
            out["same_a"] = self.ba(real_a)
        return out


class CycleDiscriminators(nn.Module):
    """The two discriminators as one module: `a` judges domain A, `b` judges domain B.

    forward(images_a, images_b) -> (logits of D_A on images_a, logits of D_B on images_b).
    """

    def __init__(self, a: nn.Module, b: nn.Module):
        super().__init__()
        self.a, self.b = a, b

    def forward(self, images_a: torch.Tensor, images_b: torch.Tensor):
        return self.a(images_a), self.b(images_b)


# ---------------------------------------------------------------------------------------------
# The two losses that tie a translation to its input
# ---------------------------------------------------------------------------------------------


def cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight: float = CYCLE_WEIGHT) -> torch.Tensor:
    """weight * (mean |G_BA(G_AB(a)) - a| + mean |G_AB(G_BA(b)) - b|): there and back again, both ways.

    Gradients flow into both generators (nothing is detached): each learns to keep enough of its
    input for the other to rebuild it.
    """
    reconstructed_a = G_BA(G_AB(real_a))  # A -> B -> A
    reconstructed_b = G_AB(G_BA(real_b))  # B -> A -> B
    return weight * ((reconstructed_a - real_a).abs().mean() + (reconstructed_b - real_b).abs().mean())


def identity_loss(G_AB, G_BA, real_a, real_b, weight: float = IDENTITY_WEIGHT) -> torch.Tensor:
    """weight * (mean |G_AB(b) - b| + mean |G_BA(a) - a|): a B given to G_AB should come out unchanged."""
    return weight * ((G_AB(real_b) - real_b).abs().mean() + (G_BA(real_a) - real_a).abs().mean())


# ---------------------------------------------------------------------------------------------
# The image pool: a history of generated images for the discriminators
# ---------------------------------------------------------------------------------------------


class ImagePool:
    """A buffer of up to `size` generated images (Shrivastava et al. 2017; CycleGAN uses 50).

    query(images) takes a batch (N, C, H, W) and returns a batch of the same shape for D to judge:

    - while the pool is not full, each new image is stored (a detached copy) and returned as it is;
    - once it is full, for each new image a coin is tossed: heads (probability 0.5), a random
      stored image is returned and the new one takes its place; tails, the new image is returned.

    So D sees a mix of the latest fakes and older ones and cannot just chase the generator's most
    recent trick. size=0 turns the pool off (query returns its input). Randomness comes from the
    pool's own `generator` (a CPU torch.Generator, by default seeded with `seed`), so a seeded pool
    is reproducible.
    """

    def __init__(self, size: int = POOL_SIZE, seed: int = 0, generator=None):
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError(f"size must be a whole number >= 0, got {size!r}.")
        if generator is None:
            generator = torch.Generator().manual_seed(seed)
        self.size = size
        self.generator = generator
        self.images = []  # stored images, each (C, H, W), detached copies

    def query(self, images: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return images
        returned = []
        for image in images.detach():  # image: (C, H, W)
            if len(self.images) < self.size:  # still filling: keep a copy, hand back the new one
                self.images.append(image.clone())
                returned.append(image)
            elif torch.rand((), generator=self.generator) < 0.5:  # swap with a stored one
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                returned.append(self.images[index])
                self.images[index] = image.clone()
            else:
                returned.append(image)
        return torch.stack(returned)  # (N, C, H, W)

    def state_dict(self) -> dict:
        stored = torch.stack(self.images).cpu() if self.images else torch.zeros(0)
        return {"size": self.size, "images": stored, "generator": self.generator.get_state()}

    def load_state_dict(self, state: dict, device=None):
        device = self.images[0].device if self.images else device
        self.images = [image.to(device) if device is not None else image for image in state["images"]]
        self.generator.set_state(state["generator"])

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        return f"ImagePool(size={self.size}, holding {len(self.images)})"


# ---------------------------------------------------------------------------------------------
# The trainer
# ---------------------------------------------------------------------------------------------


def _no_noise(n, device=None, generator=None):
    """CycleGAN has no z: the input image is the generator's only input."""
    return torch.zeros(n, 0, device=device)


class CycleGANTrainer(GANTrainer):
    """GANTrainer for two unpaired domains: generators = CycleGenerators, discriminators = CycleDiscriminators.

    data yields (a, b) batches (e.g. `UnpairedImages.batches(16)`). One step, as in the paper:

        G step: translations, cycles and identities in one forward of both generators;
                loss = LSGAN(D_B(G_AB(a))) + LSGAN(D_A(G_BA(b)))
                       + cycle_weight * cycle L1 + identity_weight * identity L1;  update both G
        D step: D_A on real a vs. a pooled fake a, D_B on real b vs. a pooled fake b (the fakes of
                this step's G forward, detached, through each domain's ImagePool);  update both D

    `loss` names the adversarial pair ("least-squares", as in the paper). `sample(n)` translates
    `sample_inputs` (by default the first A batch) from A to B. Checkpoints also hold the pools.
    """

    def __init__(self, generators: CycleGenerators, discriminators: CycleDiscriminators, data,
                 cycle_weight: float = CYCLE_WEIGHT, identity_weight: float = IDENTITY_WEIGHT,
                 pool_size: int = POOL_SIZE, loss="least-squares", sample_inputs=None, **settings):
        if not isinstance(generators, CycleGenerators):
            raise TypeError("generators must be CycleGenerators(G_AB, G_BA).")
        if not isinstance(discriminators, CycleDiscriminators):
            raise TypeError("discriminators must be CycleDiscriminators(D_A, D_B).")
        for name, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
        if isinstance(data, UnpairedImages):
            raise TypeError("data must yield batches: use domains.batches(batch_size=16), not the UnpairedImages itself.")
        settings.setdefault("fixed_noise_size", 64)  # the live view shows sample(64)
        self.pairs = _KeepBoth(data)
        super().__init__(generators, discriminators, self.pairs, noise=_no_noise, loss=loss, **settings)
        self.cycle_weight, self.identity_weight = float(cycle_weight), float(identity_weight)
        pool_seed = self.seed + 1000 * self.rank
        self.pool_a = ImagePool(pool_size, generator=torch.Generator().manual_seed(pool_seed + 1))
        self.pool_b = ImagePool(pool_size, generator=torch.Generator().manual_seed(pool_seed + 2))
        self.last_fakes = None

        self.sample_inputs = sample_inputs_or_first_batch(sample_inputs, data, "domain-A images")
        self.config.update(cycle_weight=self.cycle_weight, identity_weight=self.identity_weight, pool_size=pool_size)

    def generator_step(self) -> dict:
        real_a = self.real_batches.next()                               # (N, C, H, W)
        real_b = self.pairs.second.to(self.device, non_blocking=True)   # (N, C, H, W), other images
        self.last_real = real_a
        use_identity = self.identity_weight > 0

        with self._autocast():
            out = self.G(real_a, real_b, identity=use_identity)         # every translation, one forward
            with frozen(self.discriminator):                            # D judges; only G learns here
                logits_a, logits_b = self.discriminator(out["fake_a"], out["fake_b"])
            adversarial = self.loss.generator(logits_a.reshape(-1)) + self.loss.generator(logits_b.reshape(-1))
            cycle = (out["rec_a"].float() - real_a.float()).abs().mean() + (out["rec_b"].float() - real_b.float()).abs().mean()
            g_loss = adversarial + self.cycle_weight * cycle
            identity = torch.zeros((), device=self.device)
            if use_identity:
                identity = (out["same_a"].float() - real_a.float()).abs().mean() + (out["same_b"].float() - real_b.float()).abs().mean()
                g_loss = g_loss + self.identity_weight * identity

        self.optimizer_g.zero_grad(set_to_none=True)
        self.scaler_g.scale(g_loss).backward()
        self.scaler_g.step(self.optimizer_g)
        self.scaler_g.update()
        self.last_fakes = (out["fake_a"].detach(), out["fake_b"].detach())
        self._last_reals = (real_a, real_b)
        return {"g_loss": g_loss.item(), "g_adversarial": adversarial.item(), "cycle": cycle.item(),
                "identity": identity.item()}

    def discriminator_step(self) -> dict:
        real_a, real_b = self._last_reals
        fake_a = self.pool_a.query(self.last_fakes[0])                  # this step's fakes, or older ones
        fake_b = self.pool_b.query(self.last_fakes[1])

        with self._autocast():
            real_logits_a, real_logits_b = self.D(real_a, real_b)       # (N, 1, h, w) each
            fake_logits_a, fake_logits_b = self.D(fake_a, fake_b)
            d_loss_a = self.loss.discriminator(real_logits_a.reshape(-1), fake_logits_a.reshape(-1))
            d_loss_b = self.loss.discriminator(real_logits_b.reshape(-1), fake_logits_b.reshape(-1))
            d_loss = d_loss_a + d_loss_b

        self.optimizer_d.zero_grad(set_to_none=True)
        self.scaler_d.scale(d_loss).backward()
        self.scaler_d.step(self.optimizer_d)
        self.scaler_d.update()
        return {"d_loss": d_loss.item(), "d_loss_a": d_loss_a.item(), "d_loss_b": d_loss_b.item()}

    def step(self) -> dict:
        """One CycleGAN step: the generators first (they make this step's fakes), then the discriminators."""
        import time

        started = time.perf_counter()
        self.generator.train()
        self.discriminator.train()
        g_numbers = self.generator_step()
        d_numbers = self.discriminator_step()
        self.steps_done += 1
        self.train_seconds += time.perf_counter() - started
        record = {"step": self.steps_done, **d_numbers, **g_numbers, "time": self.train_seconds}
        self.history.append(record)
        return record

    @torch.no_grad()
    def sample(self, n=None, seed=None, batch_size=500):
        """G_AB's translations (float32, CPU) of `n` sample inputs: the first n, or n drawn with `seed`."""
        count = len(self.sample_inputs)
        n = count if n is None else n
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be a whole number >= 1, got {n!r}.")
        index = torch.arange(n) % count if seed is None else torch.randint(
            count, (n,), generator=torch.Generator().manual_seed(seed))
        return translate(self.generator.ab, self.sample_inputs[index], batch_size=batch_size)

    def state_dict(self) -> dict:
        state = super().state_dict()
        state["image_pools"] = {"a": self.pool_a.state_dict(), "b": self.pool_b.state_dict()}
        return state

    def load_checkpoint(self, path):
        super().load_checkpoint(path)
        pools = load_checkpoint(path).get("image_pools")
        if pools:
            self.pool_a.load_state_dict(pools["a"], self.device)
            self.pool_b.load_state_dict(pools["b"], self.device)
        return self

    def extra_metrics(self) -> dict:
        """Figures for the command line's metrics.json: held-out cycle and translation errors."""
        held_out = getattr(self, "held_out", None)
        return {"cycle": cycle_scores(self.generator, held_out)} if held_out is not None else {}


class _KeepBoth(KeepSecond):
    """Hand GANTrainer the A half of each (a, b) batch and keep the B half in `.second`."""

    def __init__(self, data):
        if isinstance(data, torch.Tensor) or not hasattr(data, "__iter__"):
            raise TypeError("data must yield (a, b) batches, e.g. domains.batches(batch_size=16).")
        super().__init__(data)

    def _check_batch(self, batch):
        """TypeError unless the batch is an (a, b) pair."""
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError("data must yield (a, b) pairs of image batches, e.g. domains.batches(16); "
                            f"got a batch of type {type(batch).__name__}.")


# ---------------------------------------------------------------------------------------------
# Measuring and showing
# ---------------------------------------------------------------------------------------------


@torch.no_grad()
def translate(generator, images: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """generator(images) in eval mode, in batches, as a float32 CPU tensor; the mode is restored afterwards.

    Like pix2pix.translate, but also for generators without parameters (nn.Identity(): doing nothing).
    """
    parameter = next(iter(generator.parameters()), None)
    device = parameter.device if parameter is not None else images.device
    was_training = generator.training
    generator.eval()
    try:
        return torch.cat([generator(part.to(device)).float().cpu() for part in images.split(batch_size)])
    finally:
        generator.train(was_training)


def _models(generators, G_BA=None):
    if isinstance(generators, CycleGenerators):
        return generators.ab, generators.ba
    if G_BA is None:
        raise TypeError("give CycleGenerators, or the two generators G_AB and G_BA.")
    return generators, G_BA


@torch.no_grad()
def reconstruction_error(G_AB, G_BA, images, batch_size: int = 256) -> float:
    """Mean |G_BA(G_AB(x)) - x| over `images` of domain A (eval mode, no gradients), on the [-1, 1] scale.

    0 means the cycle gives every image back exactly; random untrained generators give about 1.
    """
    translated = translate(G_AB, images, batch_size)
    return l1_distance(translate(G_BA, translated, batch_size), images)


def cycle_scores(generators, held_out: UnpairedImages, batch_size: int = 256) -> dict:
    """Held-out figures of a CycleGAN (L1 on the [-1, 1] scale, lower is better):

    reconstruction_a: |G_BA(G_AB(a)) - a|,  reconstruction_b: |G_AB(G_BA(b)) - b|;
    with paired held-out data (the true translation known), also
    translation_ab: |G_AB(a) - b|, and the do-nothing baseline |a - b| beside it.
    """
    G_AB, G_BA = _models(generators)
    scores = {"reconstruction_a": round(reconstruction_error(G_AB, G_BA, held_out.a, batch_size), 4),
              "reconstruction_b": round(reconstruction_error(G_BA, G_AB, held_out.b, batch_size), 4)}
    if held_out.paired:
        scores["translation_ab"] = round(l1_distance(translate(G_AB, held_out.a, batch_size), held_out.b), 4)
        scores["translation_ba"] = round(l1_distance(translate(G_BA, held_out.b, batch_size), held_out.a), 4)
        scores["do_nothing_baseline"] = round(l1_distance(held_out.a, held_out.b), 4)
    return scores


def show_cycle(generators, images_a, n: int = 8, titles=("A (input)", "G_AB(a)", "G_BA(G_AB(a))"), ax=None):
    """Three rows: images of domain A, their translations to B, and the way back (columns are examples)."""
    from learntools.gans.pix2pix import show_translations

    G_AB, G_BA = _models(generators)
    images_a = torch.as_tensor(images_a)[:n]
    there = translate(G_AB, images_a)
    back = translate(G_BA, there)
    return show_translations(images_a, there, back, n=n, titles=titles, ax=ax)


# ---------------------------------------------------------------------------------------------
# The command-line recipe
# ---------------------------------------------------------------------------------------------


def cyclegan_digits(seed=0, device=None, source="subset"):
    """CycleGAN between thin and thick MNIST strokes (unpaired): ResNet generators, PatchGAN critics, LSGAN."""
    import os

    from learntools.gans.trainer import AdamSettings

    domains, held_out = thin_thick_digits("train", source=source), thin_thick_digits("test", source=source)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generators = CycleGenerators(ResnetGenerator(width=16, n_blocks=3), ResnetGenerator(width=16, n_blocks=3))
        discriminators = CycleDiscriminators(ImagePatchDiscriminator(width=32), ImagePatchDiscriminator(width=32))
    data_seed = seed + 1000 * int(os.environ.get("RANK", "0"))  # each torchrun process its own order
    trainer = CycleGANTrainer(
        generators,
        discriminators,
        data=domains.batches(batch_size=16, seed=data_seed),
        optimizers=AdamSettings(lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999)),
        sample_inputs=held_out.a[:64],
        device=device,
        seed=seed,
    )
    trainer.held_out = held_out
    trainer.config.update(recipe="cyclegan-digits", options={"seed": seed, "source": source})
    return trainer
