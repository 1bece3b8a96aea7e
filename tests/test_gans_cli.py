"""`python -m learntools.gans`: train / sample / evaluate end to end, and one-line errors.

Most calls run `cli.main([...])` in this process (fast); one runs the real module command in a
subprocess to prove the entry point and the no-traceback promise.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from gans_support import one_thread  # noqa: F401  (an autouse fixture: one torch thread per module)

from learntools.gans.cli import main
from learntools.gans.recipes import RECIPES, build_recipe, get_recipe

REPO = Path(__file__).resolve().parents[1]



def run_cli(capsys, *argv):
    """(exit status, stdout, stderr) of one in-process command."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exit_:  # argparse exits on malformed arguments
        status = exit_.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One short dcgan-fast run shared by the tests below."""
    run = tmp_path_factory.mktemp("runs") / "fast"
    status = main(["train", "dcgan-fast", "--steps", "15", "--out", str(run), "--eval-samples", "200", "--no-progress"])
    assert status == 0
    return run


def test_train_writes_checkpoint_samples_and_metrics(trained_run):
    assert {p.name for p in trained_run.iterdir()} >= {"checkpoint.pt", "samples.png", "losses.png", "metrics.json"}
    metrics = json.loads((trained_run / "metrics.json").read_text())
    assert metrics["recipe"] == "dcgan-fast" and metrics["steps"] == 15
    generated = metrics["evaluation"]["generated"]
    assert generated["images"] == 200 and np.isfinite(generated["frechet_distance"])
    assert metrics["evaluation"]["real"]["classes_covered"] == 10


def test_train_with_a_time_budget_then_resume(tmp_path, capsys):
    run = tmp_path / "timed"
    status, out, _ = run_cli(capsys, "train", "dcgan-fast", "--seconds", "1.5", "--out", run, "--eval-samples", "0",
                             "--no-progress")
    assert status == 0 and "Trained 'dcgan-fast'" in out
    steps = json.loads((run / "metrics.json").read_text())["steps"]
    assert steps >= 1 and "evaluation" not in json.loads((run / "metrics.json").read_text())

    status, _, err = run_cli(capsys, "train", "dcgan-fast", "--steps", "2", "--out", run)
    assert status == 1 and "--resume" in err  # refuses to overwrite silently
    status, out, _ = run_cli(capsys, "train", "dcgan-fast", "--steps", "2", "--out", run, "--resume",
                             "--eval-samples", "0", "--no-progress", "--threads", "1")
    assert status == 0 and json.loads((run / "metrics.json").read_text())["steps"] == steps + 2


def test_sample_writes_float32_images_in_range(trained_run, tmp_path, capsys):
    out = tmp_path / "samples.npy"
    status, text, _ = run_cli(capsys, "sample", trained_run, "--n", "37", "--out", out)
    assert status == 0 and "37 samples" in text
    images = np.load(out)
    assert images.shape == (37, 1, 28, 28) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    run_cli(capsys, "sample", trained_run / "checkpoint.pt", "--n", "37", "--out", tmp_path / "again.npy")
    assert np.array_equal(images, np.load(tmp_path / "again.npy"))  # same seed, same samples


def test_evaluate_samples_and_runs(trained_run, tmp_path, capsys):
    out = tmp_path / "samples.npy"
    run_cli(capsys, "sample", trained_run, "--n", "100", "--out", out)
    status, text, _ = run_cli(capsys, "evaluate", out)
    assert status == 0 and "Frechet distance" in text and "classes covered" in text
    status, text, _ = run_cli(capsys, "evaluate", trained_run, "--n", "100", "--json")
    assert status == 0 and json.loads(text)["generated"]["images"] == 100


def test_recipes_are_listed_and_unknown_names_explained(capsys):
    status, text, _ = run_cli(capsys, "recipes")
    assert status == 0 and all(name in text for name in RECIPES)
    assert set(RECIPES) >= {"toy", "dcgan", "dcgan-fast", "dcgan-baseline"}
    with pytest.raises(ValueError, match="dcgan-baseline"):
        get_recipe("dcgan2")
    baseline = build_recipe("dcgan-baseline", device="cpu")
    assert baseline.real_batches.data.batch_size == 64
    assert baseline.optimizer_g.param_groups[0]["lr"] == 2e-4 and baseline.optimizer_d.param_groups[0]["betas"][0] == 0.5


def test_toy_recipe_trains_and_pictures_points(tmp_path, capsys):
    status, _, _ = run_cli(capsys, "train", "toy", "--steps", "5", "--out", tmp_path / "toy", "--no-progress")
    assert status == 0 and (tmp_path / "toy" / "samples.png").exists()
    status, _, err = run_cli(capsys, "evaluate", tmp_path / "toy")
    assert status == 1 and "2-D points" in err


def corrupt_checkpoint(folder):
    folder.mkdir()
    (folder / "checkpoint.pt").write_bytes(b"PK\x03\x04 definitely not a whole zip file")
    return folder


def test_mistakes_give_one_clear_line_and_a_nonzero_status(trained_run, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    bad_shape = tmp_path / "bad.npy"
    np.save(bad_shape, np.zeros((3, 28, 28), np.float32))
    bad_range = tmp_path / "range.npy"
    np.save(bad_range, np.full((3, 1, 28, 28), 255.0, np.float32))
    corrupt = corrupt_checkpoint(tmp_path / "corrupt")
    cases = [
        (("train", "dcgan2"), "Unknown recipe 'dcgan2'"),
        (("train", "dcgan-fast", "--seconds", "-3"), "--seconds must be a positive"),
        (("train", "dcgan-fast", "--threads", "0"), "--threads must be at least 1"),
        (("train", "dcgan-fast", "--out", blocker), "is a file"),
        (("train", "dcgan-fast", "--out", blocker / "run"), "Cannot write"),
        (("train", "dcgan-fast", "--out", tmp_path / "new", "--resume"), "Nothing to resume"),
        (("train", "dcgan", "--out", trained_run, "--resume", "--steps", "1"), "is a 'dcgan-fast' run"),
        (("sample", tmp_path / "missing-run"), "No run at"),
        (("sample", corrupt), "truncated or corrupt"),
        (("sample", trained_run, "--n", "-5"), "--n must be at least 1"),
        (("sample", trained_run, "--out", blocker / "s.npy"), "Cannot write"),
        (("sample", trained_run, "--out", tmp_path / "s.txt"), "must end in .npy"),
        (("evaluate", tmp_path / "missing.npy"), "No file"),
        (("evaluate", bad_shape), "expected images (N, 1, 28, 28)"),
        (("evaluate", bad_range), "must lie in [-1, 1]"),
        (("evaluate", blocker), "not a readable checkpoint"),
    ]
    for argv, message in cases:
        status, out, err = run_cli(capsys, *argv)
        assert status == 1, argv
        assert err.startswith("error: ") and message in err and err.count("\n") == 1, (argv, err)


def test_malformed_arguments_exit_2_with_one_line(capsys):
    for argv in (("train", "dcgan", "--steps", "many"), ("sample",), ("fly",)):
        status, _, err = run_cli(capsys, *argv)
        assert status == 2 and "error:" in err and err.count("\n") == 1, err


def test_the_module_command_never_shows_a_traceback(tmp_path):
    environment = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    corrupt = corrupt_checkpoint(tmp_path / "corrupt")
    bad = subprocess.run([sys.executable, "-m", "learntools.gans", "sample", str(corrupt)], cwd=tmp_path,
                         env=environment, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and "truncated or corrupt" in bad.stderr
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
