"""Every checked question of lesson 15: its solution passes, realistic wrong answers fail with a message that
names the mistake, the blank says "not attempted", hostile answers get a sentence; the thought questions show
their discussion. And the library pieces the lesson adds (pix2pixHD's pyramid, features and feature matching
loss; TL-GAN's feature direction and orthogonalisation) do what their docstrings say."""

import torch
import torch.nn.functional as F
from gans_support import (
    HOSTILE,
    answer_in,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_names_the_line,
    assert_stopped,
    evaluate,
    hangs,
    lesson_checks_contract,
    raises,
    run_solution,
)

from learntools.core import NOT_ATTEMPTED, ____
from learntools.gans import ex15, latent
from learntools.gans.models import PatchDiscriminator, pix2pixhd


def problem(name):
    return getattr(ex15, name)


def solution_answer(name):
    namespace = {"torch": torch, "F": F}
    run_solution(problem(name), namespace)
    return answer_in(namespace, problem(name))


# --------------------------------------------------------------------------- q1: feature matching, wrong and right


def pairs_of(real_features, fake_features):
    return [(r, f) for rl, fl in zip(real_features, fake_features) for r, f in zip(rl, fl)]


def fm_squared(real_features, fake_features):
    return sum(((r.detach() - f) ** 2).mean() for r, f in pairs_of(real_features, fake_features))


def fm_summed(real_features, fake_features):
    return sum((r.detach() - f).abs().sum() for r, f in pairs_of(real_features, fake_features))


def fm_one_mean(real_features, fake_features):
    return torch.cat([(r.detach() - f).abs().flatten() for r, f in pairs_of(real_features, fake_features)]).mean()


def fm_batch_statistics(real_features, fake_features):
    """Salimans et al.'s feature matching: the batch averages compared."""
    return sum((r.detach().mean(0) - f.mean(0)).abs().mean() for r, f in pairs_of(real_features, fake_features))


def fm_signed(real_features, fake_features):
    return sum((r.detach() - f).mean() for r, f in pairs_of(real_features, fake_features)).abs()


def fm_no_detach(real_features, fake_features):
    return sum((r - f).abs().mean() for r, f in pairs_of(real_features, fake_features))


def fm_fake_detached(real_features, fake_features):
    return sum((r.detach() - f.detach()).abs().mean() for r, f in pairs_of(real_features, fake_features))


def fm_item(real_features, fake_features):
    return float(sum((r.detach() - f).abs().mean() for r, f in pairs_of(real_features, fake_features)))


def fm_last_layers(real_features, fake_features):
    return sum((rl[-1].detach() - fl[-1]).abs().mean() for rl, fl in zip(real_features, fake_features))


def fm_first_discriminator(real_features, fake_features):
    return sum((r.detach() - f).abs().mean() for r, f in zip(real_features[0], fake_features[0]))


def fm_averaged(real_features, fake_features):
    pairs = pairs_of(real_features, fake_features)
    return sum((r.detach() - f).abs().mean() for r, f in pairs) / len(pairs)


def fm_l1_loss(real_features, fake_features):
    """Right: F.l1_loss with the real side detached."""
    return sum(F.l1_loss(f, r.detach()) for r, f in pairs_of(real_features, fake_features))


def fm_in_place(real_features, fake_features):
    for layers in fake_features:
        for f in layers:
            f.data.mul_(2)
    return fm_l1_loss(real_features, fake_features)


def fm_per_layer_list(real_features, fake_features):
    return torch.stack([(r.detach() - f).abs().mean() for r, f in pairs_of(real_features, fake_features)])


# --------------------------------------------------------------------------- q4: the fitted direction, wrong and right


def fit_not_normalised(z, values):
    design = torch.cat([z, torch.ones(len(z), 1)], dim=1)
    return torch.linalg.lstsq(design, values.reshape(-1, 1)).solution[:-1, 0]


def fit_no_intercept(z, values):
    slope = torch.linalg.lstsq(z, values.reshape(-1, 1)).solution[:, 0]
    return slope / slope.norm()


def fit_wrong_way_round(z, values):
    """z regressed on the values: each coordinate's slope on the feature."""
    centred_z, centred_y = z - z.mean(0), values - values.mean()
    slopes = centred_z.T @ centred_y / (centred_y @ centred_y)
    return slopes / slopes.norm()


def fit_lesson_06(z, values):
    order = values.argsort()
    tenth = len(values) // 10
    difference = z[order[-tenth:]].mean(0) - z[order[:tenth]].mean(0)
    return difference / difference.norm()


def fit_with_intercept_returned(z, values):
    design = torch.cat([z, torch.ones(len(z), 1)], dim=1)
    solution = torch.linalg.lstsq(design, values.reshape(-1, 1)).solution[:, 0]
    return solution / solution.norm()


def fit_lstsq_column(z, values):
    design = torch.cat([z, torch.ones(len(z), 1)], dim=1)
    return torch.linalg.lstsq(design, values.reshape(-1, 1)).solution[:-1]


def fit_normal_equations(z, values):
    """Right too: the normal equations, with the intercept column first."""
    design = torch.cat([torch.ones(len(z), 1), z], dim=1).double()
    solution = torch.linalg.solve(design.T @ design, design.T @ values.double())
    slope = solution[1:].float()
    return slope / slope.norm()


def fit_centred(z, values):
    """Right too: centring both sides instead of an intercept column."""
    slope = torch.linalg.lstsq(z - z.mean(0), (values - values.mean())[:, None]).solution[:, 0]
    return slope / slope.norm()


# --------------------------------------------------------------------------- q5: orthogonalize, wrong and right


def orth_not_normalised(direction, against):
    return direction - (direction @ against) / (against @ against) * against


def orth_wrong_way(direction, against):
    residual = against - (against @ direction) / (direction @ direction) * direction
    return residual / residual.norm()


def orth_no_subtraction(direction, against):
    projection = (direction @ against) / (against @ against) * against
    return projection / projection.norm()


def orth_assumes_unit(direction, against):
    residual = direction - (direction @ against) * against
    return residual / residual.norm()


def orth_added(direction, against):
    residual = direction + (direction @ against) / (against @ against) * against
    return residual / residual.norm()


def orth_library(direction, against):
    return latent.orthogonalize(direction, against)


def orth_units_first(direction, against):
    """Right too: with `against` made unit length first."""
    a = against / against.norm()
    residual = direction - (direction @ a) * a
    return residual / torch.linalg.norm(residual)


WRONG = {
    "q1": [
        (fm_squared, "an L2 distance"),
        (fm_summed, "adds up every absolute difference of a layer"),
        (fm_one_mean, "one mean over every number of every layer"),
        (fm_batch_statistics, "Salimans et al."),
        (fm_signed, "positive and negative ones cancel"),
        (fm_no_detach, "flows into the real features"),
        (fm_fake_detached, "no gradient flows back from it to the fake features"),
        (fm_item, "plain number"),
        (fm_last_layers, "only the last layer of each discriminator"),
        (fm_first_discriminator, "the first discriminator only"),
        (fm_averaged, "averages over the discriminators and layers"),
        (fm_in_place, "changed the feature maps"),
        (fm_per_layer_list, "a loss is one number"),
    ],
    "q4": [
        (fit_not_normalised, "not of length 1"),
        (fit_no_intercept, "the fit has no intercept"),
        (fit_wrong_way_round, "you regressed z on the values"),
        (fit_lesson_06, "lesson 06's direction"),
        (fit_with_intercept_returned, "the last one is the intercept"),
        (fit_lstsq_column, "return a vector of shape"),
    ],
    "q5": [
        (orth_not_normalised, "not of length 1"),
        (orth_wrong_way, "the projection goes the other way"),
        (orth_no_subtraction, "you returned the projection itself"),
        (orth_assumes_unit, "needs dividing by against·against"),
        (orth_added, "you added the projection"),
    ],
}
RIGHT_TOO = {
    "q1": [fm_l1_loss, pix2pixhd.feature_matching_loss],
    "q4": [latent.feature_direction, fit_normal_equations, fit_centred],
    "q5": [orth_library, orth_units_first],
}

globals().update(lesson_checks_contract(ex15, WRONG, RIGHT_TOO, solution_answer=solution_answer))


def test_the_untouched_starters_are_not_attempted():
    namespace = {"____": ____}
    exec("def feature_matching_loss(real_features, fake_features):\n    total = 0.0\n    ____\n    return ____\n"
         "def feature_direction(z, values):\n    design = ____\n    slope = ____\n    return ____\n"
         "def orthogonalize(direction, against):\n    projection = ____\n    return ____\n", namespace)
    assert evaluate(ex15.q1, namespace["feature_matching_loss"]).status == NOT_ATTEMPTED
    assert evaluate(ex15.q4, namespace["feature_direction"]).status == NOT_ATTEMPTED
    assert evaluate(ex15.q5, namespace["orthogonalize"]).status == NOT_ATTEMPTED


def test_hostile_answers_get_a_sentence():
    for name in ("q1", "q4", "q5"):
        assert_hostile_answers_get_a_sentence(problem(name), HOSTILE)


def test_raising_and_hanging_answers(monkeypatch):
    for name in ("q1", "q4", "q5"):
        assert_names_the_line(evaluate(problem(name), raises))
        assert_stopped(problem(name), hangs, monkeypatch)


def test_the_thought_questions_reveal_a_discussion(capsys):
    for name, word in [("q2", "pyramid"), ("q3", "flicker"), ("q6", "non-linear"), ("q7", "octave")]:
        assert_discussion_revealed(problem(name), word, capsys)


# --------------------------------------------------------------------------- the library pieces


def test_the_pyramid_halves_the_way_pix2pixhd_does():
    images = torch.randn(2, 3, 28, 28)
    levels = pix2pixhd.image_pyramid(images, n_scales=3)
    assert [tuple(x.shape[-2:]) for x in levels] == [(28, 28), (14, 14), (7, 7)]
    assert levels[0] is images
    expected = F.avg_pool2d(images, 3, stride=2, padding=1, count_include_pad=False)
    torch.testing.assert_close(levels[1], expected)
    constant = pix2pixhd.image_pyramid(torch.full((1, 1, 9, 9), 0.5))  # the padding is left out of the average
    assert all(torch.allclose(x, torch.tensor(0.5)) for x in constant)


def test_patch_features_are_the_discriminators_inner_layers():
    D = PatchDiscriminator(in_channels=2, width=8, n_down=2).eval()
    inputs, images = torch.randn(3, 1, 28, 28), torch.randn(3, 1, 28, 28)
    features, logits = pix2pixhd.patch_features(D, inputs, images)
    torch.testing.assert_close(logits, D(inputs, images))
    assert len(features) == 3  # two stride-2 blocks and the stride-1 block: every layer but the last
    assert [f.shape[1] for f in features] == [8, 16, 32]
    x = torch.cat([inputs, images], dim=1)
    for block, feature in zip(D.net, features):  # the first three children of D.net, each ending in LeakyReLU
        x = block(x)
    torch.testing.assert_close(features[0], D.net[0](torch.cat([inputs, images], dim=1)))


def test_feature_matching_loss_is_zero_for_equal_features_and_detaches_the_real_side():
    real = [[torch.randn(2, 4, 5, 5, requires_grad=True)], [torch.randn(2, 4, 3, 3, requires_grad=True)]]
    assert float(pix2pixhd.feature_matching_loss(real, real)) == 0.0
    fake = [[torch.zeros(2, 4, 5, 5, requires_grad=True)], [torch.zeros(2, 4, 3, 3, requires_grad=True)]]
    loss = pix2pixhd.feature_matching_loss(real, fake)
    torch.testing.assert_close(loss, real[0][0].abs().mean() + real[1][0].abs().mean())
    loss.backward()
    assert real[0][0].grad is None and fake[0][0].grad is not None


def test_receptive_fields_grow_with_each_halving():
    assert pix2pixhd.multiscale_receptive_fields(n_down=1, n_scales=3) == [16, 33, 67]
    assert pix2pixhd.multiscale_receptive_fields(n_down=3, n_scales=1) == [70]  # pix2pix's 70x70 PatchGAN


def test_feature_direction_recovers_a_linear_feature():
    generator = torch.Generator().manual_seed(0)
    z = torch.randn(500, 6, generator=generator) * torch.tensor([1.0, 2.0, 0.5, 1.0, 1.0, 3.0]) + 1.0
    w = torch.tensor([1.0, -2.0, 0.0, 0.5, 0.0, 0.0])
    values = z @ w + 7.0 + 0.01 * torch.randn(500, generator=generator)
    direction = latent.feature_direction(z, values)
    torch.testing.assert_close(direction, w / w.norm(), atol=2e-3, rtol=0)


def test_orthogonalize_is_one_gram_schmidt_step():
    direction, against = torch.tensor([1.0, 1.0]), torch.tensor([2.0, 0.0])
    torch.testing.assert_close(latent.orthogonalize(direction, against), torch.tensor([0.0, 1.0]))
    v, a = torch.randn(16), torch.randn(16)
    result = latent.orthogonalize(v, a)
    assert abs(float(result @ a)) < 1e-5 and abs(float(result.norm()) - 1) < 1e-5
