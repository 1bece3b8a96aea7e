"""Hidden tests of lesson 08 (08_conditional_gan.py): nbgrader runs them after the visible check.

One function per question, `hidden_qN` (`hidden_q6a` for q6.a), whose parameters are the notebook's names.
The build copies each function into the nbgrader source notebook's test cell, so each is
self-contained: it imports what it needs inside its body. They are unit-tested in
tests/test_hidden_tests.py (against the solution, and against tests/hidden_mistakes/ex8.py).
"""


def hidden_q1(one_hot):
    """one_hot with other class counts, the default, a batch of one and an empty batch: float vectors."""
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.models import one_hot as reference_one_hot
    what = "your function `one_hot`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # other numbers of classes, the default of 10 on a batch without a 9, a batch of one, an empty batch
        for labels, num_classes in [(torch.tensor([3, 0, 3]), 4), (torch.tensor([25]), 26), (torch.tensor([0, 0]), 1),
                                    (torch.tensor([2, 5, 1]), None), (torch.zeros(0, dtype=torch.int64), 10)]:
            args = (labels.clone(),) if num_classes is None else (labels.clone(), num_classes)
            expected = reference_one_hot(labels, num_classes or 10)
            got = call_learner(one_hot, *args, what=what)
            assert isinstance(got, torch.Tensor) and got.is_floating_point(), (  # float vectors, not integers
                "one_hot should return a float tensor")
            assert tuple(got.shape) == tuple(expected.shape) and torch.equal(got.float(), expected), (
                f"one_hot({labels.tolist()}, {num_classes}) should be {expected.tolist()}")


def hidden_q3(discriminator_input):
    """discriminator_input on a batch of one and on non-square and 1x1 images; inputs left unchanged."""
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.models import label_planes
    what = "your function `discriminator_input`"
    generator = torch.Generator().manual_seed(60603)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # a batch of one, non-square and 1x1 images, the lesson's 28x28
        for shape, labels in [((1, 1, 5, 3), [9]), ((2, 1, 1, 1), [4, 0]), ((3, 1, 28, 28), [1, 1, 8]), ((1, 1, 7, 2), [0])]:
            images, labels = torch.rand(*shape, generator=generator) * 2 - 1, torch.tensor(labels)
            expected = torch.cat([images, label_planes(labels, shape[2], shape[3])], dim=1)  # (N, 11, H, W)
            images_in, labels_in = images.clone(), labels.clone()
            got = call_learner(discriminator_input, images_in, labels_in, what=what)
            assert isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(expected.shape), (
                f"discriminator_input on {shape} images should have shape {tuple(expected.shape)}")
            assert torch.allclose(got.float(), expected), (
                f"discriminator_input on {shape} images: the image, then ten label planes")
            assert torch.equal(images_in, images) and torch.equal(labels_in, labels), (
                "discriminator_input should not change its inputs")


def hidden_q5(conditional_d_loss):
    """conditional_d_loss at other weights, noise sizes and batches: value, fakes detached, D trained."""
    import copy
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.models import ConditionalDiscriminator, ConditionalGenerator
    from learntools.gans.losses import nonsaturating_d
    what = "your function `conditional_d_loss`"
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(60605)
        # other weights, noise sizes and batches: one example, and all ten digits with repeats
        for z_dim, labels in [(5, [6]), (3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 0])]:
            G, D = ConditionalGenerator(z_dim=z_dim, width=4).eval(), ConditionalDiscriminator(width=4).eval()
            for parameter in list(G.parameters()) + list(D.parameters()):
                torch.nn.init.normal_(parameter, std=0.3)  # larger than DCGAN's, so the label matters
            labels = torch.tensor(labels)
            real, z = torch.rand(len(labels), 1, 28, 28) * 2 - 1, torch.randn(len(labels), z_dim)
            with torch.no_grad():
                expected = float(nonsaturating_d(D(real, labels), D(G(z, labels), labels)))
            G_in, D_in = copy.deepcopy(G), copy.deepcopy(D)
            got = call_learner(conditional_d_loss, D_in, G_in, real.clone(), labels.clone(), z.clone(), what=what)
            assert isinstance(got, torch.Tensor) and got.numel() == 1, (
                "conditional_d_loss should return a one-number tensor")
            assert abs(float(got) - expected) <= 1e-4 * (1 + abs(expected)), (
                f"conditional_d_loss gave {float(got):.6g}, expected {expected:.6g} (labels {labels.tolist()})")
            got.reshape(()).backward()
            assert all(p.grad is None or not p.grad.any() for p in G_in.parameters()), (  # the fakes are detached
                "conditional_d_loss should detach the fakes: no gradient may reach G")
            assert any(p.grad is not None and p.grad.any() for p in D_in.parameters()), (
                "conditional_d_loss should train D: its weights get gradients")


def hidden_q7(accuracy_per_class):
    """accuracy_per_class with digits never read right and very uneven counts."""
    import warnings
    import torch
    from learntools.core import call_learner
    from learntools.gans.evaluation import accuracy_per_class as reference
    what = "your function `accuracy_per_class`"
    generator = torch.Generator().manual_seed(60607)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        asked = torch.arange(10).repeat(3)                                # every digit three times
        never_nine = torch.where(asked == 9, torch.tensor(4), asked)      # no 9 is ever read as a 9
        never_zero = torch.where(asked == 0, torch.tensor(6), asked)      # nor a 0 as a 0, in this one
        skewed = torch.cat([torch.arange(10), torch.full((40,), 3)])     # digit 3 asked 41 times
        skewed_read = torch.where(torch.rand(50, generator=generator) < 0.5, skewed, (skewed + 1) % 10)
        big = torch.randint(0, 10, (1000,), generator=generator)
        big = torch.cat([torch.arange(10), big])
        big_read = torch.where(torch.rand(1010, generator=generator) < 0.8, big, torch.randint(0, 10, (1010,), generator=generator))
        for predicted, asked_for in [(never_nine, asked), (never_zero, asked), ((asked + 1) % 10, asked),
                                     (skewed_read, skewed), (big_read, big)]:
            expected = reference(predicted, asked_for)
            got = call_learner(accuracy_per_class, predicted.clone(), asked_for.clone(), what=what)
            got = torch.as_tensor(got).detach().float().cpu()
            assert tuple(got.shape) == (10,) and torch.allclose(got, expected, atol=1e-6), (
                f"accuracy_per_class gave {got.tolist()}, expected {expected.tolist()}")
