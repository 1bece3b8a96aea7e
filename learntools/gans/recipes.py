"""Named training recipes: each builds a ready-to-fit `GANTrainer` from the five ingredients.

    from learntools.gans.recipes import build_recipe
    trainer = build_recipe("dcgan", seed=0)
    trainer.fit(seconds=60)

- "toy":            MLPs learning 8 Gaussians on a ring (2-D points; lesson 1).
- "dcgan":          DCGAN on MNIST, tuned for time to quality on a laptop CPU (see bench/README.md).
- "dcgan-fast":     the same at width 8 and batch 32: rough digits within 20 s (demos, tests).
- "dcgan-baseline": the DCGAN architecture with the PyTorch DCGAN example's settings
                    (z 100, width 64, batch 64, Adam lr 2e-4, betas (0.5, 0.999)), for comparison.
- "cgan":           a conditional DCGAN (lesson 6), its networks in models/conditional.py.
- "pix2pix-edges", "pix2pix-superres": U-Net + PatchGAN image translation (lesson 7), in models/ and training/pix2pix.py.
- "cyclegan-digits": unpaired translation, thin <-> thick digit strokes (lesson 8), in models/ and training/cyclegan.py.

Each recipe is one short function; read it to see every choice, or copy it to make your own.
"""

from __future__ import annotations

import contextlib
import os

import torch

from learntools.gans.data.digits import Batches, load_mnist, toy_distribution
from learntools.gans.data.paired import edges_to_digits, lowres_to_highres_digits
from learntools.gans.data.unpaired import thin_thick_digits
from learntools.gans.models.conditional import ConditionalDiscriminator, ConditionalGenerator
from learntools.gans.models.cyclegan import CycleDiscriminators, CycleGenerators, ImagePatchDiscriminator, ResnetGenerator
from learntools.gans.models.dcgan import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from learntools.gans.models.pix2pix import L1_WEIGHT, PatchDiscriminator, UNetGenerator
from learntools.gans.training.conditional import ConditionalGANTrainer
from learntools.gans.training.cyclegan import CycleGANTrainer
from learntools.gans.training.pix2pix import Pix2PixTrainer
from learntools.gans.training.trainer import AdamSettings, GANTrainer, TrainingSequence, gaussian_noise


@contextlib.contextmanager
def seeded(seed: int):
    """Build models with reproducible initial weights, leaving the caller's random state as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _data_seed(seed: int) -> int:
    """Under torchrun each process shuffles the data differently; alone, the seed itself."""
    return seed + 1000 * int(os.environ.get("RANK", "0"))


def toy(seed=0, device=None, distribution="ring"):
    """Two small MLPs; the generator turns 2-D noise into points on a 2-D toy distribution."""
    points = toy_distribution(distribution, n=10_000, seed=seed)  # (10000, 2)
    with seeded(seed):
        generator = MLPGenerator(z_dim=2, out_dim=points.shape[1], hidden=128, depth=3)
        discriminator = MLPDiscriminator(in_dim=points.shape[1], hidden=128, depth=3)
    trainer = GANTrainer(
        generator,
        discriminator,
        data=Batches(points, batch_size=256, seed=_data_seed(seed)),
        noise=gaussian_noise(2),
        loss="nonsaturating",
        optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999)),
        sequence=TrainingSequence(d_steps=1, g_steps=1),
        device=device,
        seed=seed,
    )
    trainer.config.update(recipe="toy", options={"seed": seed, "distribution": distribution})
    return trainer



def _dcgan_trainer(name, z_dim, width, batch_size, optimizers, seed, device, source, refine=False, ema_decay=None):
    """A DCGAN on the MNIST subset with the non-saturating loss, one D step per G step."""
    images, _ = load_mnist("train", source=source)  # (4000, 1, 28, 28) in [-1, 1]
    with seeded(seed):
        generator = DCGANGenerator(z_dim=z_dim, width=width, refine=refine)
        discriminator = DCGANDiscriminator(width=width, refine=refine)
    # channels_last: the same numbers in a memory layout oneDNN convolves about 20% faster on a CPU.
    generator = generator.to(memory_format=torch.channels_last)
    discriminator = discriminator.to(memory_format=torch.channels_last)
    trainer = GANTrainer(
        generator,
        discriminator,
        data=Batches(images, batch_size=batch_size, seed=_data_seed(seed)),
        noise=gaussian_noise(z_dim),
        loss="nonsaturating",
        optimizers=optimizers,
        sequence=TrainingSequence(d_steps=1, g_steps=1),
        device=device,
        seed=seed,
        ema_decay=ema_decay,
    )
    trainer.config.update(recipe=name, options={"seed": seed, "source": source})
    return trainer


# The tuned optimizer: 10x the baseline's learning rate for both networks, and Adam without momentum
# (beta1 = 0, momentum lags behind an opponent that keeps moving) and with a short memory of gradient
# sizes (beta2 = 0.9), so both follow the other's changes quickly.
TUNED_ADAM = AdamSettings(lr_g=2e-3, lr_d=2e-3, betas=(0.0, 0.9))


def dcgan(seed=0, device=None, source="subset"):
    """DCGAN on MNIST tuned for quality within a minute on 2 CPU cores (measured in bench/).

    Against the baseline's settings:
    - narrower (width 16, z_dim 32): about 9x fewer operations per step, so more steps per second;
    - refine=True: one more 3x3 convolution in D at 7x7, and two in G (at 7x7 and 28x28);
    - the TUNED_ADAM optimizer above;
    - samples from a moving average of G's weights (ema_decay=0.99).
    """
    return _dcgan_trainer("dcgan", 32, 16, 64, TUNED_ADAM, seed, device, source, refine=True, ema_decay=0.99)


def dcgan_fast(seed=0, device=None, source="subset"):
    """The dcgan recipe at width 8 and batch 32: rough digits within 20 s, for demos and tests."""
    return _dcgan_trainer("dcgan-fast", 32, 8, 32, TUNED_ADAM, seed, device, source, refine=True, ema_decay=0.99)


def dcgan_baseline(seed=0, device=None, source="subset"):
    """The PyTorch DCGAN example's settings: z 100, width 64, batch 64, Adam 2e-4, betas (0.5, 0.999)."""
    return _dcgan_trainer(
        "dcgan-baseline", 100, 64, 64, AdamSettings(lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999)), seed, device, source
    )


# ---------------------------------------------------------------------------------------------
# The conditional and image-to-image recipes (lessons 6 to 8)
# ---------------------------------------------------------------------------------------------


def cgan(seed=0, device=None, source="subset"):
    """Conditional DCGAN on MNIST: one-hot labels to G's noise and as D's extra channels."""
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


def _pix2pix_recipe(name, pairs, held_out, seed, device):
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
    trainer = _pix2pix_recipe("pix2pix-edges", edges_to_digits("train", source=source),
                              edges_to_digits("test", source=source), seed, device)
    trainer.config.update(recipe="pix2pix-edges", options={"seed": seed, "source": source})
    return trainer


def pix2pix_superres(seed=0, device=None, source="subset"):
    """pix2pix super-resolution: 7x7 digits (bicubic upsampled) to 28x28, U-Net + PatchGAN."""
    trainer = _pix2pix_recipe("pix2pix-superres", lowres_to_highres_digits("train", source=source),
                              lowres_to_highres_digits("test", source=source), seed, device)
    trainer.config.update(recipe="pix2pix-superres", options={"seed": seed, "source": source})
    return trainer


def cyclegan_digits(seed=0, device=None, source="subset"):
    """CycleGAN between thin and thick MNIST strokes (unpaired): ResNet generators, PatchGAN critics, LSGAN."""
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


RECIPES = {
    "toy": toy,
    "dcgan": dcgan,
    "dcgan-fast": dcgan_fast,
    "dcgan-baseline": dcgan_baseline,
    "cgan": cgan,
    "pix2pix-edges": pix2pix_edges,
    "pix2pix-superres": pix2pix_superres,
    "cyclegan-digits": cyclegan_digits,
}


def get_recipe(name):
    """The recipe function called `name`; a clear ValueError listing the known names otherwise."""
    if not isinstance(name, str) or name not in RECIPES:
        known = ", ".join(repr(known_name) for known_name in RECIPES)
        raise ValueError(f"Unknown recipe {name!r}: choose one of {known}.")
    return RECIPES[name]


def build_recipe(name, **options) -> GANTrainer:
    """Build the trainer of recipe `name`, e.g. build_recipe("dcgan", seed=1, device="cpu")."""
    return get_recipe(name)(**options)
