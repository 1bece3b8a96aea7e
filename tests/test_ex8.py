"""Every question of lesson 08: its solution passes, realistic wrong answers fail with a message naming
what was observed, the blank says "not attempted", and hostile answers get a sentence."""

import textwrap

import pytest
import torch
import torch.nn.functional as F
from gans_support import (  # noqa: F401  (one_thread: an autouse fixture)
    HOSTILE,
    assert_correct,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_stopped,
    evaluate,
    hangs,
    lesson_checks_contract,
    one_thread,
    returns_nan_grid,
    run_solution,
    starter_with_blank,
)

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from learntools.gans import ex8
from learntools.gans.losses import minimax_g, nonsaturating_d, nonsaturating_g


# --------------------------------------------------------------------------- the notebook's solutions


def solved_namespace():
    """The names the solution notebook defines, built by running each declared solution in turn."""
    namespace = {"torch": torch, "F": F, "nonsaturating_d": nonsaturating_d, "nonsaturating_g": nonsaturating_g}
    for name in ("q1", "q2", "q3", "q4", "q5", "q6", "q7"):
        run_solution(getattr(ex8, name), namespace)
    return namespace


SOLVED = solved_namespace()


def solution_answer(name):
    return SOLVED[getattr(ex8, name).var]


def in_notebook(source, **names):
    """Define a learner function as the notebook would: its globals hold the solved names (one_hot, ...)."""
    namespace = dict(SOLVED, **names)
    exec(textwrap.dedent(source), namespace)
    return namespace


# --------------------------------------------------------------------------- wrong answers


def one_hot_int(labels, num_classes=10):
    return F.one_hot(labels)  # no num_classes: too short when the batch has no 9


def one_hot_columns(labels, num_classes=10):
    vectors = torch.zeros(len(labels), num_classes)
    vectors[:, labels] = 1.0  # every row gets every label of the batch
    return vectors


def one_hot_shifted(labels, num_classes=10):
    return F.one_hot((labels - 1) % num_classes, num_classes).float()


def one_hot_transposed(labels, num_classes=10):
    return F.one_hot(labels, num_classes).float().T


def one_hot_numbers(labels, num_classes=10):
    return labels.float()


NB_WRONG_G_INPUT = {
    "label as number": ("def generator_input(z, labels):\n    return torch.cat([z, labels[:, None].float()], dim=1)",
                        "appended as one number"),
    "label first": ("def generator_input(z, labels):\n    return torch.cat([one_hot(labels), z], dim=1)",
                    "noise first"),
    "noise only": ("def generator_input(z, labels):\n    return z", "the noise's own shape"),
    "dim 0": ("def generator_input(z, labels):\n    return torch.cat([z, one_hot(labels)], dim=0)",
              "torch.cat along dim=0 stacks the tensors as more examples (rows); to join each example's parts side "
              "by side, concatenate along dim=1"),
    "one_hot without num_classes": ("def generator_input(z, labels):\n"
                                    "    return torch.cat([z, F.one_hot(labels).float()], dim=1)",
                                    "pass num_classes=10 to one_hot"),
    "nine classes": ("def generator_input(z, labels):\n    return torch.cat([z, F.one_hot(labels, 9).float()], dim=1)",
                     "F.one_hot got a label that is not below num_classes"),
    "bad one-hot": ("def generator_input(z, labels):\n    return torch.cat([z, one_hot(labels) * 2], dim=1)",
                    "check your `one_hot`"),
}

NB_WRONG_D_INPUT = {
    "single plane": ("""def discriminator_input(images, labels):
    plane = labels.float()[:, None, None, None].expand(-1, 1, images.shape[2], images.shape[3])
    return torch.cat([images, plane], dim=1)""", "one plane for the label"),
    "planes first": ("""def discriminator_input(images, labels):
    planes = one_hot(labels)[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3])
    return torch.cat([planes, images], dim=1)""", "label planes first"),
    "all ones": ("""def discriminator_input(images, labels):
    planes = torch.ones(len(images), 10, images.shape[2], images.shape[3])
    return torch.cat([images, planes], dim=1)""", "every label plane is all ones"),
    "corner only": ("""def discriminator_input(images, labels):
    planes = torch.zeros(len(images), 10, images.shape[2], images.shape[3])
    planes[:, :, 0, 0] = one_hot(labels)
    return torch.cat([images, planes], dim=1)""", "top-left pixel only"),
    "hardcoded 28": ("""def discriminator_input(images, labels):
    planes = one_hot(labels)[:, :, None, None].expand(-1, -1, 28, 28)
    return torch.cat([images, planes], dim=1)""", "torch.cat along dim=1 needs every other size to agree"),
    "dim 0": ("""def discriminator_input(images, labels):
    planes = one_hot(labels)[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3])
    return torch.cat([images, planes], dim=0)""", "torch.cat along dim=0 stacks the tensors as more examples"),
    "one_hot without num_classes": ("""def discriminator_input(images, labels):
    planes = F.one_hot(labels).float()[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3])
    return torch.cat([images, planes], dim=1)""", "pass num_classes=10 to one_hot"),
    "planes only": ("""def discriminator_input(images, labels):
    return one_hot(labels)[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3])""",
                    "only the ten label planes"),
}

NB_WRONG_D_LOSS = {
    "no detach": ("""def conditional_d_loss(D, G, real, labels, z):
    fake = G(z, labels)
    return nonsaturating_d(D(real, labels), D(fake, labels))""", "detach the fake batch"),
    "swapped": ("""def conditional_d_loss(D, G, real, labels, z):
    fake = G(z, labels).detach()
    return nonsaturating_d(D(fake, labels), D(real, labels))""", "real and fake are swapped"),
    "averaged": ("""def conditional_d_loss(D, G, real, labels, z):
    fake = G(z, labels).detach()
    return nonsaturating_d(D(real, labels), D(fake, labels)) / 2""", "half the expected"),
    "real part only": ("""def conditional_d_loss(D, G, real, labels, z):
    return F.softplus(-D(real, labels)).mean()""", "only the real part"),
    "other labels": ("""def conditional_d_loss(D, G, real, labels, z):
    fake = G(z, labels).detach()
    return nonsaturating_d(D(real, labels), D(fake, (labels + 1) % 10))""", "other labels"),
    "item": ("""def conditional_d_loss(D, G, real, labels, z):
    fake = G(z, labels).detach()
    return nonsaturating_d(D(real, labels), D(fake, labels)).item()""", "no .item()"),
    "per example": ("""def conditional_d_loss(D, G, real, labels, z):
    fake = G(z, labels).detach()
    return F.softplus(-D(real, labels)) + F.softplus(D(fake, labels))""", "average over the batch"),
    "generator loss": ("""def conditional_d_loss(D, G, real, labels, z):
    return nonsaturating_g(D(G(z, labels).detach(), labels))""", "generator's loss"),
    "random labels": ("""def conditional_d_loss(D, G, real, labels, z):
    random_labels = torch.randint(0, 10, (len(real),))
    fake = G(z, random_labels).detach()
    return nonsaturating_d(D(real, labels), D(fake, random_labels))""", "G was asked for labels other than the batch's"),
}

NB_WRONG_G_LOSS = {
    "detached": ("""def conditional_g_loss(D, G, labels, z):
    return nonsaturating_g(D(G(z, labels).detach(), labels))""", "no gradient reaches the generator"),
    "minimax": ("""def conditional_g_loss(D, G, labels, z):
    return minimax_g(D(G(z, labels), labels))""", "minimax"),
    "target fake": ("""def conditional_g_loss(D, G, labels, z):
    return F.softplus(D(G(z, labels), labels)).mean()""", "towards 'fake'"),
    "other labels": ("""def conditional_g_loss(D, G, labels, z):
    return nonsaturating_g(D(G(z, labels), (labels + 1) % 10))""", "other labels"),
    "random labels": ("""def conditional_g_loss(D, G, labels, z):
    random_labels = torch.randint(0, 10, (len(z),))
    return nonsaturating_g(D(G(z, random_labels), random_labels))""", "new random labels?"),
}


def precision_per_class(predicted, asked):
    return torch.stack([(asked[predicted == k] == k).float().mean() for k in range(10)])


def overall_accuracy(predicted, asked):
    return torch.full((10,), float((predicted == asked).float().mean()))


def counts_per_class(predicted, asked):
    return torch.stack([(predicted[asked == k] == k).float().sum() for k in range(10)])


def percent_per_class(predicted, asked):
    return 100 * torch.stack([(predicted[asked == k] == k).float().mean() for k in range(10)])


def overall_number(predicted, asked):
    return (predicted == asked).float().mean()


def _function(source, name):
    return in_notebook(source, minimax_g=minimax_g)[name]


WRONG = {
    "q1": [
        (one_hot_int, "largest label in this batch"),
        (one_hot_columns, "non-zero entries"),
        (one_hot_shifted, "one place too early"),
        (one_hot_transposed, "one column per label"),
        (one_hot_numbers, "one number per label"),
        (lambda labels, num_classes: F.one_hot(labels, num_classes), "torch.int64 values, not floats: F.one_hot"),
        (lambda labels, num_classes: F.one_hot(labels, num_classes).to(torch.complex64), "returned complex numbers"),
        (lambda labels, num_classes: F.one_hot(labels, 9).float(), "your vectors have 9 entries, but num_classes is 10"),
    ],
    "q2": [(_function(src, "generator_input"), fragment) for src, fragment in NB_WRONG_G_INPUT.values()],
    "q3": [(_function(src, "discriminator_input"), fragment) for src, fragment in NB_WRONG_D_INPUT.values()],
    "q4": [(1, "image alone"), (10, "image itself is a channel"), (2, "one plane holding"), (12, "one too many"),
           (13, "not right")],
    "q5": [(_function(src, "conditional_d_loss"), fragment) for src, fragment in NB_WRONG_D_LOSS.values()],
    "q6": [(_function(src, "conditional_g_loss"), fragment) for src, fragment in NB_WRONG_G_LOSS.values()],
    "q7": [
        (precision_per_class, "precision"),
        (overall_accuracy, "overall accuracy"),
        (counts_per_class, "counts"),
        (percent_per_class, "percentages"),
        (overall_number, "one number"),
    ],
}
CHECKED = list(WRONG)


# --------------------------------------------------------------------------- tests


def test_library_reference_answers_pass_too():
    from learntools.gans.evaluation import accuracy_per_class
    from learntools.gans.models import one_hot

    assert evaluate(ex8.q1, one_hot).status == CORRECT
    assert evaluate(ex8.q7, accuracy_per_class).status == CORRECT
    assert evaluate(ex8.q1, lambda labels, num_classes=10: torch.eye(num_classes)[labels]).status == CORRECT
    # F.one_hot without .float() gives int64 one-hot vectors: the right values, but torch.cat with floats fails.
    outcome = evaluate(ex8.q1, lambda labels, num_classes=10: F.one_hot(labels, num_classes))
    assert outcome.status == INCORRECT and "torch.int64 values, not floats" in outcome.message, outcome.message


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex8, WRONG, solution_answer=solution_answer, quick=2.0))


def test_thought_question_has_a_discussion_and_points():
    assert ex8.q8.discussion and ex8.q8.points > 0


@pytest.mark.parametrize("name", ["q1", "q2", "q3", "q5", "q6", "q7"])
def test_function_starter_is_not_attempted(name):
    outcome = evaluate(getattr(ex8, name), starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED and "____" in outcome.message


def test_a_function_calling_an_unwritten_one_hot_is_not_attempted():
    namespace = {"torch": torch, "____": ____}
    exec("def one_hot(labels, num_classes=10):\n    return ____\n"
         "def generator_input(z, labels):\n    return torch.cat([z, one_hot(labels)], dim=1)", namespace)
    outcome = evaluate(ex8.q2, namespace["generator_input"])
    assert outcome.status == NOT_ATTEMPTED and "`one_hot`" in outcome.message


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    assert_hostile_answers_get_a_sentence(
        getattr(ex8, name), HOSTILE + [returns_nan_grid, lambda *args: "a string", lambda *args: None])


def test_hanging_function_is_stopped(monkeypatch):
    assert_stopped(ex8.q1, hangs, monkeypatch)
def test_thought_question_reveals_discussion(capsys):
    assert_discussion_revealed(ex8.q8, "label", capsys)
