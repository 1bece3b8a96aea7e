"""Training pix2pix: adversarial + 100 * L1 (lesson 09), and fit_l1, the L1-only baseline.

    trainer = Pix2PixTrainer(G, D, data=pairs.batches(32))    # adversarial + 100 * L1
    trainer.fit(seconds=60)
    translation_scores(G, held_out)                           # {"l1": ..., "psnr": ...}

The networks are in learntools.gans.models.pix2pix.
"""

from __future__ import annotations

import torch

from learntools.gans.data.adapters import KeepSecond
from learntools.gans.data.digits import PairedImages
from learntools.gans.evaluation.translation import translate, translation_scores
from learntools.gans.models.pix2pix import L1_WEIGHT
from learntools.gans.runtime import default_device
from learntools.gans.training.ingredients import no_noise
from learntools.gans.training.trainer import GANTrainer

__all__ = ["Pix2PixTrainer", "fit_l1", "sample_inputs_or_first_batch", "translate_sample_inputs"]


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


@torch.no_grad()
def translate_sample_inputs(generator, sample_inputs, n=None, seed=None, batch_size=500) -> torch.Tensor:
    """`generator`'s translations (float32, CPU) of `n` sample inputs: the first n, or n drawn with `seed`."""
    count = len(sample_inputs)
    n = count if n is None else n
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}.")
    if seed is None:
        index = torch.arange(n) % count
    else:
        index = torch.randint(count, (n,), generator=torch.Generator().manual_seed(seed))
    return translate(generator, sample_inputs[index], batch_size=batch_size)


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
        super().__init__(generator, discriminator, self.pairs, noise=no_noise, loss=loss, **settings)
        self.l1_weight = float(l1_weight)
        self.last_inputs = None

        self.sample_inputs = sample_inputs_or_first_batch(sample_inputs, data, "input images")
        self.config.update(l1_weight=self.l1_weight)

    # ---- hooks: the input image is G's only input and D's condition; L1 joins G's loss -----

    def next_batch(self):
        inputs = self.real_batches.next()                      # (N, C_in, H, W)
        targets = self.pairs.second.to(self.device, non_blocking=True)  # (N, C_out, H, W)
        self.last_inputs, self.last_real = inputs, targets
        return targets, inputs                                 # the real images, and their condition

    def generator_batch(self):
        return self.last_real, self.last_inputs                # the batch of the last D step

    def generate(self, targets, inputs):
        return self.G(inputs)                                  # (N, C_out, H, W)

    def judge(self, D, images, inputs):
        """One logit per patch, flattened: the losses count every patch as one verdict."""
        return D(inputs, images).reshape(-1)                   # (N * h * w,)

    def generator_loss(self, fake_logits, fake, targets):
        adversarial = self.loss.generator(fake_logits)
        l1 = (fake.float() - targets.float()).abs().mean()
        return adversarial + self.l1_weight * l1, {"g_adversarial": adversarial.item(), "l1": l1.item()}

    @torch.no_grad()
    def sample(self, n=None, seed=None, batch_size=500):
        """Translations (float32, CPU) of `n` sample inputs: the first n (seed=None), or n drawn with the seed."""
        return translate_sample_inputs(self.generator, self.sample_inputs, n, seed, batch_size)

    def extra_metrics(self) -> dict:
        """Figures for the command line's metrics.json: held-out L1 and PSNR beside the baseline."""
        held_out = getattr(self, "held_out", None)
        if held_out is None:
            return {}
        return {"translation": {"model": translation_scores(self.generator, held_out),
                                "baseline (the input itself)": translation_scores(None, held_out)}}


def fit_l1(generator, data, steps=None, seconds=None, lr: float = 2e-4, betas=(0.5, 0.999), device=None,
           progress=False, loss: str = "l1") -> list:
    """Train a generator on a pixel loss alone (no discriminator) with Adam: by default L1, mean |G(x) - y|.

    loss="l2" minimises the mean squared error instead (lesson 09's blurry baseline: L2's best answer
    to an ambiguous input is the mean of the plausible targets, L1's their per-pixel median).
    The generator moves to `device` (default: CUDA, MPS or CPU, the best available) and stays there.

    data: an iterable of (inputs, targets) batches, repeated as needed. Stops after `steps` steps
    or `seconds` seconds, whichever comes first. Returns the history [{"step", "l1" (or "l2"), "time"}, ...].
    """
    import time

    if steps is None and seconds is None:
        raise ValueError("Give fit_l1 a budget: steps=..., seconds=..., or both (it stops at the first reached).")
    if isinstance(data, PairedImages):
        raise TypeError("data must yield batches: use pairs.batches(batch_size=32), not the PairedImages itself.")
    if loss not in ("l1", "l2"):
        raise ValueError(f"loss must be \"l1\" or \"l2\", got {loss!r}.")
    power = 1 if loss == "l1" else 2
    device = default_device() if device is None else torch.device(device)
    generator.to(device).train()
    optimizer = torch.optim.Adam(generator.parameters(), lr=lr, betas=tuple(betas))
    history, started, batches = [], time.perf_counter(), iter(data)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, unit="step", desc=f"{loss.upper()} training")
    try:
        while True:
            batch = next(batches, None)
            if batch is None:  # one pass done: start another
                batches = iter(data)
                batch = next(batches)
            inputs, targets = batch[0].to(device), batch[1].to(device)  # (N, C_in, H, W), (N, C_out, H, W)
            error = (generator(inputs) - targets).abs().pow(power).mean()  # mean |G(x) - y| or (G(x) - y)²
            optimizer.zero_grad(set_to_none=True)
            error.backward()
            optimizer.step()
            history.append({"step": len(history) + 1, loss: error.item(), "time": time.perf_counter() - started})
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
