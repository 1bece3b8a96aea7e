"""learntools.gans.runtime: the one place that picks the device and tells a notebook from a script."""

import pytest
import torch

from learntools.gans import runtime


def test_the_default_device_is_the_best_available():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        expected = "mps"
    assert runtime.default_device().type == expected


def test_a_named_device_wins_and_a_bad_one_is_named():
    assert runtime.training_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device must be like 'cpu', 'cuda' or 'mps', got 'gpu please'"):
        runtime.training_device("gpu please")


def test_tests_and_scripts_are_not_notebooks():
    assert runtime.in_notebook() is False


def test_trainers_metrics_and_fit_l1_ask_the_runtime():
    """No private copy of the device choice is left in the library."""
    import inspect

    from learntools.gans.evaluation import metrics
    from learntools.gans.training import pix2pix, trainer

    for module in (metrics, pix2pix, trainer):
        source = inspect.getsource(module)
        assert "torch.backends.mps" not in source and "cuda.is_available()" not in source, module.__name__
