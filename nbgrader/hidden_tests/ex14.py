"""Hidden tests of lesson 14 (14_text_to_image.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN`, whose parameters are the notebook's names. The build copies each
function into the nbgrader source notebook's test cell, so each is self-contained: it imports what it
needs inside its body. They are unit-tested in tests/test_hidden_tests.py (against the solution, and
against tests/hidden_mistakes/ex14.py).
"""


def hidden_q1(stroke_thickness):
    """stroke_thickness on bars of known width in other image sizes, and on thickened digits."""
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.data import load_mnist, thicken
    from learntools.gans.data.captions import stroke_thickness as reference
    what = "your function `stroke_thickness`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for height, width, bar in [(20, 16, 1), (32, 30, 4), (12, 40, 2)]:
            image = -torch.ones(1, 1, height, width)
            image[..., 2:height - 2, 5:5 + bar] = 1.0                  # a bar `bar` wide, height - 4 tall
            length = height - 4
            expected = 2 * bar * length / (2 * length + 2 * bar)       # 2 * area / outline
            got = call_learner(stroke_thickness, image.clone(), what=what)
            assert isinstance(got, torch.Tensor) and got.numel() == 1, "stroke_thickness should give one number per image"
            assert abs(float(got.reshape(-1)[0]) - expected) < 1e-3 * expected, (
                f"a bar {bar} pixels wide in a {height}x{width} image should measure {expected:.3f}, "
                f"got {float(got.reshape(-1)[0]):.3f}")
        digits = load_mnist("test")[0][:20]
        before = call_learner(stroke_thickness, digits.clone(), what=what)
        after = call_learner(stroke_thickness, thicken(digits), what=what)
        assert isinstance(before, torch.Tensor) and before.shape[:1] == (20,), (
            "stroke_thickness should give one thickness per image")
        assert bool((after > before).all()), "thickened digits should measure thicker"
        assert torch.allclose(before.float(), reference(digits), atol=1e-4, rtol=1e-3), (
            "stroke_thickness on held-out digits should be 2 * ink area / outline length, ink = (images + 1) / 2")


def hidden_q2(stroke_slant):
    """stroke_slant on sheared bars (slant = the shear) in other image sizes, and mirrored digits."""
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.data import load_mnist
    from learntools.gans.data.captions import stroke_slant as reference
    what = "your function `stroke_slant`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for height, width, shear in [(24, 30, 0.5), (30, 24, -0.25), (16, 20, 0.0)]:
            image = -torch.ones(1, 1, height, width)
            for row in range(2, height - 2):
                left = 10 + round(shear * (height - 3 - row))           # higher rows move right for shear > 0
                image[..., row, left:left + 2] = 1.0
            expected = float(reference(image))
            got = call_learner(stroke_slant, image.clone(), what=what)
            assert isinstance(got, torch.Tensor) and got.numel() == 1, "stroke_slant should give one number per image"
            assert abs(float(got.reshape(-1)[0]) - expected) < 1e-3 + 1e-3 * abs(expected), (
                f"a bar sheared by {shear} in a {height}x{width} image should measure {expected:.3f}, "
                f"got {float(got.reshape(-1)[0]):.3f}")
        digits = load_mnist("test")[0][:20]
        got = call_learner(stroke_slant, digits.clone(), what=what)
        mirrored = call_learner(stroke_slant, digits.flip(-1), what=what)
        assert isinstance(got, torch.Tensor) and got.shape[:1] == (20,), "stroke_slant should give one slant per image"
        assert torch.allclose(got.float(), reference(digits), atol=1e-4, rtol=1e-3), (
            "stroke_slant on held-out digits should be cov(x, y) / var(y) of the ink, y pointing up")
        assert torch.allclose(mirrored.float(), -got.float(), atol=1e-4), "a mirrored digit should lean the other way"


def hidden_q3(wrong_captions):
    """wrong_captions on a batch of two kinds of caption and on a large batch: always another caption of the batch."""
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.data import load_mnist
    from learntools.gans.data.captions import caption_digits, encode_captions
    what = "your function `wrong_captions`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(31415)
        images, labels = load_mnist("test")
        large = caption_digits(images[:64], labels[:64]).tokens                        # (64, 3)
        two_kinds = encode_captions(["a thin four"] * 9 + ["a thick nine"])           # (10, 3)
        for tokens in [two_kinds, large, two_kinds]:
            for _ in range(5):
                got = call_learner(wrong_captions, tokens.clone(), what=what)
                assert isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(tokens.shape), (
                    "wrong_captions should return one caption per row, shaped like its input")
                in_batch = (got[:, None, :] == tokens[None, :, :]).all(dim=2).any(dim=1)
                assert bool(in_batch.all()), "every wrong caption should be a caption of the batch"
                assert not bool((got == tokens).all(dim=1).any()), (
                    "a wrong caption should never equal the row's own caption")


def hidden_q4(gan_cls_d_loss):
    """gan_cls_d_loss with other networks and batch sizes: GAN-CLS's value, fakes detached, D trained."""
    import copy
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.data.captions import encode_captions
    from learntools.gans.models.text import TextDiscriminator, TextGenerator
    from learntools.gans.training.text import matching_aware_d_loss
    what = "your function `gan_cls_d_loss`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(14141)
        for n, z_dim in [(3, 5), (9, 2)]:
            G, D = TextGenerator(z_dim=z_dim, text_dim=3, hidden=6), TextDiscriminator(text_dim=3, hidden=6)
            for p in D.parameters():
                p.data.mul_(3.0)
            texts = ["a thin one", "a thick slanted six", "a nine", "an upright zero", "a two"]
            captions = encode_captions([texts[k % 5] for k in range(n)])
            wrong = encode_captions([texts[(k + 2) % 5] for k in range(n)])
            real, z = torch.rand(n, 1, 28, 28) * 2 - 1, torch.randn(n, z_dim)
            G_copy, D_copy = copy.deepcopy(G), copy.deepcopy(D)
            got = call_learner(gan_cls_d_loss, D_copy, G_copy, real, captions, wrong, z, what=what)
            with torch.no_grad():
                expected = matching_aware_d_loss(D(real, captions), D(real, wrong), D(G(z, captions), captions))
            assert isinstance(got, torch.Tensor) and got.numel() == 1, "gan_cls_d_loss should return a one-number tensor"
            assert abs(float(got) - float(expected)) < 1e-4 * (1 + abs(float(expected))), (
                f"gan_cls_d_loss for a batch of {n} should be {float(expected):.5f}, got {float(got):.5f}")
            got.backward()
            assert all(p.grad is None or not bool(p.grad.abs().sum() > 0) for p in G_copy.parameters()), (
                "gan_cls_d_loss should detach the fakes: the D loss must not reach G")
            assert any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in D_copy.parameters()), (
                "gan_cls_d_loss should carry a gradient to D")
