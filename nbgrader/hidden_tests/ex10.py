"""Hidden tests of lesson 10 (10_what_next.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex10.py).
"""


def hidden_q1(cycle_consistency_loss):
    """cycle_consistency_loss with convolutional generators, a larger batch and another weight: value and gradients."""
    import torch
    from learntools.core import call_learner
    generator = torch.Generator().manual_seed(10801)
    # Real convolutional generators and larger batches: the value and both generators' gradients.
    G_AB, G_BA = torch.nn.Conv2d(1, 1, 3, padding=1), torch.nn.Conv2d(1, 1, 3, padding=1)
    a = torch.rand(5, 1, 8, 8, generator=generator) * 2 - 1
    b = torch.rand(5, 1, 8, 8, generator=generator) * 2 - 1
    got = call_learner(cycle_consistency_loss, G_AB, G_BA, a, b, weight=7.0, what="your function `cycle_consistency_loss`")
    want = 7.0 * ((G_BA(G_AB(a)) - a).abs().mean() + (G_AB(G_BA(b)) - b).abs().mean())
    assert torch.allclose(got, want, rtol=1e-4, atol=1e-6), (
        f"cycle_consistency_loss gave {float(got):.6g}, expected {float(want):.6g}")
    assert all(g is not None for g in torch.autograd.grad(got, [G_AB.weight, G_BA.weight])), (
        "cycle_consistency_loss should reach both generators")


def hidden_q3(ImagePool):
    """ImagePool(2, seed=5): filling, then many batches bigger than the pool."""
    import torch
    from learntools.core import call_learner
    pool = call_learner(ImagePool, 2, seed=5, what="`ImagePool(2, seed=5)`")
    out = call_learner(pool.query, torch.arange(3.0).view(3, 1, 1, 1), what="your `query`")
    assert out.shape == (3, 1, 1, 1) and out[:2, 0, 0, 0].tolist() == [0.0, 1.0] and len(pool.images) == 2, (
        "ImagePool(2): the first images fill the pool and come back as they are")
    for start in range(10, 200, 5):  # a small pool, many batches bigger than the pool
        batch = torch.arange(float(start), start + 5.0).view(5, 1, 1, 1)
        out = call_learner(pool.query, batch, what="your `query`")
        assert out.shape == (5, 1, 1, 1) and len(pool.images) == 2, (
            "ImagePool(2) should return a batch of the query's size and keep 2 images")


def hidden_q5(pixel_shuffle):
    """pixel_shuffle at other shapes and factors, against F.pixel_shuffle."""
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    generator = torch.Generator().manual_seed(10805)
    for n, c, r, h, w in [(3, 2, 4, 2, 3), (1, 5, 2, 7, 1), (2, 1, 3, 3, 3)]:
        x = torch.randn(n, c * r * r, h, w, generator=generator)
        got = call_learner(pixel_shuffle, x.clone(), r, what="your function `pixel_shuffle`")
        assert torch.equal(torch.as_tensor(got), F.pixel_shuffle(x, r)), (
            f"pixel_shuffle(x, {r}) on {tuple(x.shape)} differs from F.pixel_shuffle")
