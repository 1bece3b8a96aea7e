"""Hidden tests of lesson 13 (13_honest_evaluation.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN`, whose parameters are the notebook's names. The build copies each
function into the nbgrader source notebook's test cell, so each is self-contained: it imports what it needs
inside its body. They are unit-tested in tests/test_hidden_tests.py (against the solution, and against
tests/hidden_mistakes/ex13.py).
"""


def hidden_q1(knn_radii):
    """knn_radii on larger sets in more dimensions, k up to 5, float64 input: the (k+1)-th smallest distance of
    each row, the input left alone."""
    import torch
    from learntools.core import call_learner
    what = "your function `knn_radii`"
    generator = torch.Generator().manual_seed(130101)
    for n, d, k in ((40, 8, 5), (25, 128, 3), (7, 2, 1)):
        features = torch.randn(n, d, generator=generator, dtype=torch.float64) * 3.0
        original = features.clone()
        expected = torch.cdist(features, features).sort(dim=1).values[:, k]  # column 0 is the point itself
        got = call_learner(knn_radii, features, k, what=what)
        assert isinstance(got, torch.Tensor) and tuple(got.shape) == (n,), (
            f"knn_radii should return a tensor of shape ({n},) for {n} points")
        assert torch.allclose(got.double(), expected, rtol=1e-5, atol=1e-6), (
            f"knn_radii({n} points in {d} dimensions, k={k}) should give each point's distance to its k-th nearest "
            "other point (not counting itself)")
        assert torch.equal(features, original), "knn_radii should leave its input as it is"


def hidden_q2(precision):
    """precision on sets of different sizes and k, against a brute-force count, and on two cases with known
    answers: identical sets (1) and far-apart sets (0)."""
    import torch
    from learntools.core import call_learner
    what = "your function `precision`"
    generator = torch.Generator().manual_seed(130202)
    for n_real, n_fake, k in ((25, 25, 4), (30, 50, 3), (45, 20, 2)):  # equal sizes first
        real = torch.randn(n_real, 3, generator=generator)
        fake = torch.randn(n_fake, 3, generator=generator) * 1.6 + 0.7
        radii = torch.cdist(real, real).sort(dim=1).values[:, k]                       # (n_real,)
        expected = sum(any(float((f - r).norm()) <= float(radius) for r, radius in zip(real, radii)) for f in fake)
        expected /= n_fake
        got = float(call_learner(precision, real, fake, k, what=what))
        assert abs(got - expected) < 1e-6, (
            f"precision with {n_real} real and {n_fake} fake samples, k={k}, should be {expected:.4f} (the share of "
            f"fakes inside at least one real k-NN ball); got {got:.4f}")
    same = torch.randn(20, 4, generator=generator)
    assert abs(float(call_learner(precision, same, same.clone(), 3, what=what)) - 1.0) < 1e-6, (
        "the precision of a set against itself should be 1")
    assert abs(float(call_learner(precision, same, same + 100.0, 3, what=what))) < 1e-6, (
        "the precision of fakes far from every real sample should be 0")


def hidden_q3(recall):
    """recall on sets of different sizes and k, against a brute-force count, and one mode of two: about half."""
    import torch
    from learntools.core import call_learner
    what = "your function `recall`"
    generator = torch.Generator().manual_seed(130303)
    for n_real, n_fake, k in ((35, 35, 3), (30, 50, 3), (45, 20, 2)):  # equal sizes first
        real = torch.randn(n_real, 3, generator=generator)
        fake = torch.randn(n_fake, 3, generator=generator) * 0.6 + 0.4
        radii = torch.cdist(fake, fake).sort(dim=1).values[:, k]                       # (n_fake,)
        expected = sum(any(float((r - f).norm()) <= float(radius) for f, radius in zip(fake, radii)) for r in real)
        expected /= n_real
        got = float(call_learner(recall, real, fake, k, what=what))
        assert abs(got - expected) < 1e-6, (
            f"recall with {n_real} real and {n_fake} fake samples, k={k}, should be {expected:.4f} (the share of "
            f"real samples inside at least one fake k-NN ball); got {got:.4f}")
    centres = torch.tensor([[-10.0, 0.0], [10.0, 0.0]])
    real = centres[torch.arange(200) % 2] + torch.randn(200, 2, generator=generator) * 0.5   # two modes
    fake = centres[0] + torch.randn(100, 2, generator=generator) * 0.5                       # only the first
    got = float(call_learner(recall, real, fake, 3, what=what))
    assert 0.35 < got < 0.55, f"a generator that draws one of two equal modes should have a recall near 0.5; got {got:.3f}"
