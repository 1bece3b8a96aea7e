"""Every question of lesson 07: its solution passes, realistic wrong answers fail with a message that
names the mistake, the blank says "not attempted", hostile answers get a sentence. Also the lesson's
claims that the checks rely on (JS by quadrature, the game dynamics), and the loss comparison script at a
tiny size."""

import functools
import json
import math

import pytest
import torch
import torch.nn.functional as F
from gans_support import (
    answer_in,
    assert_discussion_revealed,
    assert_names_the_line,
    evaluate,
    lesson_checks_contract,
    question,
    raises,
    run_solution,
)

from learntools.core import CORRECT, INCORRECT
from learntools.gans import ex7, theory
from learntools.gans.data import toy_distribution, toy_modes
from learntools.gans.evaluation import loss_comparison

MODES = toy_modes("ring")
STD = ex7.RING_STD
P_G = theory.toy_mixture("ring", std=ex7.BLURRY_STD)


def problem(name):
    return question(ex7, name)


@functools.lru_cache(maxsize=1)
def solved():
    """Run every declared solution in order, as the solution notebook does."""
    namespace = {"torch": torch, "F": F, "math": math, "ring_modes": MODES, "RING_STD": STD, "theory": theory,
                 "BLURRY_STD": ex7.BLURRY_STD, "SAMPLES": ex7.SAMPLES, "toy_distribution": toy_distribution,
                 "toy_modes": toy_modes}
    for name in ["q1", "q2", "q3", "q4", "q5.a", "q5.b", "q6.a", "q6.b", "q7.a", "q7.b", "q8.a", "q8.b",
                 "q9", "q10"]:
        run_solution(problem(name), namespace)
    return namespace


def solution_answer(name):
    return answer_in(solved(), problem(name))


# --------------------------------------------------------------------------- wrong answers


def log_normaliser(var):
    return -math.log(2 * math.pi * var)


def ring_squared(points):
    return ((points[:, None, :] - MODES[None]) ** 2).sum(-1)  # (N, 8)


def ring_no_weights(points):
    return torch.logsumexp(log_normaliser(STD ** 2) - ring_squared(points) / (2 * STD ** 2), dim=1)


def ring_one_d_normaliser(points):
    return torch.logsumexp(-0.5 * math.log(2 * math.pi * STD ** 2) - ring_squared(points) / (2 * STD ** 2), 1) - math.log(8)


def ring_sigma_not_squared(points):
    return torch.logsumexp(log_normaliser(STD ** 2) - ring_squared(points) / (2 * STD), 1) - math.log(8)


def ring_max(points):
    return (log_normaliser(STD ** 2) - ring_squared(points) / (2 * STD ** 2)).max(1).values - math.log(8)


def ring_naive(points):
    densities = torch.exp(log_normaliser(STD ** 2) - ring_squared(points) / (2 * STD ** 2))
    return torch.log(densities.mean(1))


def ring_density_not_log(points):
    return torch.exp(torch.logsumexp(log_normaliser(STD ** 2) - ring_squared(points) / (2 * STD ** 2), 1) - math.log(8))


def ring_mean_of_logs(points):
    return (log_normaliser(STD ** 2) - ring_squared(points) / (2 * STD ** 2)).mean(1)


def gp_no_create_graph(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)  # no create_graph
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_wrong_pairs(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    shuffled = fake.detach()[torch.randperm(len(fake))]  # fake examples paired at random
    x_hat = (alpha * real + (1 - alpha) * shuffled).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_real_with_real(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * real.flip(0)).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_per_pixel_alpha(critic, real, fake, weight=10.0):
    alpha = torch.rand_like(real)  # one weight per pixel
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_norm_dim_1(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.norm(dim=1) - 1) ** 2).mean()  # over the channels only, for images


def gp_whole_batch_norm(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grads.norm() - 1) ** 2


def gp_squared_norm(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grads.flatten(1).norm(dim=1) ** 2).mean()


def gp_detached_interpolate(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake).detach()  # no requires_grad: autograd cannot differentiate
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_scores_a_detached_copy(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat.detach()).sum(), x_hat, create_graph=True)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_not_detached_from_g(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = alpha * real + (1 - alpha) * fake  # still tied to G's graph
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gp_no_weight(critic, real, fake, weight=10.0):
    return solution_answer("q9")(critic, real, fake, weight=1.0)


def sigma_power_on_w(W, steps=100):
    v = torch.randn(W.shape[1])
    for _ in range(steps):
        v = W @ v
        v = v / v.norm()
    return (v @ (W @ v)).abs()  # the largest |eigenvalue| of W


def sigma_squared(W, steps=100):
    v = torch.randn(W.shape[1])
    for _ in range(steps):
        v = W.T @ (W @ v)
        v = v / v.norm()
    return v @ (W.T @ (W @ v))


JS = ex7.JS_RING_BLURRY
WRONG = {
    "q1": [
        (ring_no_weights, "mixture weights are missing"),
        (ring_one_d_normaliser, "1-D Gaussian's"),
        (ring_sigma_not_squared, "divides by 2σ"),
        (ring_max, "nearest Gaussian"),
        (ring_naive, "underflows"),
        (ring_density_not_log, "not its log"),
        (ring_mean_of_logs, "averages the 8 log densities"),
    ],
    "q2": [
        (lambda a, b: torch.sigmoid(b - a), "the chance that x is generated"),
        (lambda a, b: torch.exp(a) / (torch.exp(a) + torch.exp(b)), "0 / 0"),
        (lambda a, b: a - b, "apply the sigmoid"),
        (lambda a, b: torch.exp(a - b), "density ratio"),
    ],
    "q3": [
        (lambda r, f: -(torch.log(r).mean() + torch.log(1 - f).mean()), "discriminator's BCE loss"),
        (lambda r, f: torch.log(r).mean() + torch.log(f).mean(), "uses log D on the generated points"),
        (lambda r, f: torch.log(r).sum() + torch.log(1 - f).sum(), "sums over the samples"),
        (lambda r, f: torch.log(torch.cat([r, 1 - f])).mean(), "one mean over both batches"),
        (lambda r, f: torch.log(r).mean() - torch.log(1 - f).mean(), "sign is flipped"),
        (lambda r, f: torch.log(torch.stack([r, 1 - f])).mean(), "raised"),  # batches of different sizes
    ],
    "q4": [(-ex7.VALUE_AT_OPTIMUM, "minus V"), (-math.log(4), "D says 0.5 everywhere"), (2 * JS, "that is 2·JS"),
           (JS, "JS itself"), (0.0, "lies between -log 4")],
    "q5.a": [
        (lambda x, y, lr: (x + lr * y, y + lr * x), "x minimises x·y"),
        (lambda x, y, lr: (x - lr * y, y - lr * x), "y maximises x·y"),
        (lambda x, y, lr: (x - lr * (y + lr * x), y + lr * x), "that is the alternating step"),
        (lambda x, y, lr: (x + lr * y, y - lr * x), "directions are swapped"),
    ],
    "q5.b": [
        (lambda x, y, lr: (x - lr * y, y + lr * x), "that is the simultaneous step"),
        (lambda x, y, lr: (x - lr * y, y + lr * (x - lr * y)), "x stepped first"),
        (lambda x, y, lr: (x + lr * (y + lr * x), y + lr * x), "x minimises x·y"),
    ],
    "q6.a": [
        (lambda r, f: ((r - 1) ** 2).mean() + (f ** 2).mean(), "factor ½"),
        (lambda r, f: 0.5 * ((r ** 2).mean() + ((f - 1) ** 2).mean()), "targets are swapped"),
        (lambda r, f: 0.5 * (((torch.sigmoid(r) - 1) ** 2).mean() + (torch.sigmoid(f) ** 2).mean()), "sigmoid"),
        (lambda r, f: 0.5 * (((r - 1) ** 2).mean() + ((f + 1) ** 2).mean()), "target -1"),
        (lambda r, f: 0.5 * (((r - 1) ** 2).sum() + (f ** 2).sum()), "sums over the batch"),
        (lambda r, f: float(0.5 * (((r - 1) ** 2).mean() + (f ** 2).mean())), "plain float"),
    ],
    "q6.b": [
        (lambda f: ((f - 1) ** 2).mean(), "factor ½"),
        (lambda f: 0.5 * (f ** 2).mean(), "D's target for them"),
        (lambda f: -0.5 * (f ** 2).mean(), "minus D's fake term"),
        (lambda f: 0.5 * (f - 1) ** 2, "one value per example"),
    ],
    "q7.a": [
        (lambda r, f: (1 - r).mean() + (1 + f).mean(), "relu is missing"),
        (lambda r, f: F.relu(1 + r).mean() + F.relu(1 - f).mean(), "signs are swapped"),
        (lambda r, f: F.relu(-r).mean() + F.relu(f).mean(), "margin 1 is missing"),
        (lambda r, f: F.relu(1 - r).mean() - f.mean(), "generator's term"),
    ],
    "q7.b": [
        (lambda f: F.relu(1 - f).mean(), "that is a hinge for G"),
        (lambda f: f.mean(), "sign is flipped"),
        (lambda f: -f.sum(), "sums over the batch"),
    ],
    "q8.a": [
        (lambda r, f: r.mean() - f.mean(), "sign is flipped"),
        (lambda r, f: torch.sigmoid(f).mean() - torch.sigmoid(r).mean(), "unbounded"),
        (lambda r, f: f.sum() - r.sum(), "sums over the batches"),
        (lambda r, f: f.mean() + r.mean(), "real part is added"),
    ],
    "q8.b": [
        (lambda f: f.mean(), "sign is flipped"),
        (lambda f: F.softplus(-f).mean(), "non-saturating BCE"),
        (lambda f: (-f.mean()).detach(), "carries no gradient"),
    ],
    "q9": [
        (gp_wrong_pairs, "interpolated between the wrong pairs"),
        (gp_real_with_real, "interpolated between the wrong pairs"),
        (gp_per_pixel_alpha, "its own random weight"),
        (gp_no_create_graph, "create_graph=True"),
        (gp_norm_dim_1, "wrong dimension (dim=1"),
        (gp_whole_batch_norm, "one norm over the whole batch"),
        (gp_squared_norm, "penalises |∇D(x̂)|²"),
        (gp_detached_interpolate, "detached from the graph"),
        (gp_scores_a_detached_copy, "detached from the graph"),
        (gp_not_detached_from_g, "flow back into the fake batch"),
        (gp_no_weight, "weight λ = 10 is missing"),
    ],
    "q10": [
        (lambda W, steps=100: torch.linalg.matrix_norm(W, ord="fro"), "Frobenius"),
        (sigma_squared, "σ_max²"),
        (sigma_power_on_w, "largest |eigenvalue|"),
        (lambda W, steps=100: W.abs().max(), "largest entry"),
    ],
}


globals().update(lesson_checks_contract(ex7, WRONG, solution_answer=solution_answer))


def test_thought_question_reveals_discussion(capsys):
    assert_discussion_revealed(ex7.q11, "spread", capsys)


@pytest.mark.parametrize("name", ["q1", "q2", "q3", "q5.a", "q9", "q10"])
def test_raising_function_is_named_with_its_line(name):
    assert_names_the_line(evaluate(problem(name), raises))


def test_other_right_answers_pass():
    def ring_with_distributions(points):  # torch.distributions, as the library does
        return theory.toy_mixture("ring").log_prob(points)

    def sigma_by_svd(W, steps=100):
        return torch.linalg.svdvals(W)[0].item()

    def gp_with_lerp(critic, real, fake, weight=10.0):
        alpha = torch.rand(real.shape[0], *([1] * (real.ndim - 1)))
        x_hat = torch.lerp(fake.detach(), real.detach(), alpha).requires_grad_()
        grads = torch.autograd.grad(outputs=critic(x_hat), inputs=x_hat, grad_outputs=torch.ones(len(real), 1),
                                    create_graph=True, retain_graph=True)[0]
        return weight * ((grads.reshape(len(real), -1).norm(2, dim=1) - 1) ** 2).mean()

    for name, answer in [("q1", ring_with_distributions), ("q10", sigma_by_svd), ("q9", gp_with_lerp),
                         ("q2", lambda a, b: 1 / (1 + torch.exp(b - a)))]:
        assert evaluate(problem(name), answer).status == CORRECT, name


# --------------------------------------------------------------------------- the lesson's facts


def test_the_js_constant_is_the_quadrature_on_a_finer_grid():
    js = theory.js_divergence_grid(theory.toy_mixture("ring"), P_G, n=801)
    assert js == pytest.approx(ex7.JS_RING_BLURRY, abs=2e-5)


def test_the_monte_carlo_value_at_d_star_is_within_the_check_tolerance_for_many_seeds():
    p_data = theory.toy_mixture("ring")
    for seed in range(5):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            real, fake = p_data.sample((ex7.SAMPLES,)), P_G.sample((ex7.SAMPLES,))
        d_real = theory.optimal_discriminator(p_data.log_prob(real), P_G.log_prob(real))
        d_fake = theory.optimal_discriminator(p_data.log_prob(fake), P_G.log_prob(fake))
        assert abs(theory.game_value(d_real, d_fake) - ex7.VALUE_AT_OPTIMUM) < ex7.VALUE_ATOL / 2


def test_game_dynamics_claims():
    """Simultaneous steps spiral out at sqrt(1 + lr^2) per step, alternating ones stay on an orbit, and R1
    makes the Dirac-GAN converge (the lesson's figure)."""
    lr, steps = 0.1, 300
    radius = theory.trajectory(theory.simultaneous_step, (1.0, 0.0), lr, steps).norm(dim=1)
    assert radius[-1] == pytest.approx((1 + lr ** 2) ** (steps / 2), rel=1e-9)
    radius = theory.trajectory(theory.alternating_step, (1.0, 0.0), lr, steps).norm(dim=1)
    assert 0.95 < radius.min() and radius.max() < 1.06
    for alternating in (False, True):
        plain = theory.trajectory(lambda t, p, lr: theory.dirac_gan_step(t, p, lr, alternating=alternating),
                                  (1.0, 0.0), lr, steps).norm(dim=1)
        damped = theory.trajectory(lambda t, p, lr: theory.dirac_gan_step(t, p, lr, r1=1.0, alternating=alternating),
                                   (1.0, 0.0), lr, steps).norm(dim=1)
        assert plain[-1] > (1.2 if not alternating else 0.95) and damped[-1] < 1e-3


def test_power_iteration_reference_matches_matrix_norm():
    W = torch.randn(7, 5, generator=torch.Generator().manual_seed(3))
    assert theory.largest_singular_value(W) == pytest.approx(float(torch.linalg.matrix_norm(W, ord=2)), rel=1e-6)


# --------------------------------------------------------------------------- the loss comparison


def test_loss_comparison_script_reproduces_the_shipped_format_at_tiny_size(tmp_path):
    """The script at 3 steps and one seed writes the format the lesson reads; a run is reproducible."""
    out = tmp_path / "tiny.json"
    loss_comparison.main(["--steps", "3", "--seeds", "5", "--samples", "64", "--losses", "hinge", "wgan-gp",
                          "--out", str(out)])
    tiny = loss_comparison.load_results(out)
    shipped = loss_comparison.load_results()
    assert set(tiny) == set(shipped) and set(tiny["settings"]) == set(shipped["settings"])
    assert set(tiny["runs"][0]) == set(shipped["runs"][0])
    again = loss_comparison.run_one("hinge", 5, {**tiny["settings"]})
    assert again["frechet_distance"] == pytest.approx(tiny["runs"][0]["frechet_distance"], rel=1e-6)
    table = loss_comparison.summarise(tiny)
    assert list(table) == ["hinge", "wgan-gp"] and table["hinge"]["n"] == 1


def test_shipped_comparison_covers_five_losses_and_three_seeds():
    results = loss_comparison.load_results()
    assert results["settings"]["steps"] == loss_comparison.SETTINGS["steps"]
    assert len(results["settings"]["seeds"]) >= 3
    assert {run["loss"] for run in results["runs"]} == set(loss_comparison.LOSS_NAMES)
    assert len(results["runs"]) == len(loss_comparison.LOSS_NAMES) * len(results["settings"]["seeds"])
    json.dumps(results)


def test_gradient_penalty_written_for_images_only_is_told_about_points():
    def images_only(critic, real, fake, weight=10.0):
        alpha = torch.rand(len(real), 1, 1, 1)
        x_hat = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
        (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
        return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()

    outcome = evaluate(ex7.q9, images_only)
    assert outcome.status == INCORRECT and "on a batch of points of shape (4, 6)" in outcome.message, outcome.message


def test_the_lessons_reading_of_the_shipped_table_holds():
    """Lesson 07's sentences after the table: minimax and non-saturating overlap; WGAN-GP has the highest mean
    and the widest spread."""
    results = loss_comparison.load_results()
    table = loss_comparison.summarise(results)
    minimax, nonsaturating = table["minimax"], table["nonsaturating"]
    assert minimax["fd_min"] <= nonsaturating["fd_max"] and nonsaturating["fd_min"] <= minimax["fd_max"]
    assert max(table, key=lambda loss: table[loss]["fd_mean"]) == "wgan-gp"
    widths = {loss: row["fd_max"] - row["fd_min"] for loss, row in table.items()}
    assert max(widths, key=widths.get) == "wgan-gp"
    standard_deviations = {loss: torch.tensor([run["frechet_distance"] for run in results["runs"]
                                               if run["loss"] == loss], dtype=torch.float64).std().item()
                           for loss in table}
    assert max(standard_deviations, key=standard_deviations.get) == "wgan-gp"
