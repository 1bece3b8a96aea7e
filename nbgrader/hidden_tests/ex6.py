"""Hidden tests of lesson 06 (06_trainer_and_evaluation.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN`, whose parameters are the notebook's names. The build copies each
function into the nbgrader source notebook's test cell, so each is self-contained: it imports what it needs
inside its body. They are unit-tested in tests/test_hidden_tests.py (against the solution, and against
tests/hidden_mistakes/ex6.py).
"""


def hidden_q2(slerp):
    """slerp on long noise vectors at several t: against the formula, on the arc, inputs left alone."""
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your function `slerp`"
    generator = torch.Generator().manual_seed(60602)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for d in (100, 7):
            z0 = torch.randn(d, generator=generator) * 1.5
            z1 = torch.randn(d, generator=generator) * 0.5
            originals = z0.clone(), z1.clone()
            cosine = (z0 @ z1) / (z0.norm() * z1.norm())  # the angle between the two vectors, from its cosine
            omega = torch.arccos(cosine.clamp(-1.0, 1.0))
            for t in (0.1, 0.5, 0.9):
                expected = (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)
                got = call_learner(slerp, z0, z1, t, what=what)
                assert isinstance(got, torch.Tensor) and tuple(got.shape) == (d,), (
                    f"slerp should return a tensor of shape ({d},) for two vectors of shape ({d},)")
                assert torch.allclose(got.float(), expected, rtol=1e-4, atol=1e-4), (
                    f"slerp at t = {t} differs from sin((1-t)ω)/sin ω · z0 + sin(tω)/sin ω · z1 for {d}-number vectors "
                    "of different lengths")
            assert torch.equal(z0, originals[0]) and torch.equal(z1, originals[1]), (
                "slerp should leave z0 and z1 as they are")


def hidden_q3(truncated_noise):
    """truncated_noise at a tight and a loose threshold, other sizes: inside, not clamped, the right spread."""
    import math
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your function `truncated_noise`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for threshold, (n, z_dim) in ((0.25, (3000, 5)), (3.0, (5000, 3))):
            z = call_learner(truncated_noise, n, z_dim, threshold, torch.Generator().manual_seed(60603), what=what)
            assert isinstance(z, torch.Tensor) and tuple(z.shape) == (n, z_dim) and z.is_floating_point(), (
                f"truncated_noise({n}, {z_dim}, {threshold}) should return a float tensor of shape ({n}, {z_dim})")
            z = z.double()
            assert float(z.abs().max()) <= threshold + 1e-6, f"some numbers lie beyond ±{threshold}"
            assert float((z.abs() > threshold - 1e-6).double().mean()) < 0.01, (
                f"many numbers sit exactly at ±{threshold}: redraw them instead of clamping")
            mass = math.erf(threshold / math.sqrt(2))
            want = math.sqrt(1 - 2 * threshold * math.exp(-threshold ** 2 / 2) / math.sqrt(2 * math.pi) / mass)
            assert abs(float(z.std()) - want) < 0.04 * want, (
                f"with threshold {threshold} the numbers should spread like a truncated normal (std {want:.3f})")
        first = call_learner(truncated_noise, 4, 2, 0.5, torch.Generator().manual_seed(9), what=what)
        second = call_learner(truncated_noise, 4, 2, 0.5, torch.Generator().manual_seed(9), what=what)
        assert torch.equal(first, second), "truncated_noise should draw every number with the generator it is given"
