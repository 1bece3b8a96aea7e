"""Lesson 12's hidden tests: translation and cutout at other sizes and channel counts, and the training step
with Adam, other batch sizes and another augmentation."""


def hidden_q1(translate):
    """translate on 3-channel 16x16 images with max_shift 2: each image moved by its own whole shift in range,
    zeros moving in, all channels alike, gradients reaching the moved pixels."""
    import torch
    from learntools.core import call_learner
    from learntools.gans.training.augment import shift_images

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(31201)
        x = (0.2 + 0.8 * torch.rand(40, 3, 16, 16)) * torch.where(torch.rand(40, 3, 16, 16) < 0.5, -1.0, 1.0)
        x.requires_grad_(True)
        out = call_learner(translate, x, 2, what="your function `translate`")
        assert isinstance(out, torch.Tensor) and out.shape == x.shape, "translate should keep the images' shape"
        assert out.requires_grad, "translate's output should carry gradients back to the images"
        shifts = []
        for i in range(len(x)):
            found = [(dx, dy) for dy in range(-2, 3) for dx in range(-2, 3)
                     if torch.allclose(shift_images(x[i:i + 1].detach(), dx, dy), out[i:i + 1].detach(), atol=1e-5)]
            assert found, f"image {i} is not a zero-filled shift of at most 2 pixels of its input"
            shifts.append(found[0])
        assert len(set(shifts)) > 1, "every image should get its own random shift"
        dx, dy = torch.tensor(shifts).T
        weights = torch.randn(out.shape)
        (grad,) = torch.autograd.grad((out * weights).sum(), x)
        assert torch.allclose(grad, shift_images(weights, -dx, -dy), atol=1e-5), "the gradient should reach the moved pixels"


def hidden_q2(cutout):
    """cutout on 2-channel 20x20 images with size 8: one square per image (the same for every channel), zeros,
    at least some whole 8x8 squares, places that differ, gradients reaching exactly the kept pixels."""
    import torch
    from learntools.core import call_learner

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(31202)
        x = (0.2 + 0.8 * torch.rand(40, 2, 20, 20)) * torch.where(torch.rand(40, 2, 20, 20) < 0.5, -1.0, 1.0)
        before = x.clone()
        x.requires_grad_(True)
        out = call_learner(cutout, x, 8, what="your function `cutout`")
        assert torch.equal(x.detach(), before), "cutout should not change the images it was given"
        assert isinstance(out, torch.Tensor) and out.shape == x.shape, "cutout should keep the images' shape"
        out_values = out.detach()
        kept = out_values == x.detach()
        assert bool((kept | (out_values == 0)).all()), "cutout should keep each pixel or set it to 0"
        assert torch.equal(kept[:, 0], kept[:, 1]), "every channel of an image should lose the same square"
        boxes, whole = set(), 0
        for i in range(len(x)):
            zeroed = ~kept[i, 0]
            assert bool(zeroed.any()), f"image {i} lost nothing"
            rows, cols = torch.nonzero(zeroed.any(1)).flatten(), torch.nonzero(zeroed.any(0)).flatten()
            top, left, height, width = int(rows.min()), int(cols.min()), len(rows), len(cols)
            assert bool(zeroed[top:top + height, left:left + width].all()) and height <= 8 and width <= 8, (
                f"image {i} should lose one square of at most 8x8 pixels")
            whole += (height, width) == (8, 8)
            boxes.add((top, left))
        assert whole > 0 and len(boxes) > 1, "squares of side 8, in places of their own"
        weights = torch.randn(out.shape)
        (grad,) = torch.autograd.grad((out * weights).sum(), x)
        assert torch.allclose(grad, weights * kept.float()), "the gradient should reach exactly the kept pixels"


def hidden_q3(train_step):
    """train_step with Adam at other batch sizes, and a cutout-like augmentation: D judges only augment's
    outputs in both steps, and both updates match the reference."""
    import copy
    import warnings
    import torch
    from torch import nn
    from learntools.core import call_learner
    from learntools.gans.losses import nonsaturating_d, nonsaturating_g

    def augment(images):  # the top-left 2x2 corner set to 0 and the rest scaled: differentiable, fixed
        mask = torch.ones_like(images)
        mask[:, :, :2, :2] = 0
        return images * mask * 0.9
    with warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
        warnings.simplefilter("ignore")
        torch.manual_seed(31203)
        for batch_size, z_dim in [(5, 4), (3, 6)]:
            seen, made = [], []
            G = nn.Sequential(nn.Linear(z_dim, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4)))
            D = nn.Sequential(nn.Flatten(), nn.Linear(16, 1))
            G.register_forward_hook(lambda m, i, o: made.append((i[0].detach().clone(), o.detach().clone())))
            D.register_forward_hook(lambda m, i, o: seen.append(i[0].detach().clone()))
            real = torch.rand(batch_size, 1, 4, 4) * 2 - 1
            G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)
            opt_g, opt_d = torch.optim.Adam(G.parameters(), lr=0.01), torch.optim.Adam(D.parameters(), lr=0.01)
            result = call_learner(train_step, G, D, real, opt_g, opt_d, z_dim, augment, what="your function `train_step`")
            assert isinstance(result, (tuple, list)) and len(result) == 2, "train_step should return (d_loss, g_loss)"
            for x in seen:
                corner = x[:, :, :2, :2]
                assert bool((corner == 0).all()), "D should judge only images that went through augment"
            assert len(made) >= 2, "train_step should make fakes for both steps"
            first_z, last_z = made[0][0], made[-1][0]
            ref_G, ref_D = copy.deepcopy(G_before), copy.deepcopy(D_before)
            ref_opt_g = torch.optim.Adam(ref_G.parameters(), lr=0.01)
            ref_opt_d = torch.optim.Adam(ref_D.parameters(), lr=0.01)
            d_loss = nonsaturating_d(ref_D(augment(real)), ref_D(augment(ref_G(first_z).detach())))
            ref_opt_d.zero_grad()
            d_loss.backward()
            ref_opt_d.step()
            g_loss = nonsaturating_g(ref_D(augment(ref_G(last_z))))
            ref_opt_g.zero_grad()
            g_loss.backward()
            ref_opt_g.step()
            assert abs(float(result[0]) - float(d_loss)) <= 1e-4 * (1 + abs(float(d_loss))), (
                f"train_step's d_loss is {float(result[0]):.6g}, expected {float(d_loss):.6g}")
            assert abs(float(result[1]) - float(g_loss)) <= 1e-4 * (1 + abs(float(g_loss))), (
                f"train_step's g_loss is {float(result[1]):.6g}, expected {float(g_loss):.6g}")
            assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(D.parameters(), ref_D.parameters())), (
                "train_step should update D by one step of its loss on augment(real) and augment(fake)")
            assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(G.parameters(), ref_G.parameters())), (
                "train_step should update G by one step of its loss on D(augment(G(z))), through augment")
