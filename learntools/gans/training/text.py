"""Training a text-to-image GAN: the GANTrainer with captions in both steps, and the matching-aware D (lesson 14).

    data = Batches(images, captions.tokens, batch_size=64)
    trainer = TextGANTrainer(TextGenerator(), TextDiscriminator(), data, noise=gaussian_noise(32),
                             matching_aware=True)
    trainer.fit(steps=1000)
    trainer.sample(tokens=encode_captions(["a thick seven"] * 8))   # (8, 1, 28, 28)

A plain conditional D sees two kinds of pairs: (real image, its caption) -> real, (fake image, the
caption it was made for) -> fake. Reed et al. (2016) add a third, GAN-CLS's "matching-aware" pair:
(real image, another example's caption) -> fake. D can then no longer call an image real for looking
real; it must check that the image fits the caption. Their Algorithm 1 weighs the two "fake" kinds
half each:

    L_D = -log D(x, t) - ( log(1 - D(x, t_wrong)) + log(1 - D(G(z, t), t)) ) / 2

The steps are GANTrainer's own; this trainer replaces only the hooks: the batch carries captions,
G and D are called with them, and `discriminator_loss` adds the mismatched pairs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from learntools.gans.data.adapters import KeepSecond
from learntools.gans.data.captions import mismatched_captions
from learntools.gans.models.text import _check_tokens
from learntools.gans.training.trainer import GANTrainer

__all__ = ["matching_aware_d_loss", "TextGANTrainer"]


def matching_aware_d_loss(real_logits, mismatched_logits, fake_logits) -> torch.Tensor:
    """GAN-CLS's discriminator loss (Reed et al. 2016, Algorithm 1), from logits (N, 1) each:

    (real, right caption) -> real; (real, wrong caption) and (fake, right caption) -> fake, half each.
    2 ln 2 when every logit is 0, as for the ordinary discriminator loss.
    """
    real_part = F.softplus(-real_logits).mean()            # -log D(x, t)
    mismatch_part = F.softplus(mismatched_logits).mean()   # -log(1 - D(x, t_wrong))
    fake_part = F.softplus(fake_logits).mean()             # -log(1 - D(G(z, t), t))
    return real_part + (mismatch_part + fake_part) / 2


class TextGANTrainer(GANTrainer):
    """GANTrainer for captioned data: G(z, captions) and D(x, captions).

    data yields (images, tokens) batches, e.g. Batches(images, captions.tokens, batch_size=64). The
    fakes of a step are made for the captions of its real batch. matching_aware=True (GAN-CLS) adds
    D(real, wrong captions) to the D loss, scored as fake; False trains a plain conditional GAN.
    """

    def __init__(self, generator, discriminator, data, noise, matching_aware: bool = True, **settings):
        self.captioned = KeepSecond(data)
        super().__init__(generator, discriminator, self.captioned, noise, **settings)
        self.matching_aware = bool(matching_aware)
        self.last_tokens = self.last_wrong = None
        self.config["matching_aware"] = self.matching_aware

    # ---- hooks: captions go with every batch, to G and to D --------------------------------

    def next_batch(self):
        real = self.real_batches.next()                                   # (N, 1, 28, 28)
        tokens = _check_tokens(self.captioned.second, count=real.shape[0]).to(self.device)  # (N, 3)
        self.last_real, self.last_tokens = real, tokens
        if self.matching_aware:                                           # another example's caption per row
            self.last_wrong = mismatched_captions(tokens, generator=self.rng)
        return real, tokens

    def generator_batch(self):
        return self.last_real, self.last_tokens

    def generate(self, real, tokens):
        z = self.noise(len(tokens), self.device, self.rng)                # (N, z_dim)
        return self.G(z, tokens)                                          # (N, 1, 28, 28)

    def judge(self, D, images, tokens):
        return D(images, tokens)                                          # (N, 1): "a real image of this caption?"

    def discriminator_loss(self, real_logits, fake_logits):
        if not self.matching_aware:
            return super().discriminator_loss(real_logits, fake_logits)
        mismatched_logits = self.judge(self.D, self.last_real, self.last_wrong)  # (N, 1): real images, wrong captions
        d_loss = matching_aware_d_loss(real_logits, mismatched_logits, fake_logits)
        return d_loss, {"real_logit": real_logits.float().mean().item(),
                        "fake_logit": fake_logits.float().mean().item(),
                        "mismatch_logit": mismatched_logits.float().mean().item()}

    @torch.no_grad()
    def sample(self, n: int = 64, seed=None, tokens=None, batch_size: int = 500):
        """`n` images (float32, CPU) for the captions `tokens` (N, 3); by default "a zero", "a one", ...
        in turn. z comes from `seed` (None: the trainer's seed, so calls repeat); G runs in eval mode."""
        if tokens is None:
            tokens = torch.zeros(n, 3, dtype=torch.int64)
            tokens[:, 0] = torch.arange(n) % 10 + 1                       # the digit words "zero".."nine"
        tokens = _check_tokens(torch.as_tensor(tokens))
        cpu_rng = torch.Generator().manual_seed(self.seed if seed is None else seed)
        z = self.noise(len(tokens), "cpu", cpu_rng).to(self.device)       # (N, z_dim)
        was_training = self.generator.training
        self.generator.eval()
        try:
            return torch.cat([self.generator(z_part, t_part.to(self.device)).float().cpu()
                              for z_part, t_part in zip(z.split(batch_size), tokens.split(batch_size))])
        finally:
            self.generator.train(was_training)
