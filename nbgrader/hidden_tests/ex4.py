"""Hidden tests of lesson 04 (04_discriminator.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex4.py).
"""


def hidden_q1(discriminator_block):
    """discriminator_block with and without BatchNorm on a non-square input: layers, bias, slope, shape."""
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    what = "your function `discriminator_block`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(40401)
        for args, kwargs, types in [((3, 6), {}, [nn.Conv2d, nn.BatchNorm2d, nn.LeakyReLU]),
                                    ((2, 5), dict(batch_norm=False), [nn.Conv2d, nn.LeakyReLU]),
                                    ((4, 1, True), {}, [nn.Conv2d, nn.BatchNorm2d, nn.LeakyReLU])]:
            block = call_learner(discriminator_block, *args, what=what, **kwargs)
            assert [type(layer) for layer in block] == types, (
                f"discriminator_block{args} {kwargs} layers: {[type(layer).__name__ for layer in block]}")
            conv, leaky = block[0], block[-1]
            assert (conv.bias is None) == (nn.BatchNorm2d in types) and abs(leaky.negative_slope - 0.2) < 1e-9, (
                f"discriminator_block{args} {kwargs}: bias only without BatchNorm, LeakyReLU slope 0.2")
            out = call_learner(block, torch.randn(2, args[0], 10, 6), what=what)
            assert tuple(out.shape) == (2, args[1], 5, 3), (
                f"discriminator_block{args} should halve a 10x6 input to {(2, args[1], 5, 3)}")


def hidden_q2(Discriminator):
    """Discriminator at other widths: parameter count, no sigmoid, logits for a batch of one."""
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    what = "your `Discriminator`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(40402)
        for width, n in [(8, 5), (3, 2), (16, 1)]:
            D = call_learner(Discriminator, width=width, what=what)
            expected_parameters = (16 * width + width                     # down1: conv with bias
                                   + width * 2 * width * 16 + 2 * 2 * width  # down2: conv + BatchNorm
                                   + 2 * width * 49 + 1)                   # score: Linear
            assert sum(p.numel() for p in D.parameters()) == expected_parameters, (
                f"Discriminator(width={width}) should have {expected_parameters} parameters")
            assert not any(isinstance(m, nn.Sigmoid) for m in D.modules()), (
                "the Discriminator should return logits, with no Sigmoid")
            if n == 1:
                D.eval()
            with torch.no_grad():
                logits = call_learner(D, torch.rand(n, 1, 28, 28) * 2 - 1, what=what)
            assert tuple(logits.shape) == (n, 1), f"Discriminator(width={width}) should give {(n, 1)} logits"


def hidden_q3(preprocess):
    """preprocess on a batch of one, every pixel value 0..255, a faint batch, a large batch: values, dtype, shape."""
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your function `preprocess`"
    generator = torch.Generator().manual_seed(40403)
    every_value = torch.arange(256 * 4, dtype=torch.int64).remainder(256)[:784].reshape(1, 28, 28)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # one image holding almost every value; a faint batch (max 90); 64 images; a batch whose images are blank
        for pixels in [every_value.to(torch.uint8), torch.randint(0, 91, (5, 28, 28), generator=generator).to(torch.uint8),
                       torch.randint(0, 256, (64, 28, 28), generator=generator).to(torch.uint8),
                       torch.zeros(2, 28, 28, dtype=torch.uint8)]:
            original = pixels.clone()
            got = call_learner(preprocess, pixels, what=what)
            assert torch.equal(pixels, original), "preprocess should not change the pixels it is given"
            assert isinstance(got, torch.Tensor) and tuple(got.shape) == (len(pixels), 1, 28, 28), (
                f"preprocess of {len(pixels)} images should return shape ({len(pixels)}, 1, 28, 28)")
            assert got.dtype == torch.float32, f"preprocess should return float32, got {got.dtype}"
            expected = pixels.double().unsqueeze(1) / 127.5 - 1
            assert torch.allclose(got.double(), expected, atol=1e-5), (
                "preprocess should map 0 to -1 and 255 to +1 on a straight line, the same for every image and batch")
