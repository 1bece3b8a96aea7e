"""Lesson 15: realistic mistakes the hidden tests must catch."""

import torch


def feature_matching_squared(real_features, fake_features):
    return sum(((r.detach() - f) ** 2).mean() for rl, fl in zip(real_features, fake_features) for r, f in zip(rl, fl))


def feature_matching_not_detached(real_features, fake_features):
    return sum((r - f).abs().mean() for rl, fl in zip(real_features, fake_features) for r, f in zip(rl, fl))


def feature_matching_last_layer_only(real_features, fake_features):
    return sum((rl[-1].detach() - fl[-1]).abs().mean() for rl, fl in zip(real_features, fake_features))


def feature_direction_no_intercept(z, values):
    slope = torch.linalg.lstsq(z, values.reshape(-1, 1)).solution[:, 0]
    return slope / slope.norm()


def feature_direction_not_normalised(z, values):
    design = torch.cat([z, torch.ones(len(z), 1)], dim=1)
    return torch.linalg.lstsq(design, values.reshape(-1, 1)).solution[:-1, 0]


def feature_direction_wrong_way_round(z, values):
    centred_z, centred_y = z - z.mean(0), values - values.mean()
    slopes = centred_z.T @ centred_y
    return slopes / slopes.norm()


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
    "hidden_q4": [feature_direction_no_intercept, feature_direction_not_normalised, feature_direction_wrong_way_round],
    "hidden_q5": [orthogonalize_not_normalised, orthogonalize_assumes_unit_against, orthogonalize_the_wrong_way,
                  orthogonalize_returns_projection],
}
