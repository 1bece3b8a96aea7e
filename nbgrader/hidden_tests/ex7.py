"""Hidden tests of lesson 07 (07_why_gans_work.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q7a` for q7.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex7.py).
"""


def hidden_q1(ring_log_density):
    """ring_log_density on one point, on float64 points, and far out: against torch.distributions."""
    import torch
    from learntools.core import call_learner
    from learntools.gans.theory import toy_mixture
    what = "your function `ring_log_density`"
    reference = toy_mixture("ring")
    for points in [torch.tensor([[0.3, -1.9]]), torch.tensor([[1.0, 1.0], [-2.2, 0.1], [4.0, -4.0]], dtype=torch.float64)]:
        got = call_learner(ring_log_density, points.clone(), what=what)
        expected = reference.log_prob(points.float()).double()
        assert isinstance(got, torch.Tensor) and got.numel() == len(points), (
            f"ring_log_density should return one log density per point, {len(points)} here")
        got = got.detach().reshape(-1).double()
        assert torch.isfinite(got).all(), "ring_log_density should stay finite far from the ring (use logsumexp)"
        assert torch.allclose(got, expected, rtol=1e-4, atol=1e-3), (
            f"ring_log_density gave {got.tolist()}, expected {expected.tolist()}")


def hidden_q2(optimal_discriminator):
    """optimal_discriminator on a large batch with extreme log densities: finite, in [0, 1], exact."""
    import torch
    from learntools.core import call_learner
    what = "your function `optimal_discriminator`"
    generator = torch.Generator().manual_seed(70702)
    log_p = torch.cat([-2000 * torch.rand(50, generator=generator), torch.tensor([-1e4, 0.0, 30.0])])
    log_q = torch.cat([-2000 * torch.rand(50, generator=generator), torch.tensor([-1e4 - 3.0, 0.0, -30.0])])
    got = call_learner(optimal_discriminator, log_p.clone(), log_q.clone(), what=what)
    assert isinstance(got, torch.Tensor) and got.numel() == len(log_p), "optimal_discriminator should return one value per point"
    got = got.detach().reshape(-1).double()
    assert torch.isfinite(got).all(), "optimal_discriminator should stay finite where both densities underflow"
    assert torch.allclose(got, torch.sigmoid(log_p.double() - log_q.double()), atol=1e-6), (
        "optimal_discriminator should be sigmoid(log p_data - log p_g)")


def hidden_q3(game_value):
    """game_value with batches of different sizes and very confident probabilities."""
    import torch
    from learntools.core import call_learner
    what = "your function `game_value`"
    d_real = torch.tensor([0.999999, 0.3, 0.75, 0.5, 0.9], dtype=torch.float64)
    d_fake = torch.tensor([1e-6, 0.6], dtype=torch.float64)
    expected = float(torch.log(d_real).mean() + torch.log1p(-d_fake).mean())
    got = call_learner(game_value, d_real.clone(), d_fake.clone(), what=what)
    assert abs(float(got) - expected) < 1e-6, f"game_value gave {float(got):.6g}, expected {expected:.6g}"


def hidden_q5a(simultaneous_step):
    """simultaneous_step from other points and step sizes: both moves use the old point."""
    from learntools.core import call_learner
    what = "your function `simultaneous_step`"
    for x, y, lr in [(0.3, -1.2, 0.05), (-2.0, 0.5, 0.3), (1.5, 1.5, 0.01)]:
        got = call_learner(simultaneous_step, x, y, lr, what=what)
        want_x, want_y = x - y * lr, y + x * lr
        assert isinstance(got, (tuple, list)) and len(got) == 2, "simultaneous_step should return (x_new, y_new)"
        assert abs(float(got[0]) - want_x) < 1e-6 and abs(float(got[1]) - want_y) < 1e-6, (
            f"simultaneous_step({x}, {y}, {lr}) gave ({float(got[0]):.6g}, {float(got[1]):.6g}), "
            f"expected ({want_x:.6g}, {want_y:.6g}): x descends and y ascends, both from the old (x, y)")


def hidden_q5b(alternating_step):
    """alternating_step from other points and step sizes: y moves first, x answers the new y."""
    from learntools.core import call_learner
    what = "your function `alternating_step`"
    for x, y, lr in [(0.3, -1.2, 0.05), (-2.0, 0.5, 0.3), (1.5, 1.5, 0.01)]:
        got = call_learner(alternating_step, x, y, lr, what=what)
        new_y = y + x * lr
        want_x = x - new_y * lr
        assert isinstance(got, (tuple, list)) and len(got) == 2, "alternating_step should return (x_new, y_new)"
        assert abs(float(got[0]) - want_x) < 1e-6 and abs(float(got[1]) - new_y) < 1e-6, (
            f"alternating_step({x}, {y}, {lr}) gave ({float(got[0]):.6g}, {float(got[1]):.6g}), "
            f"expected ({want_x:.6g}, {new_y:.6g}): y steps first, then x against the new y")


def hidden_q6a(least_squares_d):
    """least_squares_d on a real and a fake batch of different sizes: each batch averaged on its own."""
    import torch
    from learntools.core import call_learner
    what = "your function `least_squares_d`"
    real = torch.tensor([[1.5], [0.0], [0.8]])
    fake = torch.tensor([[0.4], [-1.0]])
    got = call_learner(least_squares_d, real, fake, what=what)
    expected = 0.5 * ((0.25 + 1.0 + 0.04) / 3 + (0.16 + 1.0) / 2)
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "least_squares_d should return a one-number tensor"
    assert abs(float(got.detach()) - expected) < 1e-5, (
        f"least_squares_d gave {float(got.detach()):.6g} on 3 real and 2 fake scores, expected {expected:.6g}")


def hidden_q6b(least_squares_g):
    """least_squares_g on another batch of fake scores."""
    import torch
    from learntools.core import call_learner
    what = "your function `least_squares_g`"
    fake = torch.tensor([[0.4], [-1.0], [2.0]])
    got = call_learner(least_squares_g, fake, what=what)
    expected = 0.5 * (0.36 + 4.0 + 1.0) / 3
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "least_squares_g should return a one-number tensor"
    assert abs(float(got.detach()) - expected) < 1e-5, (
        f"least_squares_g gave {float(got.detach()):.6g}, expected {expected:.6g}")


def hidden_q7a(hinge_d):
    """hinge_d: value and gradients on batches of different sizes (the relu cuts off confident examples)."""
    import torch
    from learntools.core import call_learner
    what = "your function `hinge_d`"
    real = torch.tensor([[2.0], [0.2], [-0.7]], requires_grad=True)
    fake = torch.tensor([[-3.0], [0.5]], requires_grad=True)
    got = call_learner(hinge_d, real, fake, what=what)
    expected = (0.0 + 0.8 + 1.7) / 3 + (0.0 + 1.5) / 2
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "hinge_d should return a one-number tensor"
    value = float(got.detach())
    assert abs(value - expected) < 1e-5, f"hinge_d gave {value:.6g}, expected {expected:.6g}"
    real_grad, fake_grad = torch.autograd.grad(got.reshape(()), [real, fake])
    assert torch.allclose(real_grad.reshape(-1), torch.tensor([0.0, -1 / 3, -1 / 3])), (
        "hinge_d's gradient should be 0 for a real score above 1, -1/N below it")
    assert torch.allclose(fake_grad.reshape(-1), torch.tensor([0.0, 0.5])), (
        "hinge_d's gradient should be 0 for a fake score below -1, +1/M above it")


def hidden_q7b(hinge_g):
    """hinge_g on fake scores far beyond the margins: G's hinge loss has no relu."""
    import torch
    from learntools.core import call_learner
    what = "your function `hinge_g`"
    fake = torch.tensor([[3.0], [-2.5], [0.5], [-0.2]])
    got = call_learner(hinge_g, fake, what=what)
    expected = -(3.0 - 2.5 + 0.5 - 0.2) / 4
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "hinge_g should return a one-number tensor"
    assert abs(float(got.detach()) - expected) < 1e-5, (
        f"hinge_g gave {float(got.detach()):.6g}, expected {expected:.6g}: minus the fakes' mean score")


def hidden_q8a(wasserstein_d):
    """wasserstein_d on a real and a fake batch of different sizes."""
    import torch
    from learntools.core import call_learner
    what = "your function `wasserstein_d`"
    real = torch.tensor([[2.0], [-1.0], [0.5]])
    fake = torch.tensor([[0.25], [-3.0]])
    got = call_learner(wasserstein_d, real, fake, what=what)
    expected = (0.25 - 3.0) / 2 - (2.0 - 1.0 + 0.5) / 3
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "wasserstein_d should return a one-number tensor"
    assert abs(float(got.detach()) - expected) < 1e-5, (
        f"wasserstein_d gave {float(got.detach()):.6g} on 3 real and 2 fake scores, expected {expected:.6g}")


def hidden_q8b(wasserstein_g):
    """wasserstein_g on another batch of fake scores."""
    import torch
    from learntools.core import call_learner
    what = "your function `wasserstein_g`"
    fake = torch.tensor([[3.0], [-2.5], [0.5], [-0.2]])
    got = call_learner(wasserstein_g, fake, what=what)
    expected = -(3.0 - 2.5 + 0.5 - 0.2) / 4
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "wasserstein_g should return a one-number tensor"
    assert abs(float(got.detach()) - expected) < 1e-5, (
        f"wasserstein_g gave {float(got.detach()):.6g}, expected {expected:.6g}: minus the fakes' mean score")


def hidden_q9(gradient_penalty):
    """gradient_penalty on images with a linear critic, whose input gradient is its weight everywhere."""
    import torch
    from torch import nn
    from learntools.core import call_learner
    what = "your function `gradient_penalty`"
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(70709)
        critic = nn.Sequential(nn.Flatten(), nn.Linear(2 * 5 * 5, 1))
        with torch.no_grad():
            critic[1].weight.mul_(2.0 / critic[1].weight.norm())  # |grad| = 2 at every point
        real, fake = torch.rand(6, 2, 5, 5) * 2 - 1, torch.rand(6, 2, 5, 5) * 2 - 1
        got = call_learner(gradient_penalty, critic, real, fake, what=what)
    assert isinstance(got, torch.Tensor) and got.numel() == 1, "gradient_penalty should return a one-number tensor"
    value = float(got.detach())
    assert abs(value - 10.0) < 1e-3, (
        f"with a critic whose gradient norm is 2 everywhere, the penalty is 10 * (2 - 1)^2 = 10; got {value:.6g}")
    assert got.requires_grad, "gradient_penalty should keep the graph (create_graph=True) so it can train the critic"
    (weight_grad,) = torch.autograd.grad(got.reshape(()), [critic[1].weight])
    expected = 20.0 * (2.0 - 1.0) * critic[1].weight.detach() / 2.0
    assert torch.allclose(weight_grad, expected, atol=1e-4), "gradient_penalty's gradient with respect to the critic is wrong"


def hidden_q10(largest_singular_value):
    """largest_singular_value on a wide and a tall float64 matrix."""
    import torch
    from learntools.core import call_learner
    what = "your function `largest_singular_value`"
    generator = torch.Generator().manual_seed(70710)
    for shape in [(3, 8), (8, 3)]:
        U, _ = torch.linalg.qr(torch.randn(shape[0], shape[0], generator=generator, dtype=torch.float64))
        V, _ = torch.linalg.qr(torch.randn(shape[1], shape[1], generator=generator, dtype=torch.float64))
        k = min(shape)
        W = U[:, :k] @ torch.diag(torch.tensor([5.0, 2.0, 0.5], dtype=torch.float64)) @ V[:, :k].T  # σ = 5, 2, 0.5
        got = call_learner(largest_singular_value, W.clone(), what=what)
        assert abs(float(got) - 5.0) < 5e-3, f"largest_singular_value gave {float(got):.6g} for a {shape} matrix with σ_max 5"
