"""Every question of lesson 01: its solution passes, realistic wrong answers fail with a specific
message, the blank says "not attempted", and hostile answers get a sentence, never a traceback.
Also the toy helpers the lesson is built on: mode counting, the live view, the figures."""

import math

import numpy as np
import pytest
import torch
from gans_support import (  # noqa: F401  (one_thread: an autouse fixture)
    assert_a_sentence,
    assert_correct,
    assert_discussion_revealed,
    assert_quick,
    assert_wrong_answers_named,
    blank,
    declared_answer,
    evaluate,
    one_thread,
    question,
    raises,
    random_state_and_threads_kept,
)

from learntools.core import INFO, NOT_ATTEMPTED, ____
from learntools.gans import ex1, toy
from learntools.gans.data import Batches, toy_distribution, toy_modes
from learntools.gans.models import MLPDiscriminator, MLPGenerator
from learntools.gans.training import AdamSettings, GANTrainer, gaussian_noise

SOLVED = {  # the notebook's names, as the solution notebook defines them
    "torch": torch,
    "panels": toy.collapse_panels(),
    "covered_modes": toy.covered_modes,
}

RIGHT_KINDS = {name: kind for name, (kind, _) in ex1.MODELS.items()}
RIGHT_ROLES = dict(ex1.ROLES)


def kinds_with(**changes):
    answer = dict(RIGHT_KINDS)
    answer.update({name.replace("_", " ").replace("GAN ", "GAN "): kind for name, kind in changes.items()})
    return answer


def roles_with(**changes):
    return {**RIGHT_ROLES, **changes}


# --------------------------------------------------------------------------- the table

SWAPPED_KINDS = {name: ("generative" if kind == "discriminative" else "discriminative")
                 for name, kind in RIGHT_KINDS.items()}

WRONG = {
    "q1": [
        ({**RIGHT_KINDS, "GAN discriminator": "generative"}, "lives inside a generative model"),
        ({**RIGHT_KINDS, "face maker": "discriminative"}, "it makes data"),
        ({**RIGHT_KINDS, "digit reader": "generative"}, "a classifier"),
        ({**RIGHT_KINDS, "spam filter": "generative", "melody writer": "discriminative"}, "1 more answer is off"),
        (SWAPPED_KINDS, "every answer is the opposite"),
        ({**RIGHT_KINDS, "spam filter": "yes"}, "write the string"),
        ({name: kind for name, kind in RIGHT_KINDS.items() if name != "melody writer"}, "no entry for 'melody writer'"),
    ],
    "q2": [
        ((1, 0, 0), "helping the detective"),
        ((0, 1, 1), "swapped"),
        ((0, 1, 0), "swapped"),
        ((1, 0, 0.5), "equilibrium"),
        ((1, 0, -1), "probabilities in [0, 1]"),
        ((1, -1, 1), "not -1"),
        ((1, 1, 1), "`d_target_fake` is 1"),
        ((0.5, 0, 1), "`d_target_real` is 0.5"),
        (("real", "fake", "real"), "write a number"),
    ],
    "q3": [
        (roles_with(generator="net_b", discriminator="net_a"), "scores both `x` and `v`"),
        (roles_with(noise="x", data="u"), "`x` is only ever shown to `net_b`"),
        (roles_with(data="v"), "the fake samples"),
        (roles_with(noise="v"), "the generator's output"),
        (roles_with(data="u"), "`u` is the noise fed to the generator"),
        (roles_with(generator="optimizer_a"), "not a network"),
        (roles_with(noise="z"), "there is no variable 'z'"),
        (roles_with(generator=torch.nn.Linear(2, 2)), "as a string"),
    ],
    "q4": [
        (1.0, "D is sure that everything is real"),
        (1, "D is sure that everything is real"),
        (0.0, "*logit*"),
        (math.log(2), "ln 2"),
        (0.69, "ln 2"),
        (2 * math.log(2), "2 ln 2"),
        (-math.log(2), "minimax generator loss"),
        (50, "percentage"),
        (0.25, "coin toss"),
        (0.45, "close but not exact"),
        (0.8, "leans towards \"real\""),
        (-3.0, "not a probability"),
        ("0.5", "write one number"),
    ],
    "q5.a": [
        ("A", "covers all 8 modes; its points are just blurry"),
        ("B", "covers 0"),
        ("D", "the generator we want"),
        ("E", "not one of the panels"),
        (3, "write one letter"),
    ],
    "q5.b": [
        (8, "number of modes of the data"),
        (6, "*misses*"),
        (1, "all its points sit on one cluster"),
        (0, "untrained blob"),
        (2.5, "whole number"),
        (3, "count the clusters"),
        ("2", "whole number of modes"),
    ],
}

CHECKED = list(WRONG)
RIGHT_ANSWERS = {  # besides the declared solution, other spellings that must pass
    "q1": [{name: kind.upper() for name, kind in RIGHT_KINDS.items()},
           {name: " " + kind + " " for name, kind in RIGHT_KINDS.items()}],
    "q2": [(1.0, 0.0, 1.0), (True, False, True), (torch.tensor(1.0), np.float32(0), np.array([1.0]))],
    "q3": [{role: f"`{name}`" for role, name in RIGHT_ROLES.items()}, {role: f" {name}" for role, name in RIGHT_ROLES.items()}],
    "q4": [0.5, 1 / 2, np.float64(0.5), torch.tensor(0.5)],
    "q5.a": ["C", "c", " C ", "(C)", "generator C"],
    "q5.b": [2, 2.0, np.int64(2), torch.tensor(2)],
}


def problem(name):
    return question(ex1, name)


def solution_answer(name):
    """Run the question's declared solution code, the way the solution notebook does."""
    return declared_answer(problem(name), SOLVED)


# --------------------------------------------------------------------------- the questions


def test_questions_have_two_hints_and_a_solution():
    for name in CHECKED:
        p = problem(name)
        assert len(p.hints) >= 2, name
        assert p.solution_code, name
    assert ex1.q6.discussion and len(ex1.q6.hints) >= 2 and ex1.q6.points >= 1


@pytest.mark.parametrize("name", CHECKED)
def test_declared_solution_passes(name):
    assert_correct(problem(name), solution_answer(name))


@pytest.mark.parametrize("name", CHECKED)
def test_other_right_spellings_pass(name):
    for answer in RIGHT_ANSWERS[name]:
        assert_correct(problem(name), answer)


@pytest.mark.parametrize("name", CHECKED)
def test_realistic_wrong_answers_get_specific_messages(name):
    outcomes = assert_wrong_answers_named(problem(name), WRONG[name])
    for outcome in outcomes:
        assert outcome.message.endswith((".", "?", ")")), outcome.message
    messages = {outcome.message for outcome in outcomes}
    assert len(messages) >= 3, "wrong answers should get different, specific messages"


@pytest.mark.parametrize("name", CHECKED)
def test_placeholder_is_not_attempted(name):
    assert evaluate(problem(name), blank(problem(name))).status == NOT_ATTEMPTED


def test_half_filled_answers_are_not_attempted():
    assert evaluate(ex1.q1, {**RIGHT_KINDS, "face maker": ____}).status == NOT_ATTEMPTED
    assert evaluate(ex1.q2, (1, ____, ____)).status == NOT_ATTEMPTED
    assert evaluate(ex1.q3, roles_with(noise=____)).status == NOT_ATTEMPTED


class _Hostile:
    """An object whose every comparison and conversion raises."""

    def __eq__(self, other):
        raise RuntimeError("no")

    __hash__ = object.__hash__

    def __float__(self):
        raise RuntimeError("no")

    def strip(self):
        raise RuntimeError("no")


HOSTILE = [None, "600", {"a": 1}, [1, [2, 3]], object(), math.nan, math.inf, -math.inf, torch.tensor([math.nan]),
           torch.zeros(3), np.array(["a"]), 1 + 2j, raises, _Hostile()]


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    p = problem(name)
    for answer in HOSTILE:
        if isinstance(p.var, tuple):
            answers = [tuple([answer] * len(p.var)), (1, 0, answer)]
        elif name in ("q1", "q3"):
            base = RIGHT_KINDS if name == "q1" else RIGHT_ROLES
            answers = [answer, {**base, next(iter(base)): answer}]
        else:
            answers = [answer]
        for shaped in answers:
            assert_a_sentence(evaluate(p, shaped), shaped)


def test_checks_leave_random_state_and_answers_alone():
    with random_state_and_threads_kept():
        answers = {name: solution_answer(name) for name in CHECKED}
        kinds = dict(answers["q1"])
        for name in CHECKED:
            problem(name).evaluate(answers[name])
    assert answers["q1"] == kinds


def test_checks_are_quick():
    for name in CHECKED:
        # the best of three, so that a busy machine doesn't fail the test
        assert_quick(problem(name), solution_answer(name), 0.05, tries=3, warm_up=False)


def test_multipart_and_thought_question(capsys):
    assert ex1.q5.points == 2
    assert_discussion_revealed(ex1.q6, "variety", capsys)
    assert ex1.q6.evaluate().status == INFO


# --------------------------------------------------------------------------- mode counting


def test_real_data_covers_every_mode():
    for name, modes in (("ring", 8), ("grid", 25), ("line", 2)):
        samples = toy_distribution(name, n=5000, seed=3)
        assert toy.covered_modes(samples, name) == modes
        assert toy.on_mode_fraction(samples, name) > 0.999
        assert toy.mode_counts(samples, name).sum() == len(samples) or name != "ring"


def test_collapsed_and_partial_samples_are_counted():
    modes = toy_modes("ring")  # (8, 2)
    one_mode = modes[3] + 0.05 * torch.randn(500, 2, generator=torch.Generator().manual_seed(0))
    assert toy.covered_modes(one_mode, "ring") == 1
    three = torch.cat([modes[i] + torch.zeros(100, 2) for i in (0, 2, 5)])  # (300, 2)
    assert toy.covered_modes(three, "ring") == 3
    assert toy.mode_counts(three, "ring").tolist() == [100, 0, 100, 0, 0, 100, 0, 0]


def test_a_few_stray_points_do_not_cover_a_mode():
    modes = toy_modes("ring")
    samples = torch.cat([modes[0].expand(990, 2), modes[4].expand(10, 2)])  # 1 % on mode 4
    assert toy.covered_modes(samples, "ring") == 1
    assert toy.covered_modes(samples, "ring", min_share=0.01) == 2


def test_points_between_modes_cover_nothing():
    centre_blob = 0.3 * torch.randn(1000, 2, generator=torch.Generator().manual_seed(1))
    assert toy.covered_modes(centre_blob, "ring") == 0
    assert toy.on_mode_fraction(centre_blob, "ring") == 0.0
    midpoints = (toy_modes("ring") + toy_modes("ring").roll(1, 0)) / 2  # halfway between neighbours
    assert toy.covered_modes(midpoints.repeat(50, 1), "ring") == 0


def test_mode_counting_accepts_numpy_and_1d_and_rejects_bad_input():
    samples = toy_distribution("ring", n=800, seed=0)
    assert toy.covered_modes(samples.numpy(), "ring") == 8
    line = toy_distribution("line", n=400, seed=0)  # (400, 1)
    assert toy.covered_modes(line[:, 0], "line") == 2
    nan_points = torch.full((100, 2), math.nan)
    assert toy.covered_modes(nan_points, "ring") == 0
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        toy.covered_modes(torch.zeros(10, 3), "ring")
    with pytest.raises(ValueError, match="empty"):
        toy.covered_modes(torch.zeros(0, 2), "ring")
    with pytest.raises(TypeError, match="tensor or numpy array"):
        toy.covered_modes([[0.0, 2.0]], "ring")
    with pytest.raises(ValueError, match="toy distribution"):
        toy.covered_modes(samples, "moon")


def test_the_question_panels_are_what_the_question_says():
    panels = toy.collapse_panels()
    assert sorted(panels) == ["A", "B", "C", "D"]
    assert all(points.shape == (1000, 2) for points in panels.values())
    covered = {letter: toy.covered_modes(points, "ring") for letter, points in panels.items()}
    assert covered == {"A": 8, "B": 0, "C": 2, "D": 8}
    assert toy.on_mode_fraction(panels["A"], "ring") < 0.9 < toy.on_mode_fraction(panels["D"], "ring")
    assert torch.equal(panels["C"], toy.collapse_panels()["C"])  # the same on every call


# --------------------------------------------------------------------------- the view and figures


def _tiny_trainer(seed=0, **settings):
    torch.manual_seed(seed)
    return GANTrainer(MLPGenerator(z_dim=2, hidden=32, depth=2), MLPDiscriminator(hidden=32, depth=2),
                      data=Batches(toy_distribution("ring", n=512), batch_size=64), noise=gaussian_noise(2),
                      optimizers=AdamSettings(1e-3, 1e-3), seed=seed, device="cpu", **settings)


def test_view_records_and_does_not_change_the_training():
    watched = _tiny_trainer()
    view = toy.ToyView(watched, "ring", measure_every=5)
    watched.fit(steps=20, callbacks=[view], progress=False)
    unwatched = _tiny_trainer()
    unwatched.fit(steps=20, progress=False)
    for a, b in zip(watched.generator.parameters(), unwatched.generator.parameters()):
        assert torch.equal(a, b)
    assert [m.step for m in view.moments] == [0, 5, 10, 15, 20]
    last = view.moments[-1]
    assert last.fake.shape == (1000, 2) and last.surface.shape == (81, 81)
    assert 0 <= last.d_real <= 1 and 0 <= last.d_fake <= 1 and 0 <= last.modes <= 8
    assert not view.live  # outside a notebook it only records
    assert "step 20" in repr(view)
    assert watched.discriminator.training and watched.generator.training


def test_view_figures_draw(tmp_path):
    trainer = _tiny_trainer()
    view = toy.ToyView(trainer, "ring", measure_every=4)
    trainer.fit(steps=8, callbacks=[view], progress=False)
    other = toy.ToyView(_tiny_trainer(seed=1), "ring")
    figures = {
        "frame": view.figure(),
        "snapshots": view.snapshots(count=3),
        "compare": toy.compare_figure({"one": view, "two": other}),
        "panels": toy.panels_figure(toy.collapse_panels()),
        "diagram": toy.gan_diagram(),
    }
    for name, figure in figures.items():
        path = tmp_path / f"{name}.png"
        figure.savefig(path)
        assert path.stat().st_size > 5000, name
    assert len(figures["snapshots"].axes) == 4  # three panels and a colour bar


def test_view_draws_in_place_in_a_notebook(monkeypatch):
    shown = []

    class Handle:
        def update(self, picture):
            shown.append(("update", picture))

    def fake_display(picture, display_id=False):
        shown.append(("display", picture))
        return Handle()

    import IPython.display

    monkeypatch.setattr(IPython.display, "display", fake_display)
    trainer = _tiny_trainer()
    view = toy.ToyView(trainer, "ring", every_seconds=0.0, live=False)
    view.live = True  # as if in a notebook
    view.draw()
    trainer.fit(steps=3, callbacks=[view], progress=False)
    kinds = [kind for kind, _ in shown]
    assert kinds[0] == "display" and set(kinds[1:]) == {"update"} and len(kinds) >= 2
    assert view.moments[-1].step == 3


def test_view_rejects_a_1d_distribution():
    with pytest.raises(ValueError, match="2-D"):
        toy.ToyView(_tiny_trainer(), "line")


def test_the_verdict_reads_each_loss_correctly():
    from learntools.gans.losses import get_loss

    scores = torch.tensor([-2.0, 0.0, 0.5, 3.0])
    torch.testing.assert_close(toy._verdict_of(get_loss("nonsaturating"))(scores), torch.sigmoid(scores))
    torch.testing.assert_close(toy._verdict_of(get_loss("least-squares"))(scores), torch.tensor([0.0, 0.0, 0.5, 1.0]))
