"""Hidden tests of lesson 03 (03_generator.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex3.py).
"""


def hidden_q2(generator_block):
    """generator_block with other channels, kernels, strides and paddings: layers, no bias, output shape."""
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    what = "your function `generator_block`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(30302)
        for args, kwargs, shape_in, shape_out in [
            ((3, 5), dict(kernel_size=3, stride=1, padding=1), (2, 3, 6, 6), (2, 5, 6, 6)),
            ((8, 4), {}, (2, 8, 5, 5), (2, 4, 10, 10)),
            ((6, 2, 5, 3, 2), {}, (1, 6, 4, 4), (1, 2, 10, 10)),
        ]:
            block = call_learner(generator_block, *args, what=what, **kwargs)
            assert [type(layer) for layer in block] == [nn.ConvTranspose2d, nn.BatchNorm2d, nn.ReLU], (
                f"generator_block{args} layers: {[type(layer).__name__ for layer in block]}")
            assert block[0].bias is None and block[0].in_channels == args[0] and block[0].out_channels == args[1], (
                f"generator_block{args}: the transposed convolution has no bias and maps {args[0]} to {args[1]} channels")
            assert tuple(call_learner(block, torch.randn(*shape_in), what=what).shape) == shape_out, (
                f"generator_block{args} {kwargs} should map {shape_in} to {shape_out}")


def hidden_q3(Generator):
    """Generator at other widths and noise sizes: parameter count, image shape and range, a batch of one."""
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your `Generator`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(30303)
        for z_dim, width, n in [(16, 8, 5), (3, 2, 2), (100, 4, 1)]:
            G = call_learner(Generator, z_dim=z_dim, width=width, what=what)
            expected_parameters = (z_dim * 2 * width * 49 + 2 * 2 * width   # project + its BatchNorm
                                   + 2 * width * width * 16 + 2 * width     # up1 + its BatchNorm
                                   + width * 16 + 1)                        # output layer with its bias
            assert sum(p.numel() for p in G.parameters()) == expected_parameters, (
                f"Generator(z_dim={z_dim}, width={width}) should have {expected_parameters} parameters")
            if n == 1:
                G.eval()  # BatchNorm needs more than one value per channel in training mode
            with torch.no_grad():
                images = call_learner(G, torch.randn(n, z_dim), what=what)
            assert tuple(images.shape) == (n, 1, 28, 28) and images.abs().max() <= 1, (
                f"Generator(z_dim={z_dim}, width={width}) should give {(n, 1, 28, 28)} images in [-1, 1]")


def hidden_q4(sample_noise):
    """sample_noise on the meta device, with its defaults, and its statistics on a large sample."""
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your function `sample_noise`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(30304)
        noise = call_learner(sample_noise, 7, z_dim=3, device="meta", what=what)
        assert tuple(noise.shape) == (7, 3) and noise.device.type == "meta", (
            "sample_noise(7, z_dim=3, device=\"meta\") should give a (7, 3) tensor on the meta device")
        noise = call_learner(sample_noise, 5, what=what)
        assert tuple(noise.shape) == (5, 100) and noise.device.type == "cpu" and noise.dtype == torch.float32, (
            "sample_noise(5) should give a float32 (5, 100) tensor on the CPU")
        noise = call_learner(sample_noise, 20000, 10, "cpu", what=what)
        assert abs(noise.mean().item()) < 0.02 and abs(noise.std().item() - 1) < 0.02, (
            "sample_noise should draw from a standard normal (mean 0, std 1)")
