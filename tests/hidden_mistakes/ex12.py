"""Lesson 12: realistic mistakes in DiffAugment's translation, cutout and training step."""

import torch
import torch.nn.functional as F


def bce(scores, target):
    return F.binary_cross_entropy_with_logits(scores, torch.full_like(scores, float(target)))


def translate_roll(images, max_shift=3):
    n = images.shape[0]
    dx, dy = torch.randint(-max_shift, max_shift + 1, (2, n))
    return torch.stack([torch.roll(images[i], (int(dy[i]), int(dx[i])), dims=(1, 2)) for i in range(n)])


def translate_one_shift(images, max_shift=3):
    _, _, h, w = images.shape
    dx, dy = (int(v) for v in torch.randint(-max_shift, max_shift + 1, (2,)))
    padded = F.pad(images, (max_shift,) * 4)
    return padded[:, :, max_shift - dy:max_shift - dy + h, max_shift - dx:max_shift - dx + w]


def translate_detached(images, max_shift=3):
    n, _, h, w = images.shape
    padded = F.pad(images, (max_shift,) * 4).detach()  # "no gradients needed for data augmentation"
    dx, dy = torch.randint(-max_shift, max_shift + 1, (2, n)).tolist()
    return torch.stack([padded[i, :, max_shift - dy[i]:max_shift - dy[i] + h, max_shift - dx[i]:max_shift - dx[i] + w]
                        for i in range(n)])


def cutout_in_place(images, size=14):
    n, _, h, w = images.shape
    with torch.no_grad():
        for i in range(n):
            top, left = int(torch.randint(0, h - size + 1, ())), int(torch.randint(0, w - size + 1, ()))
            images[i, :, top:top + size, left:left + size] = 0
    return images


def cutout_one_place(images, size=14):
    _, _, h, w = images.shape
    top, left = int(torch.randint(0, h - size + 1, ())), int(torch.randint(0, w - size + 1, ()))
    mask = torch.ones_like(images)
    mask[:, :, top:top + size, left:left + size] = 0
    return images * mask


def cutout_inverted(images, size=14):
    n, _, h, w = images.shape
    mask = torch.zeros_like(images)
    for i in range(n):
        top, left = int(torch.randint(0, h - size + 1, ())), int(torch.randint(0, w - size + 1, ()))
        mask[i, :, top:top + size, left:left + size] = 1
    return images * mask


def _step(G, D, real, opt_g, opt_d, z_dim, augment, where):
    n = real.shape[0]
    fake = G(torch.randn(n, z_dim)).detach()
    fake_seen = augment(fake) if where in ("both", "d only") else fake
    d_loss = bce(D(augment(real)), 1) + bce(D(fake_seen), 0)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    fake = G(torch.randn(n, z_dim))
    g_loss = bce(D(augment(fake) if where == "both" else fake), 1)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


def train_step_reals_only(G, D, real, opt_g, opt_d, z_dim, augment):
    return _step(G, D, real, opt_g, opt_d, z_dim, augment, "reals only")


def train_step_d_only(G, D, real, opt_g, opt_d, z_dim, augment):
    return _step(G, D, real, opt_g, opt_d, z_dim, augment, "d only")


def train_step_g_detached(G, D, real, opt_g, opt_d, z_dim, augment):
    n = real.shape[0]
    fake = G(torch.randn(n, z_dim)).detach()
    d_loss = bce(D(augment(real)), 1) + bce(D(augment(fake)), 0)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    fake = augment(G(torch.randn(n, z_dim)).detach()).requires_grad_(True)  # G cut off from its loss
    g_loss = bce(D(fake), 1)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


MISTAKES = {
    "hidden_q1": [translate_roll, translate_one_shift, translate_detached],
    "hidden_q2": [cutout_in_place, cutout_one_place, cutout_inverted],
    "hidden_q3": [train_step_reals_only, train_step_d_only, train_step_g_detached],
}
