"""Training a CycleGAN: two generators, two discriminators, the image pool (lesson 10).

The discriminators learn from a history of generated images, not just the latest batch (an
`ImagePool`, Shrivastava et al. 2017), which damps the oscillation of G and D chasing each other.
The adversarial loss is the least-squares one (LSGAN, Mao et al. 2017), as in the paper.

    domains = thin_thick_digits("train")
    trainer = CycleGANTrainer(generators, discriminators, domains.batches(16))
    trainer.fit(seconds=60)
    cycle_scores(generators, held_out)                    # reconstruction and translation errors

Everything runs on the CPU or a GPU unchanged (the trainer picks the device), and under torchrun
(the two generators are one module, so DistributedDataParallel sees one forward per step).
The networks and the cycle and identity losses are in learntools.gans.models.cyclegan.
"""

from __future__ import annotations

import torch

from learntools.gans.data.adapters import KeepSecond
from learntools.gans.data.unpaired import UnpairedImages
from learntools.gans.evaluation.translation import cycle_scores
from learntools.gans.losses import gradient_penalty
from learntools.gans.models.cyclegan import CYCLE_WEIGHT, IDENTITY_WEIGHT, CycleDiscriminators, CycleGenerators
from learntools.gans.training.ingredients import no_noise
from learntools.gans.training.pix2pix import sample_inputs_or_first_batch, translate_sample_inputs
from learntools.gans.training.checkpoints import load_checkpoint
from learntools.gans.training.trainer import GANTrainer

__all__ = ["ImagePool", "CycleGANTrainer", "POOL_SIZE"]


POOL_SIZE = 50  # images the discriminators' history holds, as in the paper


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
        super().__init__(generators, discriminators, self.pairs, noise=no_noise, loss=loss, **settings)
        self.cycle_weight, self.identity_weight = float(cycle_weight), float(identity_weight)
        pool_seed = self.seed + 1000 * self.rank
        self.pool_a = ImagePool(pool_size, generator=torch.Generator().manual_seed(pool_seed + 1))
        self.pool_b = ImagePool(pool_size, generator=torch.Generator().manual_seed(pool_seed + 2))
        self.last_fakes = self.last_reals = self.last_translations = None

        self.sample_inputs = sample_inputs_or_first_batch(sample_inputs, data, "domain-A images")
        self.config.update(cycle_weight=self.cycle_weight, identity_weight=self.identity_weight, pool_size=pool_size)

    # ---- hooks: pairs of domains; G goes first and makes the fakes D learns from -----------

    generator_first = True

    def next_batch(self):
        real_a = self.real_batches.next()                               # (N, C, H, W)
        real_b = self.pairs.second.to(self.device, non_blocking=True)   # (N, C, H, W), other images
        self.last_real, self.last_reals = real_a, (real_a, real_b)
        return self.last_reals, None

    def generator_batch(self):
        return self.next_batch()                                        # G opens the step with a new batch

    def discriminator_batch(self):
        return self.last_reals, None                                    # the batch of this step's G update

    def generate(self, reals, condition):
        """(fake_a, fake_b), from one forward of both generators that also makes the cycles and
        identities (kept in `last_translations` for the generator loss)."""
        real_a, real_b = reals
        out = self.G(real_a, real_b, identity=self.identity_weight > 0)  # every translation, one forward
        self.last_translations = out
        self.last_fakes = (out["fake_a"].detach(), out["fake_b"].detach())
        return out["fake_a"], out["fake_b"]

    def discriminator_fakes(self, reals, condition):
        """This step's fakes, or older ones from each domain's ImagePool."""
        return self.pool_a.query(self.last_fakes[0]), self.pool_b.query(self.last_fakes[1])

    def judge(self, D, images, condition):
        """(D_A's logits on images of A, D_B's on images of B), each patch grid flattened."""
        logits_a, logits_b = D(*images)                                 # (N, 1, h, w) each
        return logits_a.reshape(-1), logits_b.reshape(-1)

    def discriminator_loss(self, real_logits, fake_logits):
        d_loss_a = self.loss.discriminator(real_logits[0], fake_logits[0])
        d_loss_b = self.loss.discriminator(real_logits[1], fake_logits[1])
        return d_loss_a + d_loss_b, {"d_loss_a": d_loss_a.item(), "d_loss_b": d_loss_b.item()}

    def generator_loss(self, fake_logits, fakes, reals):
        """LSGAN on both translations + cycle_weight * cycle L1 + identity_weight * identity L1."""
        (real_a, real_b), out = reals, self.last_translations
        adversarial = self.loss.generator(fake_logits[0]) + self.loss.generator(fake_logits[1])
        cycle = (out["rec_a"].float() - real_a.float()).abs().mean() + (out["rec_b"].float() - real_b.float()).abs().mean()
        g_loss = adversarial + self.cycle_weight * cycle
        identity = torch.zeros((), device=self.device)
        if self.identity_weight > 0:
            identity = (out["same_a"].float() - real_a.float()).abs().mean() + (out["same_b"].float() - real_b.float()).abs().mean()
            g_loss = g_loss + self.identity_weight * identity
        return g_loss, {"g_adversarial": adversarial.item(), "cycle": cycle.item(), "identity": identity.item()}

    def gradient_penalty(self, reals, fakes, condition):
        """WGAN-GP for each discriminator: D_A between real and fake A, D_B between real and fake B."""
        (real_a, real_b), (fake_a, fake_b) = reals, fakes
        weight = self.gradient_penalty_weight
        penalty_a = gradient_penalty(lambda images: self.D(images, real_b)[0], real_a, fake_a.float(), weight=weight)
        penalty_b = gradient_penalty(lambda images: self.D(real_a, images)[1], real_b, fake_b.float(), weight=weight)
        return penalty_a + penalty_b

    @torch.no_grad()
    def sample(self, n=None, seed=None, batch_size=500):
        """G_AB's translations (float32, CPU) of `n` sample inputs: the first n, or n drawn with `seed`."""
        return translate_sample_inputs(self.generator.ab, self.sample_inputs, n, seed, batch_size)

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
