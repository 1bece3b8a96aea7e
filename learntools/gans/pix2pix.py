"""Image-to-image translation with pix2pix (Isola, Zhu, Zhou & Efros, 2017).

The generator takes an image (edges, a low-resolution digit, a grayscale photo) instead of
noise and returns its translation. Three ideas make it work:

1. a U-Net generator (Ronneberger, Fischer & Brox, 2015): an encoder-decoder whose decoder also
   receives the encoder's feature maps of the same size (skip connections), so fine detail does
   not have to squeeze through the bottleneck;
2. a PatchGAN discriminator: it sees the input and an output *together* and returns a grid of
   logits, one verdict per overlapping patch, so it judges local texture and sharpness;
3. the loss: adversarial + lambda * L1, lambda = 100. L1 alone gives the right picture, blurred;
   the adversarial term makes it sharp.

    G = UNetGenerator(in_channels=1, out_channels=1)          # 28x28 (padded to 32) or 32x32 inputs
    D = PatchDiscriminator(in_channels=1 + 1)                 # the input and the output, stacked
    outputs = G(inputs)                                       # (N, 1, 28, 28) in [-1, 1]
    verdicts = D(inputs, outputs)                             # (N, 1, 5, 5): one logit per patch
    trainer = Pix2PixTrainer(G, D, data=pairs.batches(32))    # adversarial + 100 * L1
    trainer.fit(seconds=60)
    translation_scores(G, held_out)                           # {"l1": ..., "psnr": ...}
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans.conditional import KeepSecond
from learntools.gans.data import PairedImages
from learntools.gans.models import init_dcgan_weights
from learntools.gans.trainer import GANTrainer

__all__ = [
    "UNetGenerator",
    "EncoderDecoderGenerator",
    "PatchDiscriminator",
    "receptive_field",
    "patch_layers",
    "pix2pix_generator_loss",
    "pix2pix_discriminator_loss",
    "Pix2PixTrainer",
    "fit_l1",
    "translate",
    "l1_distance",
    "psnr",
    "translation_scores",
    "show_translations",
    "pix2pix_edges",
    "pix2pix_superres",
]

L1_WEIGHT = 100.0  # lambda in the pix2pix paper


# ---------------------------------------------------------------------------------------------
# Generators: encoder-decoder, and the U-Net (the same with skip connections)
# ---------------------------------------------------------------------------------------------


def _down(in_channels: int, out_channels: int, batch_norm: bool) -> nn.Sequential:
    """Halve height and width: 4x4 conv, stride 2 -> (BatchNorm) -> LeakyReLU(0.2)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, bias=not batch_norm),
        nn.BatchNorm2d(out_channels) if batch_norm else nn.Identity(),
        nn.LeakyReLU(0.2),
    )


def _up(in_channels: int, out_channels: int, dropout: float) -> nn.Sequential:
    """Double height and width: 4x4 transposed conv, stride 2 -> BatchNorm -> (Dropout) -> ReLU."""
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.Dropout(dropout) if dropout else nn.Identity(),
        nn.ReLU(),
    )


class UNetGenerator(nn.Module):
    """Images (N, in_channels, H, W) -> images (N, out_channels, H, W) in [-1, 1].

    `depth` stride-2 convolutions halve the image down to a bottleneck, and `depth` transposed
    convolutions bring it back. With skips=True (the U-Net), each decoder level also gets the
    encoder's feature map of the same size, concatenated along the channels; with skips=False
    it is a plain encoder-decoder, and everything must pass through the bottleneck.

    Sizes: depth 5 for 32x32 (bottleneck 1x1), depth 6 for 64x64. Inputs whose sides are not a
    multiple of 2**depth (28x28 digits) are padded (edge pixels repeated) and the output cropped.
    Channels: width, 2*width, 4*width, ... capped at max_width.
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, width: int = 32, depth: int = 5,
                 max_width: int = 256, skips: bool = True, dropout: float = 0.0):
        super().__init__()
        if depth < 2:
            raise ValueError(f"depth must be at least 2, got {depth!r}.")
        self.in_channels, self.out_channels, self.depth, self.skips = in_channels, out_channels, depth, skips
        channels = [min(width * 2 ** level, max_width) for level in range(depth)]  # e.g. 32, 64, 128, 256, 256

        # Encoder: level i turns channels[i-1] into channels[i] and halves the size.
        # No BatchNorm on the first level (it sees raw pixels) nor at the 1x1 bottleneck.
        self.encoder = nn.ModuleList(
            _down(in_channels if level == 0 else channels[level - 1], channels[level],
                  batch_norm=0 < level < depth - 1)
            for level in range(depth)
        )

        # Decoder: from the bottleneck back up to level 0. With skips, every level but the
        # bottleneck's receives its output concatenated with the encoder's map: twice the channels.
        grow = 2 if skips else 1
        self.decoder = nn.ModuleList(
            _up(channels[level] * (1 if level == depth - 1 else grow), channels[level - 1],
                dropout=dropout if level >= depth - 3 else 0.0)
            for level in range(depth - 1, 0, -1)
        )
        # Last layer: back to full size and to the output channels, squashed into [-1, 1].
        self.to_image = nn.Sequential(
            nn.ConvTranspose2d(channels[0] * grow, out_channels, kernel_size=4, stride=2, padding=1),
            nn.Tanh(),
        )
        self.apply(init_dcgan_weights)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        _check_images(images, self.in_channels, type(self).__name__)
        height, width = images.shape[-2:]
        x = _pad_to_multiple(images, 2 ** self.depth)  # (N, C_in, H', W'), H' and W' multiples of 2**depth

        # Encoder: keep every level's output for the skip connections.
        features = []
        for down in self.encoder:
            x = down(x)  # (N, channels[i], H'/2^(i+1), W'/2^(i+1))
            features.append(x)

        # Decoder: up one level, then (U-Net) concatenate the encoder's map of the same size.
        for up, skip in zip(self.decoder, reversed(features[:-1])):
            x = up(x)  # (N, channels[i-1], ...), now the same size as `skip`
            if self.skips:
                x = torch.cat([x, skip], dim=1)  # (N, 2 * channels[i-1], ...)

        x = self.to_image(x)  # (N, C_out, H', W')
        return x[..., :height, :width] if (height, width) != tuple(x.shape[-2:]) else x  # crop the padding


class EncoderDecoderGenerator(UNetGenerator):
    """The U-Net without its skip connections: everything passes through the bottleneck."""

    def __init__(self, in_channels: int = 1, out_channels: int = 1, width: int = 32, depth: int = 5,
                 max_width: int = 256, dropout: float = 0.0):
        super().__init__(in_channels, out_channels, width, depth, max_width, skips=False, dropout=dropout)


def _check_images(images, channels: int, model_name: str):
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{model_name} expects a torch tensor of images, got a {type(images).__name__}.")
    if images.ndim != 4 or images.shape[1] != channels:
        raise ValueError(f"{model_name} expects images of shape (N, {channels}, H, W), got {tuple(images.shape)}.")
    if not images.is_floating_point():
        raise TypeError(f"{model_name} expects floating point images in [-1, 1], got {images.dtype}.")


def _pad_to_multiple(images: torch.Tensor, multiple: int) -> torch.Tensor:
    """Pad bottom and right (repeating the edge pixels) up to the next multiple of `multiple`."""
    height, width = images.shape[-2:]
    pad_h, pad_w = -height % multiple, -width % multiple
    if pad_h == 0 and pad_w == 0:
        return images
    return F.pad(images, (0, pad_w, 0, pad_h), mode="replicate")


# ---------------------------------------------------------------------------------------------
# The PatchGAN discriminator
# ---------------------------------------------------------------------------------------------


def patch_layers(n_down: int = 3) -> list:
    """(kernel, stride) of the PatchGAN's convolutions: n_down of (4, 2), then two of (4, 1).

    n_down=3 is pix2pix's 70x70 PatchGAN (receptive_field(patch_layers(3)) == 70).
    """
    return [(4, 2)] * n_down + [(4, 1), (4, 1)]


def receptive_field(layers) -> int:
    """How many input pixels (along one side) one output value of a stack of convolutions sees.

    layers: [(kernel, stride), ...] from the input side. Each layer widens the field by
    (kernel - 1) times the product of the strides of the layers before it (the "jump" between
    neighbouring positions of its input, in input pixels).
    """
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


class PatchDiscriminator(nn.Module):
    """An input image and an output image -> a grid of logits (N, 1, h, w), one per patch.

    The two images are stacked along the channels (so D judges the *pair*: "is this a real
    translation of this input?"), then: n_down 4x4 stride-2 convs (BatchNorm on all but the
    first), a 4x4 stride-1 conv with BatchNorm, and a 4x4 stride-1 conv to one channel, no sigmoid.
    Each logit sees a receptive_field(patch_layers(n_down)) pixel square of the input:
    n_down=1: 16, n_down=2: 34, n_down=3: 70 (pix2pix's PatchGAN for 256x256 images).
    """

    def __init__(self, in_channels: int = 2, width: int = 64, n_down: int = 2, max_width: int = 512):
        super().__init__()
        if n_down < 1:
            raise ValueError(f"n_down must be at least 1, got {n_down!r}.")
        self.in_channels, self.n_down = in_channels, n_down
        channels = [min(width * 2 ** level, max_width) for level in range(n_down + 1)]

        # n_down halvings: (N, in_channels, H, W) -> (N, channels[n_down-1], H/2^n, W/2^n)
        layers = [_down(in_channels, channels[0], batch_norm=False)]
        layers += [_down(channels[level - 1], channels[level], batch_norm=True) for level in range(1, n_down)]
        # One more 4x4 conv with stride 1 (each side shrinks by 1), then the verdicts.
        layers += [
            nn.Conv2d(channels[n_down - 1], channels[n_down], kernel_size=4, stride=1, padding=1, bias=False),
            nn.BatchNorm2d(channels[n_down]),
            nn.LeakyReLU(0.2),
            nn.Conv2d(channels[n_down], 1, kernel_size=4, stride=1, padding=1),  # (N, 1, h, w) logits
        ]
        self.net = nn.Sequential(*layers)
        self.apply(init_dcgan_weights)

    def forward(self, inputs: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        for name, x in (("inputs", inputs), ("images", images)):
            if not isinstance(x, torch.Tensor) or x.ndim != 4:
                shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
                raise ValueError(f"PatchDiscriminator expects {name} of shape (N, C, H, W), got {shape}.")
        if inputs.shape[0] != images.shape[0] or inputs.shape[2:] != images.shape[2:]:
            raise ValueError(f"PatchDiscriminator needs inputs and images of the same number and size, "
                             f"got {tuple(inputs.shape)} and {tuple(images.shape)}.")
        if inputs.shape[1] + images.shape[1] != self.in_channels:
            raise ValueError(f"PatchDiscriminator was built for {self.in_channels} channels (input and image "
                             f"together) but got {inputs.shape[1]} + {images.shape[1]}.")
        pair = torch.cat([inputs, images.to(inputs.dtype)], dim=1)  # (N, C_in + C_out, H, W)
        return self.net(pair)  # (N, 1, h, w)


# ---------------------------------------------------------------------------------------------
# The pix2pix loss
# ---------------------------------------------------------------------------------------------


def pix2pix_generator_loss(fake_logits: torch.Tensor, fake: torch.Tensor, target: torch.Tensor,
                           l1_weight: float = L1_WEIGHT) -> torch.Tensor:
    """Adversarial + lambda * L1.

    Adversarial: non-saturating, -log D(x, G(x)), averaged over every patch of every image.
    L1: the mean absolute difference between output and target pixels.
    """
    adversarial = F.softplus(-fake_logits.float()).mean()  # -log sigmoid(l), every patch a verdict
    l1 = (fake.float() - target.float()).abs().mean()
    return adversarial + l1_weight * l1


def pix2pix_discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy over every patch: real pairs -> 1, fake pairs -> 0 (2 ln 2 at logits 0)."""
    return F.softplus(-real_logits.float()).mean() + F.softplus(fake_logits.float()).mean()


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def _best_device() -> torch.device:
    """CUDA if present, then Apple's MPS, else the CPU (as GANTrainer chooses)."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _no_noise(n, device=None, generator=None):
    """pix2pix has no z: the input image is the generator's only input."""
    return torch.zeros(n, 0, device=device)


def sample_inputs_or_first_batch(sample_inputs, data, what: str) -> torch.Tensor:
    """The inputs a translation trainer's sample() translates: given, or the first inputs `data` yields.

    Returns a float32 CPU tensor (N, C, H, W); anything else raises a TypeError naming `what`.
    """
    if sample_inputs is None:
        first = next(iter(data))
        sample_inputs = first[0] if isinstance(first, (tuple, list)) else first
    if not isinstance(sample_inputs, torch.Tensor) or sample_inputs.ndim != 4:
        raise TypeError(f"sample_inputs must be a tensor of {what} (N, C, H, W).")
    return sample_inputs.detach().float().cpu()


class Pix2PixTrainer(GANTrainer):
    """GANTrainer for paired images: G(x) must look like y, and like a real y to the PatchGAN.

    data yields (inputs, targets) batches, e.g. `pairs.batches(32)` of a data.PairedImages.

        D step:  D(x, y) -> "real", D(x, G(x).detach()) -> "fake", binary cross-entropy per patch
        G step:  loss_G(D(x, G(x))) + l1_weight * mean |G(x) - y|

    `loss` names the adversarial pair (default "nonsaturating", as in pix2pix). The adversarial
    losses of losses.py take one logit per example, so the patch grid is flattened first: every
    patch counts as one verdict. `sample(n)` translates `sample_inputs` (by default the first
    inputs the data yields), so samples can be compared from step to step.
    """

    def __init__(self, generator, discriminator, data, l1_weight: float = L1_WEIGHT, loss="nonsaturating",
                 sample_inputs=None, **settings):
        if not isinstance(l1_weight, (int, float)) or isinstance(l1_weight, bool) or l1_weight < 0:
            raise ValueError(f"l1_weight must be a number >= 0, got {l1_weight!r}.")
        if isinstance(data, PairedImages):
            raise TypeError("data must yield batches: use pairs.batches(batch_size=32), not the PairedImages itself.")
        self.pairs = KeepSecond(data, what="data")
        settings.setdefault("fixed_noise_size", 64)
        super().__init__(generator, discriminator, self.pairs, noise=_no_noise, loss=loss, **settings)
        self.l1_weight = float(l1_weight)
        self.last_inputs = None

        self.sample_inputs = sample_inputs_or_first_batch(sample_inputs, data, "input images")
        self.config.update(l1_weight=self.l1_weight)

    def discriminator_step(self) -> dict:
        inputs = self.real_batches.next()                      # (N, C_in, H, W)
        targets = self.pairs.second.to(self.device, non_blocking=True)  # (N, C_out, H, W)
        self.last_inputs, self.last_real = inputs, targets

        with self._autocast():
            fake = self.G(inputs).detach()                     # (N, C_out, H, W); detached: D step only
            real_logits = self.D(inputs, targets)              # (N, 1, h, w)
            fake_logits = self.D(inputs, fake)                 # (N, 1, h, w)
            d_loss = self.loss.discriminator(real_logits.reshape(-1), fake_logits.reshape(-1))

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
        inputs, targets = self.last_inputs, self.last_real     # the batch of the last D step

        with self._autocast():
            fake = self.G(inputs)                              # (N, C_out, H, W), keeps G's graph
            fake_logits = self.D(inputs, fake)                 # (N, 1, h, w)
            adversarial = self.loss.generator(fake_logits.reshape(-1))
            l1 = (fake.float() - targets.float()).abs().mean()
            g_loss = adversarial + self.l1_weight * l1

        self.optimizer_g.zero_grad(set_to_none=True)
        self.scaler_g.scale(g_loss).backward()
        self.scaler_g.step(self.optimizer_g)
        self.scaler_g.update()
        return {"g_loss": g_loss.item(), "g_adversarial": adversarial.item(), "l1": l1.item()}

    @torch.no_grad()
    def sample(self, n=None, seed=None, batch_size=500):
        """Translations (float32, CPU) of `n` sample inputs: the first n (seed=None), or n drawn with the seed."""
        count = len(self.sample_inputs)
        n = count if n is None else n
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be a whole number >= 1, got {n!r}.")
        if seed is None:
            index = torch.arange(n) % count
        else:
            index = torch.randint(count, (n,), generator=torch.Generator().manual_seed(seed))
        return translate(self.generator, self.sample_inputs[index], batch_size=batch_size)

    def extra_metrics(self) -> dict:
        """Figures for the command line's metrics.json: held-out L1 and PSNR beside the baseline."""
        held_out = getattr(self, "held_out", None)
        if held_out is None:
            return {}
        return {"translation": {"model": translation_scores(self.generator, held_out),
                                "baseline (the input itself)": translation_scores(None, held_out)}}


def fit_l1(generator, data, steps=None, seconds=None, lr: float = 2e-4, betas=(0.5, 0.999), device=None,
           progress=False) -> list:
    """Train a generator on L1 alone (no discriminator): minimise mean |G(x) - y| with Adam.

    The generator moves to `device` (default: CUDA, MPS or CPU, the best available) and stays there.

    data: an iterable of (inputs, targets) batches, repeated as needed. Stops after `steps` steps
    or `seconds` seconds, whichever comes first. Returns the history [{"step", "l1"}, ...].
    """
    import time

    if steps is None and seconds is None:
        raise ValueError("Give fit_l1 a budget: steps=..., seconds=..., or both (it stops at the first reached).")
    if isinstance(data, PairedImages):
        raise TypeError("data must yield batches: use pairs.batches(batch_size=32), not the PairedImages itself.")
    device = _best_device() if device is None else torch.device(device)
    generator.to(device).train()
    optimizer = torch.optim.Adam(generator.parameters(), lr=lr, betas=tuple(betas))
    history, started, batches = [], time.perf_counter(), iter(data)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, unit="step", desc="L1 training")
    try:
        while True:
            batch = next(batches, None)
            if batch is None:  # one pass done: start another
                batches = iter(data)
                batch = next(batches)
            inputs, targets = batch[0].to(device), batch[1].to(device)  # (N, C_in, H, W), (N, C_out, H, W)
            l1 = (generator(inputs) - targets).abs().mean()
            optimizer.zero_grad(set_to_none=True)
            l1.backward()
            optimizer.step()
            history.append({"step": len(history) + 1, "l1": l1.item(), "time": time.perf_counter() - started})
            if bar is not None:
                bar.update(1)
            if (steps is not None and len(history) >= steps) or (
                    seconds is not None and time.perf_counter() - started >= seconds):
                break
    except KeyboardInterrupt:
        print(f"Training interrupted after step {len(history)}; the model is kept.")
    finally:
        if bar is not None:
            bar.close()
    return history


# ---------------------------------------------------------------------------------------------
# Measuring and showing translations
# ---------------------------------------------------------------------------------------------


@torch.no_grad()
def translate(generator, inputs: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """G(inputs) in eval mode, in batches, as a float32 CPU tensor; G's train/eval mode is restored."""
    device = next(generator.parameters()).device
    was_training = generator.training
    generator.eval()
    try:
        return torch.cat([generator(part.to(device)).float().cpu() for part in inputs.split(batch_size)])
    finally:
        generator.train(was_training)


def _as_pair(outputs, targets):
    outputs = torch.as_tensor(outputs).detach().float().cpu()
    targets = torch.as_tensor(targets).detach().float().cpu()
    if outputs.shape != targets.shape:
        raise ValueError(f"outputs and targets must have the same shape, got {tuple(outputs.shape)} and "
                         f"{tuple(targets.shape)}.")
    return outputs, targets


def l1_distance(outputs, targets) -> float:
    """Mean absolute pixel difference, on the [-1, 1] scale of the images (0 = identical, 2 = opposite)."""
    outputs, targets = _as_pair(outputs, targets)
    return float((outputs - targets).abs().mean())


def psnr(outputs, targets, data_range: float = 2.0, max_db: float = 100.0) -> float:
    """Peak signal-to-noise ratio in dB, per image, then averaged: 10 log10(data_range^2 / MSE).

    data_range is the span of possible pixel values: 2 for images in [-1, 1]. Higher is better;
    every halving of the mean squared error adds about 3 dB. Identical images count as max_db.
    """
    outputs, targets = _as_pair(outputs, targets)
    mse = ((outputs - targets) ** 2).flatten(1).mean(dim=1)  # (N,) one error per image
    per_image = 10 * torch.log10(data_range ** 2 / mse.clamp_min(data_range ** 2 * 10 ** (-max_db / 10)))
    return float(per_image.mean())


def translation_scores(generator, pairs: PairedImages, batch_size: int = 256) -> dict:
    """{"l1": ..., "psnr": ...} of G's translations of pairs.inputs against pairs.targets.

    generator=None scores the trivial baseline: the input itself (the bicubic upsample, for
    super-resolution), which needs inputs and targets with the same channels.
    """
    if not isinstance(pairs, PairedImages):
        raise TypeError(f"pairs must be a PairedImages, got a {type(pairs).__name__}.")
    if generator is None:
        if pairs.inputs.shape[1] != pairs.targets.shape[1]:
            raise ValueError("the input itself is no baseline when inputs and targets have different channels.")
        outputs = pairs.inputs
    else:
        outputs = translate(generator, pairs.inputs, batch_size)
    return {"l1": round(l1_distance(outputs, pairs.targets), 4), "psnr": round(psnr(outputs, pairs.targets), 2)}


def show_translations(inputs, outputs, targets, n: int = 8, titles=("input", "output", "target"), ax=None):
    """Three rows of images: inputs, outputs and targets side by side (columns are examples)."""
    import matplotlib.pyplot as plt

    from learntools.gans.plots import show_images

    rows = [torch.as_tensor(images).detach().float().cpu()[:n] for images in (inputs, outputs, targets)]
    channels = max(images.shape[1] for images in rows)
    rows = [images.expand(-1, channels, -1, -1) if images.shape[1] == 1 else images for images in rows]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * min(n, len(rows[0])) + 1, 3.6), layout="constrained")
    show_images(torch.cat(rows), nrow=min(n, len(rows[0])), ax=ax)
    step = ax.get_ylim()[0] / 3
    ax.set_yticks([step * (k + 0.5) for k in range(3)], titles)
    ax.tick_params(left=False)
    ax.set_axis_on()
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks([])
    return ax


# ---------------------------------------------------------------------------------------------
# The command-line recipes
# ---------------------------------------------------------------------------------------------


def _pix2pix_recipe(name, pairs, held_out, seed, device):
    from learntools.gans.trainer import AdamSettings

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = UNetGenerator(in_channels=1, out_channels=1, width=32, depth=5)
        discriminator = PatchDiscriminator(in_channels=2, width=32, n_down=2)
    trainer = Pix2PixTrainer(
        generator,
        discriminator,
        data=pairs.batches(batch_size=32, seed=seed),
        l1_weight=L1_WEIGHT,
        optimizers=AdamSettings(lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999)),
        sample_inputs=held_out.inputs[:64],
        device=device,
        seed=seed,
    )
    trainer.held_out = held_out
    return trainer


def pix2pix_edges(seed=0, device=None, source="subset"):
    """pix2pix from Sobel edges to MNIST digits: U-Net + PatchGAN, adversarial + 100 * L1."""
    from learntools.gans.paired import edges_to_digits

    trainer = _pix2pix_recipe("pix2pix-edges", edges_to_digits("train", source=source),
                              edges_to_digits("test", source=source), seed, device)
    trainer.config.update(recipe="pix2pix-edges", options={"seed": seed, "source": source})
    return trainer


def pix2pix_superres(seed=0, device=None, source="subset"):
    """pix2pix super-resolution: 7x7 digits (bicubic upsampled) to 28x28, U-Net + PatchGAN."""
    from learntools.gans.paired import lowres_to_highres_digits

    trainer = _pix2pix_recipe("pix2pix-superres", lowres_to_highres_digits("train", source=source),
                              lowres_to_highres_digits("test", source=source), seed, device)
    trainer.config.update(recipe="pix2pix-superres", options={"seed": seed, "source": source})
    return trainer
