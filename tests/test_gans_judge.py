"""Tests for learntools.gans.evaluation.judge: the independent digit judge of lesson 10, and its script."""

import pytest
import torch

from learntools.gans.data import load_mnist
from learntools.gans.evaluation import judge, metrics, train_judge


def test_weights_file_is_small_plain_and_fits():
    assert judge.JUDGE_WEIGHTS_PATH.is_file()
    assert judge.JUDGE_WEIGHTS_PATH.stat().st_size < metrics.WEIGHTS_PATH.stat().st_size  # smaller than the classifier's
    state_dict = torch.load(judge.JUDGE_WEIGHTS_PATH, map_location="cpu", weights_only=True)
    assert all(isinstance(value, torch.Tensor) for value in state_dict.values())
    judge.DigitJudge().load_state_dict(state_dict)


def test_judge_reads_held_out_digits():
    images, labels = load_mnist(split="test", source="subset")
    assert judge.judge_accuracy(images, labels) >= 0.96
    probabilities = judge.judge_probabilities(images[:10])
    assert probabilities.shape == (10, 10)
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(10), atol=1e-5)


def test_judge_is_independent_of_the_feature_loss_classifier():
    """Another architecture, another seed, another half of the training digits (and never the test split)."""
    judge_names = set(judge.load_judge().state_dict())
    classifier_names = set(metrics.load_classifier().state_dict())
    assert not judge_names & classifier_names
    assert train_judge.SEED != 0
    images, _ = train_judge.judge_training_digits()
    all_train, _ = load_mnist(split="train", source="subset")
    assert len(images) == len(all_train) // 2 and torch.equal(images, all_train[1::2])


def test_loading_leaves_the_random_state_alone():
    judge._load_judge_cached.cache_clear()
    state = torch.random.get_rng_state()
    judge.load_judge()
    assert torch.equal(state, torch.random.get_rng_state())


def test_script_reproduces_its_weights_at_small_size(tmp_path):
    """Two runs of the script at small size (1 epoch, 200 digits) write identical weights that the loader accepts."""
    paths = [tmp_path / "first.pt", tmp_path / "second.pt"]
    for path in paths:
        train_judge.main(["--out", str(path), "--epochs", "1", "--limit", "200"])
    first, second = (torch.load(path, map_location="cpu", weights_only=True) for path in paths)
    assert first.keys() == second.keys()
    assert all(torch.equal(first[name], second[name]) for name in first)
    model = judge.load_judge(device="cpu", weights_path=paths[0])
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


def test_missing_or_corrupt_weights_say_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_judge"):
        judge.load_judge(weights_path=tmp_path / "nothing.pt")
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a torch file" * 10)
    with pytest.raises(metrics.ClassifierWeightsError, match="train_judge"):
        judge.load_judge(weights_path=corrupt)
