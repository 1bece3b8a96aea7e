"""Hidden tests of lesson 05 (05_training.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex5.py).
"""


def hidden_q1(discriminator_loss):
    """discriminator_loss on batches of different sizes and very confident logits: value and gradients."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    what = "your function `discriminator_loss`"
    generator = torch.Generator().manual_seed(50501)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # real and fake batches of different sizes, a batch of one, very confident logits (±120)
        cases = [(3 * torch.randn(5, 1, generator=generator), 3 * torch.randn(3, 1, generator=generator)),
                 (torch.tensor([[0.7]]), 2 * torch.randn(7, 1, generator=generator)),
                 (torch.tensor([[-120.0], [3.0], [40.0]]), torch.tensor([[120.0], [-2.0]]))]
        for real, fake in cases:
            expected = F.softplus(-real.double()).mean() + F.softplus(fake.double()).mean()
            real_grad = -torch.sigmoid(-real) / len(real)   # d loss / d real logits
            fake_grad = torch.sigmoid(fake) / len(fake)     # d loss / d fake logits
            real_in, fake_in = real.clone().requires_grad_(), fake.clone().requires_grad_()
            got = call_learner(discriminator_loss, real_in, fake_in, what=what)
            assert isinstance(got, torch.Tensor) and got.numel() == 1, (
                "discriminator_loss should return a one-number tensor")
            assert abs(float(got) - float(expected)) <= 1e-4 * (1 + abs(float(expected))), (
                f"discriminator_loss gave {float(got):.6g}, expected {float(expected):.6g} ({len(real)} real, {len(fake)} fake)")
            grads = torch.autograd.grad(got.reshape(()), [real_in, fake_in], allow_unused=True)
            assert grads[0] is not None and grads[1] is not None, (  # both parts reach their logits
                "discriminator_loss should reach both the real and the fake logits")
            assert torch.allclose(grads[0], real_grad, atol=1e-5) and torch.allclose(grads[1], fake_grad, atol=1e-5), (
                "discriminator_loss has the wrong gradient (means over each batch, computed stably from logits)")


def hidden_q2(generator_loss):
    """generator_loss on a batch of one, of 64, and on very confident logits: value and gradient."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    what = "your function `generator_loss`"
    generator = torch.Generator().manual_seed(50502)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # a batch of one, a batch of 64, and logits of a very confident D (down to -120)
        for fake in [torch.tensor([[-2.5]]), 2 * torch.randn(64, 1, generator=generator) - 1,
                     torch.tensor([[-120.0], [-30.0], [0.0], [30.0]])]:
            expected = F.softplus(-fake.double()).mean()
            fake_grad = -torch.sigmoid(-fake) / len(fake)  # d loss / d fake logits: about -1/N where D rejects
            fake_in = fake.clone().requires_grad_()
            got = call_learner(generator_loss, fake_in, what=what)
            assert isinstance(got, torch.Tensor) and got.numel() == 1, (
                "generator_loss should return a one-number tensor")
            assert abs(float(got) - float(expected)) <= 1e-4 * (1 + abs(float(expected))), (
                f"generator_loss gave {float(got):.6g}, expected {float(expected):.6g}")
            (grad,) = torch.autograd.grad(got.reshape(()), [fake_in])
            assert torch.allclose(grad, fake_grad, atol=1e-5), (
                "generator_loss has the wrong gradient (the non-saturating loss, computed stably from logits)")


def hidden_q6(generator_step):
    """generator_step on the meta device (noise made where the models live), then with Adam at other sizes."""
    import copy
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    from learntools.gans.losses import nonsaturating_g
    what = "your function `generator_step`"

    class Recording(nn.Module):  # a generator that remembers the noise it was given
        def __init__(self, net):
            super().__init__()
            self.net, self.noise = net, []

        def forward(self, z):
            self.noise.append(z.detach().clone())
            return self.net(z)

    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(50506)
        # 1. the noise is made where the models live ("meta" stands in for a GPU)
        class OnMeta(Recording):  # remembers where the noise was made, then carries on on the meta device
            def forward(self, z):
                self.noise.append(z.device.type)
                return self.net(z.to("meta"))

        G = OnMeta(nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4))).to("meta"))
        D = nn.Sequential(nn.Flatten(), nn.Linear(16, 1)).to("meta")
        loss = call_learner(generator_step, G, D, 3, torch.optim.SGD(G.parameters(), lr=0.1), 5, what=what)
        assert G.noise and all(device == "meta" for device in G.noise), (
            f"generator_step made its noise on the {G.noise[0] if G.noise else '?'} while G lives on another "
            "device: draw z with device=device")
        assert isinstance(loss, torch.Tensor) and loss.numel() == 1 and loss.device.type == "meta", (
            "generator_step should return a one-number loss on the models' device (make the noise there)")
        assert all(p.grad is not None for p in G.parameters()), (
            "generator_step should backpropagate into every parameter of G")
        # 2. other batch and noise sizes, with Adam: the loss, G's update, D left as it was
        for batch_size, z_dim in [(3, 5), (1, 2)]:
            G = Recording(nn.Sequential(nn.Linear(z_dim, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4))))
            D = nn.Sequential(nn.Flatten(), nn.Linear(16, 1))
            G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)
            loss = call_learner(generator_step, G, D, batch_size, torch.optim.Adam(G.parameters(), lr=0.01), z_dim,
                                what=what)
            assert len(G.noise) >= 1 and tuple(G.noise[-1].shape) == (batch_size, z_dim), (
                f"generator_step should draw ({batch_size}, {z_dim}) noise")
            expected = nonsaturating_g(D_before(G_before(G.noise[-1])))
            assert abs(float(loss) - float(expected)) <= 1e-4 * (1 + abs(float(expected))), (
                f"generator_step returned {float(loss):.6g}, expected {float(expected):.6g}")
            reference_opt = torch.optim.Adam(G_before.parameters(), lr=0.01)
            reference_opt.zero_grad()
            expected.backward()
            reference_opt.step()
            assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(G.parameters(), G_before.parameters())), (
                "generator_step should take exactly one optimizer step of G's loss")
            assert all(torch.equal(a, b) for a, b in zip(D.parameters(), D_before.parameters())), (
                "generator_step should leave D's weights as they were")


def hidden_q7(train_step):
    """train_step at other batch and noise sizes: plain-number losses, D updated first, both networks change."""
    import copy
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    from learntools.gans.losses import nonsaturating_d, nonsaturating_g
    what = "your function `train_step`"

    class Recording(nn.Module):  # a generator that remembers the noise it was given
        def __init__(self, net):
            super().__init__()
            self.net, self.noise = net, []

        def forward(self, z):
            self.noise.append(z.detach().clone())
            return self.net(z)

    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(50507)
        # other batch and noise sizes; the losses come back as plain numbers, not tensors
        for batch_size, z_dim in [(5, 4), (1, 3)]:
            G = Recording(nn.Sequential(nn.Linear(z_dim, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4))))
            D = nn.Sequential(nn.Flatten(), nn.Linear(16, 1))
            real = torch.rand(batch_size, 1, 4, 4) * 2 - 1
            G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)
            modes = []  # (network, in training mode?) at every call
            for name, net in (("G", G), ("D", D)):
                net.register_forward_pre_hook(lambda module, inputs, name=name: modes.append((name, module.training)))
            result = call_learner(train_step, G, D, real, torch.optim.SGD(G.parameters(), lr=0.1),
                                  torch.optim.SGD(D.parameters(), lr=0.1), z_dim, what=what)
            assert all(training for _, training in modes) and G.training and D.training, (
                "train_step should keep G and D in training mode (no G.eval() / D.eval() while training)")
            assert isinstance(result, (tuple, list)) and len(result) == 2, "train_step should return (d_loss, g_loss)"
            d_loss, g_loss = result
            assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (d_loss, g_loss)), (
                "train_step should return plain numbers (float(loss)), not tensors")
            assert len(G.noise) >= 2 and all(tuple(z.shape) == (batch_size, z_dim) for z in G.noise), (
                f"train_step should draw ({batch_size}, {z_dim}) noise for both steps")
            with torch.no_grad():
                d_expected = nonsaturating_d(D_before(real), D_before(G_before(G.noise[0])))
                g_expected = nonsaturating_g(D(G_before(G.noise[-1])))  # judged by D after its update
            assert abs(d_loss - float(d_expected)) <= 1e-4 * (1 + abs(float(d_expected))), (
                f"train_step's d_loss is {d_loss:.6g}, expected {float(d_expected):.6g}")
            assert abs(g_loss - float(g_expected)) <= 1e-4 * (1 + abs(float(g_expected))), (
                f"train_step's g_loss is {g_loss:.6g}, expected {float(g_expected):.6g} (D updated first)")
            assert not all(torch.equal(a, b) for a, b in zip(D.parameters(), D_before.parameters())), (
                "train_step should update D")
            assert not all(torch.equal(a, b) for a, b in zip(G.parameters(), G_before.parameters())), (
                "train_step should update G")


def hidden_q8(train_step):
    """train_step on a network with BatchNorm: G and D stay in training mode, the real batch is left as it is."""
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    what = "your function `train_step`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(50508)
        G = nn.Sequential(nn.Linear(3, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4)))
        D = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.BatchNorm1d(8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
        real = torch.rand(6, 1, 4, 4) * 2 - 1
        original = real.clone()
        modes = []  # (network, in training mode?) at every call
        for name, net in (("G", G), ("D", D)):
            net.register_forward_pre_hook(lambda module, inputs, name=name: modes.append((name, module.training)))
        call_learner(train_step, G, D, real, torch.optim.Adam(G.parameters(), lr=1e-3),
                     torch.optim.Adam(D.parameters(), lr=1e-3), 3, what=what)
        assert modes and all(training for _, training in modes) and G.training and D.training, (
            "train_step should keep G and D in training mode (no G.eval() / D.eval() while training)")
        assert torch.equal(real, original), "train_step should leave the real batch as it is (no in-place changes)"
