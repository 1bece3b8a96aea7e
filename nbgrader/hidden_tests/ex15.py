"""Lesson 15's hidden tests: feature matching on other numbers of discriminators, layers and batch sizes; the
fitted direction on other sizes and noise; orthogonalisation in other dimensions and against vectors of other
lengths."""


def hidden_q1(feature_matching_loss):
    """feature_matching_loss for three discriminators of four layers, batch sizes 1 and 5: the sum of the
    layers' mean absolute differences, a tensor, gradient into the fake features only."""
    import torch
    from learntools.core import call_learner
    what = "your function `feature_matching_loss`"
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        torch.manual_seed(15001)
        for batch in (1, 5):
            shapes = [[(batch, 4 * 2 ** i, 12 - 2 * i - k, 12 - 2 * i - k) for i in range(4)] for k in range(3)]
            real = [[torch.randn(s).requires_grad_() for s in layers] for layers in shapes]
            fake = [[(0.5 * torch.randn(s)).requires_grad_() for s in layers] for layers in shapes]
            expected = sum((r - f).abs().mean() for rl, fl in zip(real, fake) for r, f in zip(rl, fl)).detach()
            loss = call_learner(feature_matching_loss, real, fake, what=what)
            assert isinstance(loss, torch.Tensor) and loss.numel() == 1, (
                "feature_matching_loss should return a one-number tensor")
            assert abs(float(loss.detach()) - float(expected)) <= 1e-4 * (1 + float(expected)), (
                f"feature_matching_loss gives {float(loss.detach()):.6g} for 3 discriminators of 4 layers (batch "
                f"{batch}); the sum of the layers' mean |real - fake| is {float(expected):.6g}")
            loss.reshape(()).backward()
            assert all(t.grad is None or float(t.grad.abs().sum()) == 0 for layers in real for t in layers), (
                "feature_matching_loss should detach the real features: no gradient may flow into them")
            assert all(t.grad is not None and float(t.grad.abs().sum()) > 0 for layers in fake for t in layers), (
                "feature_matching_loss should let the gradient flow into every fake feature map")


def hidden_q4(feature_direction):
    """feature_direction on 32-number z's like the generator's (and shifted, stretched ones), against the fitted
    slope of a feature that is linear in z plus noise: unit length, the least-squares slope's direction."""
    import torch
    from learntools.core import call_learner
    what = "your function `feature_direction`"
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(15044)
        for n, shift, stretch in [(300, 0.0, 1.0), (80, 2.0, 3.0), (1000, -1.0, 0.5)]:
            z = torch.randn(n, 32) * (stretch * torch.rand(32) + 0.2) + shift
            w = torch.randn(32)
            values = z @ w + 10.0 + 0.5 * torch.randn(n)
            got = call_learner(feature_direction, z.clone(), values.clone(), what=what)
            assert isinstance(got, torch.Tensor) and tuple(got.shape) == (32,), (
                "feature_direction should return a vector of shape (d,) = (32,)")
            design = torch.cat([z, torch.ones(n, 1)], dim=1).double()
            slope = torch.linalg.lstsq(design, values.double()[:, None]).solution[:-1, 0]
            expected = slope / slope.norm()
            got = got.detach().double()
            assert abs(float(got.norm()) - 1) < 1e-3, f"feature_direction should return unit length, not {float(got.norm()):.4g}"
            assert float(got @ expected) > 1 - 1e-4, (
                f"feature_direction's direction is {float(torch.arccos(torch.clamp(got @ expected, -1, 1))):.3f} rad from "
                "the least-squares slope of the values on z (with an intercept)")


def hidden_q5(orthogonalize):
    """orthogonalize in 2, 3 and 64 dimensions, against vectors of length 0.1 to 10: unit length, orthogonal to
    `against`, and in the plane of the two vectors on `direction`'s side."""
    import torch
    from learntools.core import call_learner
    what = "your function `orthogonalize`"
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(15004)
        cases = [(torch.tensor([2.0, 3.0]), torch.tensor([0.0, 5.0])),
                 (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0.1, 0.0, 0.0]))]
        cases += [(torch.randn(64), scale * torch.randn(64)) for scale in (0.1, 1.0, 10.0)]
        for direction, against in cases:
            got = call_learner(orthogonalize, direction.clone(), against.clone(), what=what)
            assert isinstance(got, torch.Tensor) and got.shape == direction.shape, (
                f"orthogonalize should return a vector of shape {tuple(direction.shape)}")
            got = got.detach().double()
            d, a = direction.double(), against.double()
            residual = d - (d @ a) / (a @ a) * a
            assert abs(float(got.norm()) - 1) < 1e-4, f"orthogonalize should return unit length, not {float(got.norm()):.4g}"
            assert abs(float(got @ a)) < 1e-4 * float(a.norm()), (
                "orthogonalize's result should be orthogonal to `against` (whatever its length)")
            assert float(got @ (residual / residual.norm())) > 1 - 1e-4, (
                "orthogonalize should return `direction` minus its projection on `against`, made unit length")
