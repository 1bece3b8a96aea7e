"""Every question of lesson 13: its solution passes, realistic wrong answers fail with a message that names
the mistake, the blank says "not attempted", and hostile answers get a sentence (also tests/test_hostile.py)."""

import math

import pytest
import torch
from gans_support import (
    answer_in,
    assert_a_sentence,
    assert_discussion_revealed,
    assert_names_the_line,
    evaluate,
    lesson_checks_contract,
    question,
    raises,
    returns_nan,
    run_solution,
)

from learntools.core import CORRECT
from learntools.gans import ex13
from learntools.gans.evaluation import fidelity


# --------------------------------------------------------------------------- k-NN radii: right and wrong


def radii(features, k):
    return torch.cdist(features, features).kthvalue(k + 1, dim=1).values


def radii_sorted(features, k):
    """Right too: sort each row and skip column 0 (the point itself)."""
    return torch.cdist(features, features).sort(dim=1).values[:, k]


def radii_loop(features, k):
    """Right too: one point at a time, the point removed."""
    out = []
    for i in range(len(features)):
        others = torch.cat([features[:i], features[i + 1:]])
        out.append((others - features[i]).norm(dim=1).sort().values[k - 1])
    return torch.stack(out)


def radii_self_counted(features, k):
    return torch.cdist(features, features).kthvalue(k, dim=1).values


def radii_one_too_far(features, k):
    return torch.cdist(features, features).sort(dim=1).values[:, k + 1]


def radii_squared(features, k):
    return ((features[:, None, :] - features[None, :, :]) ** 2).sum(-1).kthvalue(k + 1, dim=1).values


def radii_mean_of_k(features, k):
    return torch.cdist(features, features).sort(dim=1).values[:, 1:k + 1].mean(dim=1)


def radii_all_k(features, k):
    return torch.cdist(features, features).sort(dim=1).values[:, 1:k + 1]


# --------------------------------------------------------------------------- precision, recall: right and wrong


def precision(real, fake, k=3):
    return (torch.cdist(fake, real) <= radii(real, k)[None, :]).any(dim=1).float().mean()


def precision_float(real, fake, k=3):
    """Right too: a Python float, through the library."""
    return fidelity.precision_recall(real, fake, k).precision


def precision_strict(real, fake, k=3):
    """Right too on continuous data: `<` instead of `<=` (no distance ties a radius)."""
    return (torch.cdist(fake, real) < radii(real, k)[None, :]).any(dim=1).float().mean()


def precision_is_recall(real, fake, k=3):
    return (torch.cdist(real, fake) <= radii(fake, k)[None, :]).any(dim=1).float().mean()


def precision_self_counted(real, fake, k=3):
    return (torch.cdist(fake, real) <= radii_self_counted(real, k)[None, :]).any(dim=1).float().mean()


def precision_pairs(real, fake, k=3):
    return (torch.cdist(fake, real) <= radii(real, k)[None, :]).float().mean()


def precision_count(real, fake, k=3):
    return (torch.cdist(fake, real) <= radii(real, k)[None, :]).any(dim=1).sum()


def precision_wrong_radii(real, fake, k=3):
    return (torch.cdist(fake, real) <= radii(fake, k)[None, :]).any(dim=1).float().mean()


def recall(real, fake, k=3):
    return precision(fake, real, k)


def recall_is_precision(real, fake, k=3):
    return precision(real, fake, k)


def recall_self_counted(real, fake, k=3):
    return precision_self_counted(fake, real, k)


def recall_pairs(real, fake, k=3):
    return precision_pairs(fake, real, k)


def recall_count(real, fake, k=3):
    return precision_count(fake, real, k)


def recall_wrong_radii(real, fake, k=3):
    return (torch.cdist(real, fake) <= radii(real, k)[None, :]).any(dim=1).float().mean()


WRONG = {
    "q1": [
        (radii_self_counted, "counted as its nearest neighbour"),
        (radii_one_too_far, "one neighbour too far"),
        (radii_squared, "squared distances"),
        (radii_mean_of_k, "mean distance to the k nearest"),
        (radii_all_k, "shape"),
        (lambda features, k: None, "returned None"),
    ],
    "q2": [
        (precision_is_recall, "that is the recall"),
        (precision_self_counted, "one neighbour too small"),
        (precision_pairs, "share of (sample, centre) pairs"),
        (precision_count, "that is a count"),
        (precision_wrong_radii, "wrong radii"),
    ],
    "q3": [
        (recall_is_precision, "that is the precision"),
        (recall_self_counted, "one neighbour too small"),
        (recall_pairs, "share of (sample, centre) pairs"),
        (recall_count, "that is a count"),
        (recall_wrong_radii, "wrong radii"),
    ],
}
RIGHT_TOO = {
    "q1": [radii_sorted, radii_loop, fidelity.knn_radii],
    "q2": [precision_float, precision_strict, lambda real, fake, k=3: precision(real.double(), fake.double(), k)],
    "q3": [lambda real, fake, k=3: fidelity.precision_recall(real, fake, k).recall],
}
CHECKED = list(WRONG)


def problem(name):
    return question(ex13, name)


def solution_answer(name):
    namespace = {"torch": torch}
    for earlier in CHECKED[: CHECKED.index(name) + 1]:  # recall's solution calls the learner's precision
        run_solution(problem(earlier), namespace)
    return answer_in(namespace, problem(name))


globals().update(lesson_checks_contract(ex13, WRONG, RIGHT_TOO, solution_answer=solution_answer))


def test_lesson_has_four_questions():
    assert [name for name in ex13.__all__ if name.startswith("q")] == ["q1", "q2", "q3", "q4"]


@pytest.mark.parametrize("name", CHECKED)
def test_pass_message_is_one_line_worth_keeping(name):
    outcome = evaluate(problem(name), solution_answer(name))
    assert outcome.status == CORRECT, outcome.message
    assert len(outcome.message) > 40 and "\n" not in outcome.message, outcome.message


HOSTILE = [None, "precision", {"a": 1}, object(), math.nan, torch.tensor([math.nan]), raises, returns_nan]


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    for answer in HOSTILE:
        assert_a_sentence(evaluate(problem(name), answer), answer)


@pytest.mark.parametrize("name", CHECKED)
def test_raising_function_is_named_with_its_line(name):
    assert_names_the_line(evaluate(problem(name), raises))


def test_thought_question_reveals_discussion(capsys):
    assert_discussion_revealed(ex13.q4, "reference", capsys)


def test_the_check_cases_have_no_ties_so_strict_and_non_strict_agree():
    """The module docstring's promise: on every case of q2 and q3, `<` and `<=` give the same share."""
    for name in ("q2", "q3"):
        for real, fake, k in problem(name).all_cases():
            for a, b in ((real, fake), (fake, real)):
                distances, r = torch.cdist(b.double(), a.double()), fidelity.knn_radii(a, k)
                assert not torch.isclose(distances, r[None, :].expand_as(distances), rtol=0, atol=1e-9).any()
