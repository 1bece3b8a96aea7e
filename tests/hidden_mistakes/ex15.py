"""Lesson 15: realistic mistakes the hidden tests must catch."""

import torch


def feature_matching_squared(real_features, fake_features):
    return sum(((r.detach() - f) ** 2).mean() for rl, fl in zip(real_features, fake_features) for r, f in zip(rl, fl))


def feature_matching_not_detached(real_features, fake_features):
    return sum((r - f).abs().mean() for rl, fl in zip(real_features, fake_features) for r, f in zip(rl, fl))


def feature_matching_last_layer_only(real_features, fake_features):
    return sum((rl[-1].detach() - fl[-1]).abs().mean() for rl, fl in zip(real_features, fake_features))


def orthogonalize_not_normalised(direction, against):
    return direction - (direction @ against) / (against @ against) * against


def orthogonalize_assumes_unit_against(direction, against):
    residual = direction - (direction @ against) * against
    return residual / residual.norm()


def orthogonalize_the_wrong_way(direction, against):
    residual = against - (against @ direction) / (direction @ direction) * direction
    return residual / residual.norm()


def orthogonalize_returns_projection(direction, against):
    projection = (direction @ against) / (against @ against) * against
    return projection / torch.linalg.norm(projection)


MISTAKES = {
    "hidden_q1": [feature_matching_squared, feature_matching_not_detached, feature_matching_last_layer_only],
    "hidden_q4": [orthogonalize_not_normalised, orthogonalize_assumes_unit_against, orthogonalize_the_wrong_way,
                  orthogonalize_returns_projection],
}
