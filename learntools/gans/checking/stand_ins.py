"""Stand-in networks: tiny models with fixed weights that the checks hand to a learner's function
instead of the learner's own models, so that every result can be recomputed exactly and every
realistic mistake gives a value of its own.

    recording_gan()         lesson 05: a linear G (3 noise numbers -> 4x4 images) and D that remember
                            every batch they are shown (the step checks read who saw what)
    real_batch(), fill_stale(), LoggingSGD, has_fresh(), sgd_target(), matches(), StepBench
                            lessons 05 and 11: the bench a learner's training step runs on (a real
                            batch, gradients a previous step left behind, optimizers that log)
    conditional_bench()     lesson 08: a small conditional G and D with a real batch, labels and noise
    affine_generators()     lesson 10: two generators with two parameters each, x -> w·x + b
"""

import copy

import torch
from torch import nn

from learntools.core import describe

RECORDING_Z_DIM = 3  # the noise size of recording_gan's generator


class RecordingGenerator(nn.Module):
    """z (N, 3) -> images (N, 1, 4, 4) in [-1, 1]; remembers every (z, output) pair in ``calls``."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(RECORDING_Z_DIM, 16)
        self.calls = []

    def forward(self, z):
        if not isinstance(z, torch.Tensor):
            raise TypeError(f"the generator takes a tensor of noise, not {describe(z)}")
        if z.ndim == 4 and z.shape[2:] == (1, 1):
            z = z.flatten(1)  # (N, z_dim, 1, 1) is fine too
        if z.ndim != 2 or z.shape[1] != RECORDING_Z_DIM:
            raise ValueError(f"the generator expects noise of shape (N, z_dim) = (N, {RECORDING_Z_DIM}), "
                             f"got {tuple(z.shape)}")
        if not z.is_floating_point():
            raise TypeError(f"the noise should be floating point (torch.randn), got {z.dtype}")
        images = torch.tanh(self.layer(z)).reshape(-1, 1, 4, 4)  # (N, 1, 4, 4)
        self.calls.append((z.detach().clone(), images.detach().clone()))
        return images


class RecordingDiscriminator(nn.Module):
    """images (N, 1, 4, 4) -> logits (N, 1); remembers every batch it is shown in ``calls``."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(16, 1)
        self.calls = []

    def forward(self, images):
        if not isinstance(images, torch.Tensor):
            raise TypeError(f"the discriminator takes a tensor of images, not {describe(images)}")
        if images.ndim != 4 or tuple(images.shape[1:]) != (1, 4, 4):
            raise ValueError(f"the discriminator expects images of shape (N, 1, 4, 4) here, got {tuple(images.shape)}")
        self.calls.append(images.detach().clone())
        return self.layer(images.flatten(1))  # (N, 1)


def recording_gan(seed=5):
    """A fresh recording G and D with fixed weights spread enough that every wrong loss shows."""
    generator = torch.Generator().manual_seed(seed)
    G, D = RecordingGenerator(), RecordingDiscriminator()
    with torch.no_grad():
        G.layer.weight.copy_(torch.randn(16, RECORDING_Z_DIM, generator=generator))
        G.layer.bias.copy_(0.3 * torch.randn(16, generator=generator))
        D.layer.weight.copy_(0.6 * torch.randn(1, 16, generator=generator))
        D.layer.bias.fill_(0.4)
    return G, D


# --------------------------------------------------------------- the bench of one training step

STEP_BATCH = 8  # real images in the bench's batch
STEP_LEARNING_RATE = 0.1  # plain SGD, so an update is exactly -lr * gradient
STALE_GRADIENT = 0.25  # what a previous step left in .grad, if nobody clears it


def real_batch(seed=11):
    """A fixed batch of real images for the recording stand-ins: (8, 1, 4, 4) in [-1, 1]."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(STEP_BATCH, 1, 4, 4, generator=generator) * 2 - 1


def fill_stale(module):
    """Leave STALE_GRADIENT in every .grad of ``module``, as an earlier step's backward() would."""
    for p in module.parameters():
        p.grad = torch.full_like(p, STALE_GRADIENT)


def has_fresh(gradients):
    """True when some gradient holds something other than nothing, zeros or the stale fill."""
    return any(g is not None and bool(g.abs().sum() > 0) and not bool(torch.all(g == STALE_GRADIENT))
               for g in gradients)


class LoggingSGD:
    """Plain SGD (p <- p - lr * p.grad) for a learner's step to call.

    Each step() appends (name, copies of G's gradients at that moment) to ``log``; ``wiped_fresh_gradients``
    turns True when zero_grad() clears gradients a backward() just made. Not a torch.optim.Optimizer:
    PyTorch's optimizers import a lot on their first step (seconds), and a check must answer quickly."""

    def __init__(self, params, name="", log=None, G=None, lr=STEP_LEARNING_RATE):
        self.param_groups = [{"params": list(params), "lr": lr}]
        self._name, self._log, self._G = name, log, G
        self.wiped_fresh_gradients = False

    def zero_grad(self, set_to_none=True):
        parameters = self.param_groups[0]["params"]
        if has_fresh(p.grad for p in parameters):
            self.wiped_fresh_gradients = True
        for p in parameters:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def step(self, closure=None):
        if self._log is not None:
            gradients = [] if self._G is None else self._G.parameters()
            self._log.append((self._name, [None if p.grad is None else p.grad.detach().clone() for p in gradients]))
        with torch.no_grad():
            for p in self.param_groups[0]["params"]:
                if p.grad is not None:
                    p.sub_(self.param_groups[0]["lr"] * p.grad)


class StepBench:
    """What a learner's ``train_step(G, D, real, opt_g, opt_d, z_dim)`` runs on, set up as between two steps:
    seeded recording stand-ins with stale gradients, logging optimizers (their steps land in ``log``), a real
    batch, and copies of G and D as they were before (``G_before``, ``D_before``)."""

    def __init__(self):
        torch.manual_seed(0)  # the step draws its own noise (the check restores the global generator)
        self.G, self.D = recording_gan()
        self.real = real_batch()
        self.log = []
        self.opt_g = LoggingSGD(self.G.parameters(), "G", self.log, self.G)
        self.opt_d = LoggingSGD(self.D.parameters(), "D", self.log, self.G)
        fill_stale(self.G)  # the gradients a previous step left behind
        fill_stale(self.D)
        self.G_before, self.D_before = copy.deepcopy(self.G), copy.deepcopy(self.D)

    def arguments(self):
        """The arguments of ``train_step``: (G, D, real, opt_g, opt_d, z_dim)."""
        return self.G, self.D, self.real, self.opt_g, self.opt_d, RECORDING_Z_DIM


def sgd_target(module_before, loss, stale=False, lr=STEP_LEARNING_RATE):
    """Where one plain SGD step on ``loss`` takes the parameters of ``module_before`` (with ``stale``: had
    the step's gradients been added to the stale fill instead of replacing it)."""
    gradients = torch.autograd.grad(loss, list(module_before.parameters()), allow_unused=True, retain_graph=True)
    return [p.detach() - lr * ((g if g is not None else torch.zeros_like(p)) + (STALE_GRADIENT if stale else 0))
            for p, g in zip(module_before.parameters(), gradients)]


def matches(module, wanted, atol=1e-5):
    """True when ``module``'s parameters equal the tensors ``wanted`` (up to float noise)."""
    return all(torch.allclose(p.detach(), q, rtol=1e-4, atol=atol) for p, q in zip(module.parameters(), wanted))


def conditional_bench(seed=0, z_dim=8):
    """A tiny conditional G and D (fixed weights, eval mode) and a batch: (G, D, real, labels, z)."""
    from learntools.gans.models.conditional import ConditionalDiscriminator, ConditionalGenerator

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        G = ConditionalGenerator(z_dim=z_dim, width=4)
        D = ConditionalDiscriminator(width=4)
        # Larger weights than DCGAN's N(0, 0.02), so that D's verdict clearly depends on the label
        # and every realistic mistake gives a different loss.
        for parameter in list(G.parameters()) + list(D.parameters()):
            parameter.data.normal_(0.0, 0.3)
        real = torch.rand(6, 1, 28, 28) * 2 - 1
        z = torch.randn(6, z_dim)
    labels = torch.tensor([0, 3, 7, 7, 9, 2], dtype=torch.int64)
    G.eval()  # BatchNorm with running statistics: the same output for every call
    D.eval()
    return G, D, real, labels, z


class Affine(nn.Module):
    """A stand-in generator with two parameters: x -> weight * x + bias."""

    def __init__(self, weight, bias, name):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(float(weight)))
        self.bias = nn.Parameter(torch.tensor(float(bias)))
        self.name = name

    def forward(self, x):
        return self.weight * x + self.bias

    def __repr__(self):
        return f"{self.name}(x) = {self.weight.item():g}·x {'+' if self.bias.item() >= 0 else '-'} {abs(self.bias.item()):g}"


def affine_generators():
    """Fresh stand-ins: G_AB(x) = -1.5 x - 0.1 and G_BA(x) = -0.5 x - 0.3. Chosen (by a search over such pairs)
    so that every listed mistake of lesson 10 gives a value at least 2% away from the right one and from
    each other."""
    return Affine(-1.5, -0.1, "G_AB"), Affine(-0.5, -0.3, "G_BA")
