"""Lesson 10: mistakes in the cycle loss, the image pool and pixel shuffle."""

import torch


def cycle_consistency_loss_one_way(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (G_BA(G_AB(real_a)) - real_a).abs().mean()  # A -> B -> A only


class ImagePoolThatGrows:
    """Stores every image it is shown: the pool is never full, and never swaps."""

    def __init__(self, size=50, seed=0):
        self.size, self.images = size, []

    def query(self, images):
        self.images.extend(image.clone() for image in images.detach())
        return images


def pixel_shuffle_wrong_order(x, r):
    n, c, h, w = x.shape
    out_c = c // (r * r)
    return x.view(n, out_c, r, r, h, w).permute(0, 1, 4, 3, 5, 2).reshape(n, out_c, h * r, w * r)  # r axes swapped


MISTAKES = {
    "hidden_q1": [cycle_consistency_loss_one_way],
    "hidden_q3": [ImagePoolThatGrows],
    "hidden_q5": [pixel_shuffle_wrong_order],
}
