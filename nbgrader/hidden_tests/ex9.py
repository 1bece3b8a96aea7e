"""Hidden tests of lesson 09 (09_pix2pix.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex9.py).
"""


def hidden_q2(join_skip):
    """join_skip with different channel counts on the two sides, non-square maps, a batch of one."""
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your function `join_skip`"
    generator = torch.Generator().manual_seed(70702)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # different channel counts on the two sides, non-square maps, a batch of one
        for x_shape, skip_channels in [((1, 3, 2, 5), 5), ((4, 1, 7, 3), 2), ((2, 6, 1, 1), 1)]:
            x = torch.randn(*x_shape, generator=generator)
            skip = torch.randn(x_shape[0], skip_channels, *x_shape[2:], generator=generator)
            x_in, skip_in = x.clone(), skip.clone()
            got = call_learner(join_skip, x_in, skip_in, what=what)
            assert isinstance(got, torch.Tensor) and tuple(got.shape) == (x_shape[0], x_shape[1] + skip_channels, *x_shape[2:]), (
                f"join_skip on {x_shape} and {skip_channels} skip channels has the wrong shape")
            assert torch.equal(got, torch.cat([x, skip], dim=1)), (
                "join_skip should concatenate x, then skip, along the channels")
            assert torch.equal(x_in, x) and torch.equal(skip_in, skip), "join_skip should not change its inputs"


def hidden_q4(receptive_field):
    """receptive_field with no layers, 1x1 kernels, a deep stride-2 stack, large strides, tuples."""
    import warnings
    from learntools.core import call_learner
    from learntools.gans.models import receptive_field as reference
    what = "your function `receptive_field`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # no layers at all, 1x1 kernels, a deep stride-2 stack, large strides, a tuple of tuples
        for layers in [[], [(1, 1), (1, 2), (1, 1)], [(4, 2)] * 8, [(3, 4), (5, 3), (2, 5)], ((7, 1), (5, 3), (1, 2), (3, 1))]:
            expected = reference(list(layers))
            got = call_learner(receptive_field, list(layers) if isinstance(layers, list) else layers, what=what)
            assert float(got) == expected, f"receptive_field({list(layers)}) gave {got}, expected {expected}"


def hidden_q5(pix2pix_generator_loss):
    """pix2pix_generator_loss on colour images and confident logits, default and keyword weights: value and gradients."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    what = "your function `pix2pix_generator_loss`"
    generator = torch.Generator().manual_seed(70705)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # colour images, a non-square grid of verdicts, very confident logits (-120), the default and keyword weights
        logits = torch.tensor([[[[-120.0, 2.0], [0.5, 50.0], [-3.0, 1.0]]], [[[0.0, -1.0], [4.0, -7.5], [1.5, 0.2]]]])
        fake = torch.rand(2, 3, 6, 4, generator=generator) * 2 - 1
        target = torch.rand(2, 3, 6, 4, generator=generator) * 2 - 1
        for weights in [(), (0.5,), {"l1_weight": 0.0}, {"l1_weight": 250.0}]:
            weight = 100.0 if weights == () else weights[0] if isinstance(weights, tuple) else weights["l1_weight"]
            expected = F.softplus(-logits.double()).mean() + weight * (fake - target).double().abs().mean()
            logits_in, fake_in = logits.clone().requires_grad_(), fake.clone().requires_grad_()
            args = (logits_in, fake_in, target.clone()) + (weights if isinstance(weights, tuple) else ())
            got = call_learner(pix2pix_generator_loss, *args, what=what, **(weights if isinstance(weights, dict) else {}))
            assert isinstance(got, torch.Tensor) and got.numel() == 1, (
                "pix2pix_generator_loss should return a one-number tensor")
            assert abs(float(got) - float(expected)) <= 1e-4 * (1 + abs(float(expected))), (
                f"pix2pix_generator_loss with l1 weight {weight} gave {float(got):.6g}, expected {float(expected):.6g}")
            logits_grad, fake_grad = torch.autograd.grad(got.reshape(()), [logits_in, fake_in], allow_unused=True)
            assert logits_grad is not None and torch.allclose(logits_grad, -torch.sigmoid(-logits) / logits.numel(), atol=1e-6), (
                "pix2pix_generator_loss: wrong gradient for the logits (the mean non-saturating loss)")
            if weight:
                assert fake_grad is not None and torch.allclose(fake_grad, weight * torch.sign(fake - target) / fake.numel(), atol=1e-5), (
                    f"pix2pix_generator_loss: wrong gradient for the fake (l1 weight {weight} times the mean L1)")


def hidden_q6(pix2pix_discriminator_loss):
    """The conditioned D loss with colour targets, a batch of one, a PatchGAN of the library: value, pairs, detach."""
    import warnings
    import torch
    import torch.nn.functional as F
    from learntools.core import call_learner
    from learntools.gans.models import PatchDiscriminator
    what = "your function `pix2pix_discriminator_loss`"
    generator = torch.Generator().manual_seed(70706)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # grayscale in, colour out (4-channel pairs); a batch of one; 1-channel pairs on 8x12 images
        for n, c_in, c_out, height, width in [(2, 1, 3, 16, 16), (1, 1, 1, 8, 12), (4, 3, 3, 16, 8)]:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(n + c_out)
                D = PatchDiscriminator(in_channels=c_in + c_out, width=4, n_down=1).net.eval()
            shown = []
            D.register_forward_pre_hook(lambda module, args: shown.append(args[0].detach().clone()))
            inputs = torch.rand(n, c_in, height, width, generator=generator) * 2 - 1
            targets = torch.rand(n, c_out, height, width, generator=generator) * 2 - 1
            weight = torch.tensor(1.3, requires_grad=True)
            fakes = torch.tanh(weight * (torch.rand(n, c_out, height, width, generator=generator) * 2 - 1))
            got = call_learner(pix2pix_discriminator_loss, D, inputs, targets, fakes, what=what)
            assert isinstance(got, torch.Tensor) and got.numel() == 1, (
                "pix2pix_discriminator_loss should return a one-number tensor")
            pairs = [torch.cat([inputs, targets], dim=1), torch.cat([inputs, fakes.detach()], dim=1)]
            assert len(shown) == 2 and all(any(torch.equal(s, p) for s in shown) for p in pairs), (
                "pix2pix_discriminator_loss should show D exactly the pairs (input, target) and (input, fake), "
                "each stacked along the channels with the input first")
            assert not (got.requires_grad and torch.autograd.grad(got.reshape(()), weight, retain_graph=True,
                                                                 allow_unused=True)[0] is not None), (
                "pix2pix_discriminator_loss: the D loss reaches the generator; detach the fakes")
            with torch.no_grad():
                real_logits, fake_logits = D(pairs[0]), D(pairs[1])
            expected = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                        + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
            assert abs(float(got) - float(expected)) <= 1e-4 * (1 + abs(float(expected))), (
                f"pix2pix_discriminator_loss gave {float(got):.6g}, expected {float(expected):.6g} "
                "(real pairs label 1, fake pairs label 0)")


def hidden_q7(psnr):
    """psnr on colour, non-square images whose channels have very different errors, batches of 1 to 12."""
    import warnings
    import torch
    from learntools.core import call_learner
    what = "your function `psnr`"
    generator = torch.Generator().manual_seed(70707)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # colour images whose channels have very different errors, non-square, a batch of one, a batch of 12
        for n, channels, height, width in [(1, 1, 5, 9), (3, 3, 4, 6), (12, 1, 28, 28), (2, 3, 3, 3)]:
            target = torch.rand(n, channels, height, width, generator=generator) * 2 - 1
            scale = torch.logspace(-2, -0.3, n * channels).reshape(n, channels, 1, 1)  # error levels, per channel
            output = (target + scale * torch.randn(n, channels, height, width, generator=generator)).clamp(-1, 1)
            mse = ((output.double() - target.double()) ** 2).flatten(1).mean(dim=1)  # (N,): one error per image
            expected = float((10 * torch.log10(4 / mse)).mean())
            got = call_learner(psnr, output.clone(), target.clone(), what=what)
            got = float(torch.as_tensor(got).reshape(()))
            assert abs(got - expected) <= 1e-3 * (1 + abs(expected)), (
                f"psnr gave {got:.6g}, expected {expected:.6g} (PSNR per image, then the mean)")
