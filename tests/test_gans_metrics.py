"""Tests for learntools.gans.evaluation.metrics: the digit classifier and the quality figures built on it."""

import random
import time

import numpy as np
import pytest
import torch

from learntools.gans.evaluation import metrics
from learntools.gans.data import load_mnist


# ----------------------------------------------------------------------------------------------------
# Image sets, computed once
# ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def test_digits():
    images, labels = load_mnist(split="test", source="subset")
    return images, labels


@pytest.fixture(scope="module")
def noise():
    generator = torch.Generator().manual_seed(123)
    return torch.rand(1000, 1, 28, 28, generator=generator) * 2 - 1  # uniform in [-1, 1]


@pytest.fixture(scope="module")
def single_class():
    """A perfectly mode-collapsed "generator": 1000 images, all real sevens."""
    images, labels = load_mnist(split="train", source="subset")
    sevens = images[labels == 7]
    return sevens[torch.arange(1000) % len(sevens)]


@pytest.fixture(scope="module")
def reports(test_digits, noise, single_class):
    return {
        "real": metrics.evaluate_images(test_digits[0]),
        "noise": metrics.evaluate_images(noise),
        "single": metrics.evaluate_images(single_class),
    }


# ----------------------------------------------------------------------------------------------------
# The classifier and its weights
# ----------------------------------------------------------------------------------------------------


def test_weights_file_is_small_and_plain():
    assert metrics.WEIGHTS_PATH.is_file()
    assert metrics.WEIGHTS_PATH.stat().st_size < 1_000_000
    state_dict = torch.load(metrics.WEIGHTS_PATH, map_location="cpu", weights_only=True)
    assert all(isinstance(value, torch.Tensor) for value in state_dict.values())


def test_classifier_is_accurate_on_held_out_digits(test_digits):
    images, labels = test_digits
    probabilities = metrics.classifier_probabilities(images)
    accuracy = (probabilities.argmax(dim=1) == labels).float().mean().item()
    assert accuracy >= 0.97
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(len(images)), atol=1e-5)


def test_load_classifier_is_cached_and_frozen():
    model = metrics.load_classifier()
    assert metrics.load_classifier() is model
    assert not model.training
    assert not any(parameter.requires_grad for parameter in model.parameters())


def test_classifier_shapes():
    model = metrics.DigitClassifier()
    images = torch.zeros(3, 1, 28, 28)
    assert model(images).shape == (3, 10)
    assert model.features(images).shape == (3, 128)
    assert metrics.classifier_features(images).shape == (3, 128)


def test_missing_weights_file_says_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_classifier"):
        metrics.load_classifier(weights_path=tmp_path / "nothing.pt")


def test_corrupt_weights_file_gives_a_clear_error(tmp_path):
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"this is not a torch file" * 10)
    with pytest.raises(metrics.ClassifierWeightsError, match="corrupt"):
        metrics.load_classifier(weights_path=corrupt)

    # A truncated copy of the real file.
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(metrics.WEIGHTS_PATH.read_bytes()[:5000])
    with pytest.raises(metrics.ClassifierWeightsError, match="train_classifier"):
        metrics.load_classifier(weights_path=truncated)


def test_weights_of_another_model_give_a_clear_error(tmp_path):
    other = tmp_path / "other.pt"
    torch.save({"weight": torch.zeros(3)}, other)
    with pytest.raises(metrics.ClassifierWeightsError, match="do not fit"):
        metrics.load_classifier(weights_path=other)


# ----------------------------------------------------------------------------------------------------
# The figures separate real digits from noise and from mode collapse
# ----------------------------------------------------------------------------------------------------


def test_real_held_out_digits_score_high(reports):
    real = reports["real"]["generated"]
    assert real["classifier_score"] > 9.0
    assert real["classes_covered"] == 10
    assert real["confident_fraction"] > 0.9
    assert real["frechet_distance"] < 10.0
    assert all(0.08 < fraction <= 0.1 for fraction in real["class_fractions"])


def test_noise_scores_low(reports):
    real, noise = reports["real"]["generated"], reports["noise"]["generated"]
    assert noise["classifier_score"] < 1.5
    assert noise["classes_covered"] <= 1
    assert noise["confident_fraction"] < 0.2
    assert noise["frechet_distance"] > 50 * real["frechet_distance"]


def test_single_class_shows_mode_collapse(reports):
    real, single = reports["real"]["generated"], reports["single"]["generated"]
    assert single["classes_covered"] == 1
    assert single["class_fractions"][7] > 0.9
    assert single["classifier_score"] < 1.5
    assert single["frechet_distance"] > 50 * real["frechet_distance"]


def test_report_puts_real_figures_beside_generated(reports):
    report = reports["noise"]
    assert report["real"] == reports["real"]["real"]  # the held-out figures do not depend on the input
    assert report["real"]["images"] == 1000
    assert report["real"]["classifier_score"] > 9.0
    text = metrics.format_report(report)
    assert "generated" in text and "real" in text and "Frechet distance" in text
    assert f"{report['generated']['classifier_score']:.2f}" in text


def test_own_real_reference(test_digits, noise):
    report = metrics.evaluate_images(noise[:200], reference=test_digits[0][:300])
    assert report["real"]["images"] == 300
    assert report["generated"]["images"] == 200


def test_a_single_image_gets_a_report_without_a_distance(test_digits):
    report = metrics.evaluate_images(test_digits[0][:1])
    assert report["generated"]["images"] == 1
    assert report["generated"]["frechet_distance"] is None
    assert "n/a" in metrics.format_report(report)


def test_single_functions_agree_with_the_report(reports, single_class):
    single = reports["single"]["generated"]
    assert metrics.classifier_score(single_class) == pytest.approx(single["classifier_score"])
    assert metrics.frechet_distance(single_class, "train") == pytest.approx(single["frechet_distance"])
    coverage = metrics.class_coverage(single_class)
    assert coverage["classes_covered"] == single["classes_covered"]
    assert coverage["class_fractions"] == pytest.approx(single["class_fractions"])


def test_frechet_distance_is_symmetric_and_accepts_split_names(reports, single_class):
    forward = metrics.frechet_distance(single_class, "train")
    assert metrics.frechet_distance("train", single_class) == pytest.approx(forward, rel=1e-6)
    assert metrics.frechet_distance("test", "train") == pytest.approx(reports["real"]["real"]["frechet_distance"])


def test_frechet_distance_of_a_set_to_itself_is_zero(test_digits):
    images = test_digits[0][:300]
    assert metrics.frechet_distance(images, images) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_scipy_sqrtm():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 20)) @ rng.normal(size=(20, 20))
    b = rng.normal(size=(50, 20)) * 2 + 1  # fewer samples, different statistics
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = (
        ((a.mean(0) - b.mean(0)) ** 2).sum()
        + np.trace(cov_a)
        + np.trace(cov_b)
        - 2 * np.trace(scipy_linalg.sqrtm(cov_a @ cov_b).real)
    )
    assert metrics._frechet_from_features(a, b) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_handles_fewer_images_than_features(test_digits):
    images = test_digits[0]
    distance = metrics.frechet_distance(images[:5], images[5:10])  # 5 images, 128 features
    assert np.isfinite(distance) and distance >= 0


def test_numpy_input_gives_the_same_figures(test_digits):
    images = test_digits[0][:200]
    assert metrics.classifier_score(images.numpy()) == pytest.approx(metrics.classifier_score(images))
    assert metrics.classifier_score(images.numpy().astype(np.float64)) == pytest.approx(
        metrics.classifier_score(images)
    )


def test_metrics_leave_random_state_and_input_alone(test_digits):
    images = test_digits[0][:100].clone()
    original = images.clone()
    torch_state, numpy_state, python_state = torch.get_rng_state(), np.random.get_state(), random.getstate()

    first = metrics.evaluate_images(images)
    second = metrics.evaluate_images(images)

    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.array_equal(np.random.get_state()[1], numpy_state[1])
    assert random.getstate() == python_state
    assert first == second
    assert torch.equal(images, original)


def test_the_first_load_of_the_classifier_leaves_the_random_state_alone():
    metrics._load_classifier_cached.cache_clear()  # the next call builds the model afresh
    torch_state = torch.get_rng_state()
    metrics.load_classifier(device="cpu")
    assert torch.equal(torch.get_rng_state(), torch_state), "building the classifier drew from torch's RNG"


def test_two_thousand_images_are_fast(noise):
    images = torch.cat([noise, noise])  # (2000, 1, 28, 28)
    metrics.evaluate_images(images[:10])  # warm the caches
    start = time.perf_counter()
    metrics.evaluate_images(images)
    assert time.perf_counter() - start < 10.0  # about 0.3 s on two idle CPU cores; loose for busy machines


# ----------------------------------------------------------------------------------------------------
# Bad inputs give one clear sentence
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "images, error, message",
    [
        (torch.zeros(4, 28, 28), ValueError, "unsqueeze"),
        (torch.zeros(4, 784), ValueError, "reshape"),
        (torch.zeros(4, 28, 28, 1), ValueError, "permute"),
        (torch.zeros(4, 3, 32, 32), ValueError, r"\(N, 1, 28, 28\)"),
        (torch.zeros(0, 1, 28, 28), ValueError, "empty"),
        (torch.full((4, 1, 28, 28), 255.0), ValueError, "127.5"),
        (np.full((4, 1, 28, 28), 200, dtype=np.uint8), ValueError, r"\[0, 255\]"),
        (torch.full((4, 1, 28, 28), 1.5), ValueError, "tanh"),
        (torch.full((4, 1, 28, 28), float("nan")), ValueError, "NaN"),
        ([[0.0] * 28] * 28, TypeError, "tensor or a numpy array"),
        (torch.zeros(4, 1, 28, 28, dtype=torch.bool), TypeError, "dtype"),
    ],
)
def test_bad_images_give_clear_errors(images, error, message):
    with pytest.raises(error, match=message):
        metrics.classifier_score(images)


def test_images_in_zero_one_are_caught(test_digits):
    zero_one = (test_digits[0][:50] + 1) / 2
    with pytest.raises(ValueError, match=r"\* 2 - 1"):
        metrics.evaluate_images(zero_one)


def test_bad_options_give_clear_errors(test_digits):
    images = test_digits[0][:20]
    with pytest.raises(ValueError, match="at least 2 images"):
        metrics.frechet_distance(images[:1], images)
    with pytest.raises(ValueError, match="between 0 and 1"):
        metrics.class_coverage(images, confidence=90)
    with pytest.raises(ValueError, match="reference"):
        metrics.evaluate_images(images, reference="validation")
    with pytest.raises(ValueError, match="'train' or 'test'"):
        metrics.frechet_distance(images, "validation")
    with pytest.raises(ValueError, match="evaluate_images"):
        metrics.format_report({"score": 3})
