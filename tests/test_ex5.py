"""Every question of lesson 05: its solution passes, realistic wrong answers fail with a message that
names what was observed, the blank says "not attempted", and hostile answers get a sentence, never a
traceback. The checks leave the learner's random state and thread count alone."""

import math
import textwrap

import nbformat
import pytest
import torch
import torch.nn.functional as F
from gans_support import (
    answer_in,
    assert_a_sentence,
    assert_correct,
    assert_discussion_revealed,
    assert_names_the_line,
    assert_stopped,
    evaluate,
    hangs,
    lesson_checks_contract,
    question,
    raises,
    random_state_and_threads_kept,
    returns_nan,
    run_solution,
)

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from learntools.gans import ex5, losses
from lessons import build

LESSON = build.LESSONS / "05_training.py"


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, float(target)))


def update(optimizer, loss):
    """The end of every step: clear the old gradients, backpropagate the loss, step; returns the loss."""
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


# --------------------------------------------------------------------------- right answers


def discriminator_loss(real_logits, fake_logits):
    return bce(real_logits, 1) + bce(fake_logits, 0)


def generator_loss(fake_logits):
    return bce(fake_logits, 1)


def discriminator_step(G, D, real, opt_d, z_dim):
    z = torch.randn(real.shape[0], z_dim, device=real.device)
    fake = G(z).detach()
    return update(opt_d, discriminator_loss(D(real), D(fake)))


def generator_step(G, D, batch_size, opt_g, z_dim):
    z = torch.randn(batch_size, z_dim, device=next(G.parameters()).device)
    return update(opt_g, generator_loss(D(G(z))))


def train_step(G, D, real, opt_g, opt_d, z_dim):
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)
    g_loss = generator_step(G, D, real.shape[0], opt_g, z_dim)
    return float(d_loss), float(g_loss)


# Other right answers a learner may well write.


def d_step_no_grad(G, D, real, opt_d, z_dim):
    with torch.no_grad():
        fake = G(torch.randn(len(real), z_dim))
    opt_d.zero_grad()
    real_loss = bce(D(real), 1)
    fake_loss = bce(D(fake), 0)
    real_loss.backward()  # two backward passes, as PyTorch's DCGAN example does
    fake_loss.backward()
    opt_d.step()
    return (real_loss + fake_loss).item()


def d_step_concatenated(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.size(0), z_dim, 1, 1)).detach()  # DCGAN-style 4-D noise
    logits = D(torch.cat([real, fake]))
    d_loss = discriminator_loss(logits[: len(real)], logits[len(real):])
    D.zero_grad()
    d_loss.backward()
    opt_d.step()
    return d_loss


def g_step_softplus(G, D, batch_size, opt_g, z_dim):
    fake = G(torch.randn(batch_size, z_dim, device=next(G.parameters()).device))
    g_loss = F.softplus(-D(fake)).mean()
    opt_g.zero_grad(set_to_none=False)
    g_loss.backward()
    opt_g.step()
    return g_loss.item()


def train_step_pytorch_style(G, D, real, opt_g, opt_d, z_dim):
    """PyTorch's DCGAN example: one fake batch, detached for D, reused for G."""
    fake = G(torch.randn(real.shape[0], z_dim))
    opt_d.zero_grad()
    d_loss = bce(D(real), 1) + bce(D(fake.detach()), 0)
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    g_loss = bce(D(fake), 1)
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()


# --------------------------------------------------------------------------- wrong D steps


def d_step_no_detach(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim))
    return update(opt_d, discriminator_loss(D(real), D(fake)))


def d_step_no_zero_grad(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim)).detach()
    d_loss = discriminator_loss(D(real), D(fake))
    d_loss.backward()
    opt_d.step()
    return d_loss


def d_step_no_step(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim)).detach()
    d_loss = discriminator_loss(D(real), D(fake))
    opt_d.zero_grad()
    d_loss.backward()
    return d_loss


def d_step_zero_grad_late(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim)).detach()
    d_loss = discriminator_loss(D(real), D(fake))
    d_loss.backward()
    opt_d.zero_grad()
    opt_d.step()
    return d_loss


def d_step_fixed_batch(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(64, z_dim)).detach()
    return update(opt_d, discriminator_loss(D(real), D(fake)))


def d_step_swapped(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim)).detach()
    return update(opt_d, bce(D(real), 0) + bce(D(fake), 1))


def d_step_fake_only(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim)).detach()
    return update(opt_d, bce(D(fake), 0))


def d_step_no_return(G, D, real, opt_d, z_dim):
    discriminator_step(G, D, real, opt_d, z_dim)


def d_step_wrong_z_dim(G, D, real, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], 100)).detach()
    return discriminator_loss(D(real), D(fake))


def d_step_returns_nan(G, D, real, opt_d, z_dim):
    discriminator_step(G, D, real, opt_d, z_dim)
    return torch.tensor(math.nan)


# --------------------------------------------------------------------------- wrong G steps


def g_step_minimax(G, D, batch_size, opt_g, z_dim):
    return update(opt_g, -bce(D(G(torch.randn(batch_size, z_dim))), 0))


def g_step_detached(G, D, batch_size, opt_g, z_dim):
    return update(opt_g, bce(D(G(torch.randn(batch_size, z_dim)).detach()), 1))


def g_step_no_zero_grad(G, D, batch_size, opt_g, z_dim):
    g_loss = bce(D(G(torch.randn(batch_size, z_dim))), 1)
    g_loss.backward()
    opt_g.step()
    return g_loss


def g_step_target_zero(G, D, batch_size, opt_g, z_dim):
    return update(opt_g, bce(D(G(torch.randn(batch_size, z_dim))), 0))


def g_step_fixed_batch(G, D, batch_size, opt_g, z_dim):
    return generator_step(G, D, 64, opt_g, z_dim)


def g_step_freezes_d(G, D, batch_size, opt_g, z_dim):
    D.requires_grad_(False)
    return generator_step(G, D, batch_size, opt_g, z_dim)


def g_step_no_step(G, D, batch_size, opt_g, z_dim):
    g_loss = bce(D(G(torch.randn(batch_size, z_dim))), 1)
    opt_g.zero_grad()
    g_loss.backward()
    return g_loss


def g_step_cpu_noise(G, D, batch_size, opt_g, z_dim):
    """Right on the CPU, but the noise stays there when the models live on a GPU."""
    return update(opt_g, generator_loss(D(G(torch.randn(batch_size, z_dim)))))


def g_step_zero_grad_late(G, D, batch_size, opt_g, z_dim):
    g_loss = generator_loss(D(G(torch.randn(batch_size, z_dim))))
    g_loss.backward()
    opt_g.zero_grad()
    opt_g.step()
    return g_loss


# --------------------------------------------------------------------------- wrong train steps


def d_step_real_in_zero_one(G, D, real, opt_d, z_dim):
    real = (real + 1) / 2  # "images are in [0, 1]"
    return discriminator_step(G, D, real, opt_d, z_dim)


def train_real_in_zero_one(G, D, real, opt_g, opt_d, z_dim):
    return train_step(G, D, (real + 1) / 2, opt_g, opt_d, z_dim)


def train_g_loss_on_real(G, D, real, opt_g, opt_d, z_dim):
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)
    g_loss = update(opt_g, generator_loss(D(real)))  # D's verdict on the real images
    return float(d_loss), float(g_loss)


def train_in_eval_mode(G, D, real, opt_g, opt_d, z_dim):
    G.eval()
    D.eval()
    return train_step(G, D, real, opt_g, opt_d, z_dim)


def train_returns_tensors(G, D, real, opt_g, opt_d, z_dim):
    return discriminator_step(G, D, real, opt_d, z_dim), generator_step(G, D, real.shape[0], opt_g, z_dim)


def train_changes_real(G, D, real, opt_g, opt_d, z_dim):
    real.clamp_(-0.9, 0.9)
    return train_step(G, D, real, opt_g, opt_d, z_dim)


def train_g_first(G, D, real, opt_g, opt_d, z_dim):
    g_loss = generator_step(G, D, real.shape[0], opt_g, z_dim)
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)
    return float(d_loss), float(g_loss)


def train_no_g(G, D, real, opt_g, opt_d, z_dim):
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)
    return float(d_loss), 0.0


def train_no_d(G, D, real, opt_g, opt_d, z_dim):
    g_loss = generator_step(G, D, real.shape[0], opt_g, z_dim)
    return 0.0, float(g_loss)


def train_swapped_return(G, D, real, opt_g, opt_d, z_dim):
    d_loss, g_loss = train_step(G, D, real, opt_g, opt_d, z_dim)
    return g_loss, d_loss


def train_one_loss(G, D, real, opt_g, opt_d, z_dim):
    d_loss, g_loss = train_step(G, D, real, opt_g, opt_d, z_dim)
    return d_loss + g_loss


def train_inline_no_detach(G, D, real, opt_g, opt_d, z_dim):
    fake = G(torch.randn(real.shape[0], z_dim))
    opt_d.zero_grad()
    d_loss = bce(D(real), 1) + bce(D(fake), 0)
    d_loss.backward(retain_graph=True)
    opt_d.step()
    opt_g.zero_grad()
    g_loss = bce(D(fake), 1)
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()


def train_two_d_steps(G, D, real, opt_g, opt_d, z_dim):
    discriminator_step(G, D, real, opt_d, z_dim)
    return train_step(G, D, real, opt_g, opt_d, z_dim)


def train_g_minimax(G, D, real, opt_g, opt_d, z_dim):
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)
    g_loss = g_step_minimax(G, D, real.shape[0], opt_g, z_dim)
    return float(d_loss), float(g_loss)


def train_g_flipped(G, D, real, opt_g, opt_d, z_dim):
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)
    g_loss = update(opt_g, -bce(D(G(torch.randn(real.shape[0], z_dim))), 1))
    return float(d_loss), float(g_loss)


def train_zero_grad_late(G, D, real, opt_g, opt_d, z_dim):
    d_loss = d_step_zero_grad_late(G, D, real, opt_d, z_dim)  # zero_grad between backward and step
    g_loss = generator_step(G, D, real.shape[0], opt_g, z_dim)
    return float(d_loss), float(g_loss)


def train_g_loss_on_real_inline(G, D, real, opt_g, opt_d, z_dim):
    """Written out in one function, PyTorch-example style, with D(real) where D(fake) belongs in the G step."""
    fake = G(torch.randn(real.shape[0], z_dim))
    opt_d.zero_grad()
    d_loss = bce(D(real), 1) + bce(D(fake.detach()), 0)
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    g_loss = bce(D(real), 1)
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()


def train_returns_nan(G, D, real, opt_g, opt_d, z_dim):
    train_step(G, D, real, opt_g, opt_d, z_dim)
    return math.nan, math.nan


# --------------------------------------------------------------------------- the table

ZERO = torch.zeros(8, 1)
ALL_RIGHT = {
    "q1": [discriminator_loss, losses.nonsaturating_d,
           lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean()],
    "q2": [generator_loss, losses.nonsaturating_g, lambda f: F.softplus(-f).mean()],
    "q3.a": [2 * math.log(2), discriminator_loss(ZERO, ZERO), 1.3863],
    "q3.b": [math.log(2), generator_loss(ZERO), 0.6931],
    "q4": [(-0.01, -0.99), (torch.tensor(-0.01), torch.tensor([-0.99]))],
    "q5": [discriminator_step, d_step_no_grad, d_step_concatenated],
    "q6": [generator_step, g_step_softplus],
    "q7": [train_step, train_step_pytorch_style],
}

WRONG = {
    "q1": [
        (lambda r, f: bce(r, 0) + bce(f, 1), "targets are swapped"),
        (lambda r, f: bce(torch.sigmoid(r), 1) + bce(torch.sigmoid(f), 0), "sigmoid is applied twice"),
        (lambda r, f: F.softplus(-r).sum() + F.softplus(f).sum(), "sum over the batch"),
        (lambda r, f: 0.5 * (bce(r, 1) + bce(f, 0)), "half the expected value"),
        (lambda r, f: F.binary_cross_entropy_with_logits(
            torch.cat([r, f]), torch.cat([torch.ones_like(r), torch.zeros_like(f)])), "half the expected value"),
        (lambda r, f: bce(r, 1), "only has the real part"),
        (lambda r, f: bce(r, 1) + bce(f, 1), "gives the fakes target 1"),
        (lambda r, f: float(bce(r, 1) + bce(f, 0)), "plain float"),
        (lambda r, f: torch.tensor(float(bce(r, 1) + bce(f, 0))), "carries no gradient"),
        (lambda r, f: F.binary_cross_entropy_with_logits(r, torch.ones_like(r), reduction="none")
         + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f), reduction="none"), "one value per example"),
        (lambda r, f: F.binary_cross_entropy(torch.sigmoid(r), torch.ones_like(r))
         + F.binary_cross_entropy(torch.sigmoid(f), torch.zeros_like(f)), "BCELoss clips"),
        (lambda r, f: -torch.log(torch.sigmoid(r)).mean() - torch.log(1 - torch.sigmoid(f)).mean(), "inf"),
        (lambda r, f: F.binary_cross_entropy(r, torch.ones_like(r)), "raised RuntimeError"),
    ],
    "q2": [
        (lambda f: -bce(f, 0), "minimax form"),
        (lambda f: bce(f, 0), "target 0"),
        (lambda f: -bce(f, 1), "wrong sign"),
        (lambda f: F.softplus(-f).sum(), "sum over the batch"),
        (lambda f: bce(torch.sigmoid(f), 1), "sigmoid is applied twice"),
        (lambda f: bce(f, 1).item(), "plain float"),
    ],
    "q3.a": [(math.log(2), "one part"), (0.5, "sigmoid(0)"), (2 * math.log10(2), "base 10"), (2.0, "bits"),
             (-2 * math.log(2), "never negative"), (1.0, "two parts of 0.5"), (1.5, "not right")],
    "q3.b": [(-math.log(2), "minimax"), (2 * math.log(2), "discriminator's loss"), (0.5, "sigmoid(0)"),
             (math.log10(2), "base 10"), (0.7, "not right")],
    "q4": [
        ((-0.99, -0.01), "swapped"),
        ((0.01, 0.99), "signs are flipped"),
        ((-1 / 0.99, -100.0), "with respect to the probability"),
        ((math.log(0.99), -math.log(0.01)), "losses' values"),
        ((-0.99, -0.99), "both numbers are the same"),
        ((-0.5, -0.5), "both numbers are the same"),
        ((-0.02, -0.98), "you have -0.02"),
        ((torch.ones(3), -0.99), "should be one number"),
    ],
    "q5": [
        (d_step_no_detach, "flowed back into G"),
        (d_step_no_zero_grad, "zero_grad() before d_loss.backward()"),
        (d_step_no_step, "call opt_d.step()"),
        (d_step_zero_grad_late, "opt_d.zero_grad() came after d_loss.backward()"),
        (d_step_fixed_batch, "the fake batch has 64 images but the real batch 8"),
        (d_step_swapped, "targets are swapped"),
        (d_step_fake_only, "never showed D the real batch"),
        (d_step_no_return, "returned None"),
        (d_step_wrong_z_dim, "expects noise of shape (N, z_dim) = (N, 3)"),
        (d_step_returns_nan, "returned nan"),
        (lambda G, D, real, opt_d, z_dim: (discriminator_step(G, D, real, opt_d, z_dim), 0.0), "a tuple of 2"),
        (lambda G, D, real, opt_d, z_dim: 1.0, "never called G"),
        (d_step_real_in_zero_one, "showed D the real images rescaled to [0, 1]"),
        (lambda G, D, real, opt_d, z_dim: discriminator_step(G, D, real, opt_d, z_dim).to(torch.complex64),
         "returned complex numbers (torch.complex64)"),
    ],
    "q6": [
        (g_step_minimax, "minimax form"),
        (g_step_detached, "Don't detach the fakes in the G step"),
        (g_step_no_zero_grad, "opt_g.zero_grad() before g_loss.backward()"),
        (g_step_target_zero, "target 0"),
        (g_step_fixed_batch, "batch_size is 8"),
        (g_step_freezes_d, "left D's parameters frozen"),
        (g_step_no_step, "call opt_g.step()"),
        (g_step_cpu_noise, "made its noise on the cpu"),
        (g_step_zero_grad_late, "opt_g.zero_grad() came after g_loss.backward()"),
    ],
    "q7": [
        (train_g_first, "updates G before D"),
        (train_no_g, "never called opt_g.step()"),
        (train_no_d, "never called opt_d.step()"),
        (train_swapped_return, "the other way round"),
        (train_one_loss, "should return two losses"),
        (train_inline_no_detach, "G's parameters had gradients"),
        (train_two_d_steps, "stepped D 2 times"),
        (train_g_minimax, "minimax form"),
        (train_returns_nan, "returned the losses (nan, nan)"),
        (train_in_eval_mode, "put G in eval mode"),
        (train_returns_tensors, "returned its d_loss as a tensor"),
        (train_g_loss_on_real, "computed its g_loss on D(real)"),
        (train_real_in_zero_one, "showed D the real images rescaled to [0, 1]"),
        (train_zero_grad_late, "opt_d.zero_grad() came after d_loss.backward()"),
        (train_g_loss_on_real_inline, "computed its g_loss on D(real)"),
    ],
}

CHECKED = list(WRONG)
STEP_QUESTIONS = ["q5", "q6", "q7", "q8"]


def problem(name):
    return question(ex5, name)


# --------------------------------------------------------------------------- the declared solutions


@pytest.fixture(scope="module")
def solved():
    """Run every declared solution in order, the way the solution notebook does."""
    namespace = {"torch": torch, "F": F, "math": math, "minimax_g": losses.minimax_g,
                 "nonsaturating_g": losses.nonsaturating_g}
    namespace["logit"] = torch.tensor(math.log(0.01 / 0.99), requires_grad=True)
    for name in ["q1", "q2", "q3.a", "q3.b", "q4", "q5", "q6", "q7"]:
        run_solution(problem(name), namespace)
    return namespace


def answer_of(name, namespace):
    return answer_in(namespace, problem(name))


def test_every_question_has_two_hints_a_solution_and_points():
    for name in CHECKED + ["q8"]:
        p = problem(name)
        assert len(p.hints) >= 2, name
        assert p.points >= 1
        assert p.solution_code, name


def test_lesson_has_eight_questions_and_lesson_06_the_rest():
    assert [name for name in ex5.__all__ if name.startswith("q")] == [f"q{i}" for i in range(1, 9)]


@pytest.mark.parametrize("name", CHECKED)
def test_pass_message_is_one_line_worth_keeping(name, solved):
    outcome = evaluate(problem(name), answer_of(name, solved))
    assert outcome.status == CORRECT, outcome.message
    assert len(outcome.message) > 40 and "\n" not in outcome.message, outcome.message


@pytest.mark.parametrize("name", CHECKED)
def test_declared_solution_passes(name, solved):
    assert_correct(problem(name), answer_of(name, solved))


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex5, WRONG, ALL_RIGHT, also_blank=["q8"]))


# --------------------------------------------------------------------------- the learner's starter code


@pytest.fixture(scope="module")
def notebooks():
    learner, solution, _ = build.build_versions(LESSON)
    return learner, solution


def _functions_of(notebook):
    """Execute the notebook's function-defining cells (and nothing else) into a fresh namespace."""
    namespace = {"torch": torch, "F": F, "math": math, "____": ____}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.lstrip().startswith("def "):
            exec(cell.source, namespace)
    return namespace


@pytest.mark.parametrize("name", ["q1", "q2", "q5", "q6", "q7", "q8"])
def test_starter_functions_are_not_attempted(name, notebooks):
    starters = _functions_of(notebooks[0])
    outcome = evaluate(problem(name), starters[problem(name).var])
    assert outcome.status == NOT_ATTEMPTED, outcome
    assert "____" in outcome.message or "not written yet" in outcome.message


def test_train_step_waits_for_the_functions_it_calls(notebooks):
    namespace = _functions_of(notebooks[1])  # the solution's functions ...
    exec(textwrap.dedent('''
        def discriminator_step(G, D, real, opt_d, z_dim):
            return ____
    '''), namespace)  # ... but the D step is still blank
    outcome = evaluate(ex5.q7, namespace["train_step"])
    assert outcome.status == NOT_ATTEMPTED
    assert "`train_step` calls `discriminator_step`, which is not written yet" in outcome.message
    assert not ex5.ready(namespace["train_step"])
    assert ex5.unwritten(namespace["train_step"]) == "discriminator_step"


def test_nbgrader_stub_counts_as_unwritten():
    namespace = {}
    exec("def train_step(G, D, real, opt_g, opt_d, z_dim):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
         namespace)
    assert ex5.unwritten(namespace["train_step"]) == "train_step"
    assert ex5.q7.evaluate(namespace["train_step"]).status == NOT_ATTEMPTED


def test_solution_notebook_functions_pass(notebooks):
    functions = _functions_of(notebooks[1])
    for name in ["q1", "q2", "q5", "q6", "q7"]:
        outcome = evaluate(problem(name), functions[problem(name).var])
        assert outcome.status == CORRECT, (name, outcome.message)
    assert ex5.ready(functions["train_step"])


# --------------------------------------------------------------------------- hostile answers


HOSTILE = [None, "1.386", {"a": 1}, [1, [2, 3]], object(), math.nan, math.inf, torch.tensor([math.nan]), raises,
           returns_nan]


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    p = problem(name)
    for answer in HOSTILE:
        if isinstance(p.var, tuple):
            answer = (answer, answer)
        assert_a_sentence(evaluate(p, answer), answer)


@pytest.mark.parametrize("name", ["q1", "q2", "q5", "q6", "q7"])
def test_raising_function_is_named_with_its_line(name):
    assert_names_the_line(evaluate(problem(name), raises))


@pytest.mark.parametrize("name", ["q1", "q5", "q7"])
def test_hanging_function_is_stopped(name, monkeypatch):
    assert_stopped(problem(name), hangs, monkeypatch)


# --------------------------------------------------------------------------- q8: the short training run


def test_training_run_passes_with_the_solution_and_shows_the_distances(solved):
    outcome = evaluate(ex5.q8, solved["train_step"])
    assert outcome.status == CORRECT, outcome.message
    assert "Fréchet distance from" in outcome.message


@pytest.mark.parametrize("answer, fragment", [
    (train_no_g, "G did not change"),
    (train_no_d, "D did not change"),
    (train_returns_nan, "returned the losses (nan, nan)"),
    (lambda G, D, real, opt_g, opt_d, z_dim: None, "returned None"),
    (raises, "raised ValueError"),
    (train_in_eval_mode, "put G in eval mode"),
    (train_changes_real, "changed the real batch in place"),
    (train_real_in_zero_one, "showed D the real images rescaled to [0, 1]"),
])
def test_training_run_rejects_steps_that_do_not_train(answer, fragment):
    outcome = evaluate(ex5.q8, answer)
    assert outcome.status == INCORRECT, outcome
    assert fragment in outcome.message, outcome.message


def train_concatenated(G, D, real, opt_g, opt_d, z_dim):
    d_loss = d_step_concatenated(G, D, real, opt_d, z_dim)
    g_loss = generator_step(G, D, real.shape[0], opt_g, z_dim)
    return float(d_loss), float(g_loss)


@pytest.mark.parametrize("answer, fragment", [
    (train_g_minimax, "non-saturating loss"),  # the minimax G loss saturates: the distance hardly moves
    (train_concatenated, "D was shown 64 images at once"),  # BatchNorm mixes real and fake statistics
])
def test_training_run_rejects_steps_that_train_badly(answer, fragment):
    outcome = evaluate(ex5.q8, answer)
    assert outcome.status == INCORRECT, outcome
    assert fragment in outcome.message, outcome.message


def test_training_run_stops_a_hanging_step(monkeypatch):
    monkeypatch.setattr(ex5, "RUN_STEP_TIMEOUT", 0.3)
    outcome = evaluate(ex5.q8, hangs)
    assert outcome.status == INCORRECT
    assert "did not finish within 0.3 s" in outcome.message


# --------------------------------------------------------------------------- side effects


def test_checks_leave_random_state_threads_and_inputs_alone(solved):
    with random_state_and_threads_kept():
        for name in ["q1", "q2", "q4", "q5", "q6", "q7"]:
            problem(name).evaluate(answer_of(name, solved))


# --------------------------------------------------------------------------- the lesson's facts


def test_library_losses_at_logits_zero_match_the_value_question():
    assert float(losses.nonsaturating_d(ZERO, ZERO)) == pytest.approx(ex5.q3.a.expected)
    assert float(losses.nonsaturating_g(ZERO)) == pytest.approx(ex5.q3.b.expected)


def test_saturation_numbers_match_autograd():
    logit = torch.tensor(math.log(0.01 / 0.99), requires_grad=True)
    (minimax,) = torch.autograd.grad(losses.minimax_g(logit.reshape(1)), logit)
    (nonsaturating,) = torch.autograd.grad(losses.nonsaturating_g(logit.reshape(1)), logit)
    assert (float(minimax), float(nonsaturating)) == pytest.approx(ex5.SATURATION_GRADIENTS, rel=1e-5)
