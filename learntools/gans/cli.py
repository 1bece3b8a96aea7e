"""Command line for the GAN engine: train a recipe, sample a run, evaluate samples.

    python -m learntools.gans train dcgan --seconds 60 --out runs/dcgan
    python -m learntools.gans train dcgan --seconds 60 --out runs/dcgan --resume
    python -m learntools.gans sample runs/dcgan --n 2000 --out samples.npy
    python -m learntools.gans evaluate samples.npy          (or a run directory)
    python -m learntools.gans recipes

A run directory holds checkpoint.pt, samples.png (the fixed-noise samples), losses.png and
metrics.json. Under torchrun every process trains and only rank 0 writes. Mistakes in arguments
or paths give one sentence on stderr and exit status 1 (2 for malformed arguments).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

CHECKPOINT_NAME = "checkpoint.pt"


class CommandError(Exception):
    """A mistake the user can fix; printed as one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a malformed command prints one line (plus where to find help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m learntools.gans", description="Train, sample and evaluate GANs.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a named recipe and write a run directory")
    train.add_argument("recipe", help="recipe name (see the 'recipes' command)")
    train.add_argument("--seconds", type=float, default=None, help="training time budget (default 60 if no --steps)")
    train.add_argument("--steps", type=int, default=None, help="training step budget")
    train.add_argument("--out", type=Path, default=None, help="run directory (default runs/RECIPE)")
    train.add_argument("--resume", action="store_true", help="continue the run in --out")
    train.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--data", choices=("subset", "full", "auto"), default="subset",
                       help="MNIST source for the image recipes (default: the bundled 5,000-digit subset)")
    train.add_argument("--device", default=None, help="cpu, cuda or mps (default: the best available)")
    train.add_argument("--eval-samples", type=int, default=1000, help="samples scored for metrics.json (0: skip)")
    train.add_argument("--threads", type=int, default=None,
                       help="CPU threads for PyTorch (default: its own choice); on a machine busy with other "
                            "jobs, --threads 1 can be many times faster")
    train.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    sample = commands.add_parser("sample", help="write generated samples of a run to a .npy file")
    sample.add_argument("run", type=Path, help="run directory or checkpoint file")
    sample.add_argument("--n", type=int, default=2000, help="number of samples (default 2000)")
    sample.add_argument("--out", type=Path, default=Path("samples.npy"), help="output .npy file")
    sample.add_argument("--seed", type=int, default=0)

    evaluate = commands.add_parser("evaluate", help="print quality figures of samples or of a run")
    evaluate.add_argument("path", type=Path, help="a .npy file of images (N, 1, 28, 28) in [-1, 1], or a run")
    evaluate.add_argument("--n", type=int, default=1000, help="samples to draw when given a run (default 1000)")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")

    commands.add_parser("recipes", help="list the recipes")
    return parser


def main(argv=None) -> int:
    arguments = build_parser().parse_args(argv)
    run_command = {"train": train, "sample": sample, "evaluate": evaluate, "recipes": list_recipes}
    try:
        run_command[arguments.command](arguments)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # every failure becomes one line: what went wrong, what to do
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 1
    finally:
        _leave_process_group()
    return 0


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


def list_recipes(arguments):
    from learntools.gans.recipes import RECIPES

    for name, recipe in RECIPES.items():
        print(f"{name:<16} {(recipe.__doc__ or '').strip().splitlines()[0]}")


def train(arguments):
    from learntools.gans.recipes import build_recipe, get_recipe
    from learntools.gans.training.trainer import load_checkpoint

    get_recipe(arguments.recipe)  # an unknown name fails here, before any work
    seconds, steps = arguments.seconds, arguments.steps
    if seconds is None and steps is None:
        seconds = 60.0
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise CommandError(f"--seconds must be a positive number, got {seconds:g}.")
    if steps is not None and steps < 1:
        raise CommandError(f"--steps must be at least 1, got {steps}.")
    if arguments.eval_samples < 0:
        raise CommandError(f"--eval-samples must be 0 or more, got {arguments.eval_samples}.")
    if arguments.threads is not None:
        if arguments.threads < 1:
            raise CommandError(f"--threads must be at least 1, got {arguments.threads}.")
        torch.set_num_threads(arguments.threads)  # this command's own process only

    out = arguments.out if arguments.out is not None else Path("runs") / arguments.recipe
    checkpoint = out / CHECKPOINT_NAME
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out} is a file; give a directory for the run.")
    if arguments.resume and not checkpoint.exists():
        raise CommandError(f"Nothing to resume: {checkpoint} does not exist (drop --resume to start a new run).")
    if checkpoint.exists() and not (arguments.resume or arguments.overwrite):
        raise CommandError(f"{out} already holds a run: add --resume to continue it or --overwrite to replace it.")
    _check_writable(out)

    options = {"seed": arguments.seed}
    if arguments.recipe != "toy":
        options["source"] = arguments.data
    if arguments.resume:  # rebuild exactly what was saved: same recipe, same options
        saved = load_checkpoint(checkpoint)["config"]
        if saved.get("recipe") != arguments.recipe:
            raise CommandError(f"{out} is a {saved.get('recipe')!r} run, not {arguments.recipe!r}.")
        options = dict(saved.get("options", options))

    trainer = build_recipe(arguments.recipe, device=arguments.device, **options)
    if arguments.resume:
        trainer.load_checkpoint(checkpoint)
    start_step = trainer.steps_done
    trainer.fit(steps=steps, seconds=seconds, progress=not arguments.no_progress, checkpoint_path=checkpoint)
    if trainer.rank != 0:
        return

    written = [CHECKPOINT_NAME, *_write_pictures(trainer, out)]
    metrics = _run_metrics(trainer, start_step, arguments.eval_samples)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    written.append("metrics.json")

    done = trainer.steps_done - start_step
    print(f"Trained {arguments.recipe!r} for {done} steps ({trainer.steps_done} in all) -> {out}: {', '.join(written)}")
    if "evaluation" in metrics:
        from learntools.gans.evaluation.metrics import format_report

        print(format_report(metrics["evaluation"]))
    for key in ("class_accuracy", "translation", "cycle"):  # figures of the cgan, pix2pix and cyclegan recipes
        if key in metrics:
            print(f"{key}: {json.dumps(metrics[key])}")


def sample(arguments):
    if arguments.n < 1:
        raise CommandError(f"--n must be at least 1, got {arguments.n}.")
    out = arguments.out
    if out.suffix != ".npy":
        raise CommandError(f"--out must end in .npy, got {out}.")
    _check_writable(out.parent if str(out.parent) else Path("."), make=False)

    trainer = _trainer_from_run(arguments.run)
    images = trainer.sample(arguments.n, seed=arguments.seed).numpy().astype(np.float32)
    images = np.clip(images, -1.0, 1.0)  # tanh can round to just beyond +-1 in float32
    try:
        np.save(out, images)
    except OSError as error:
        raise CommandError(f"Could not write {out}: {error.strerror or error}.") from None
    print(f"Wrote {out}: {images.shape[0]} samples of shape {tuple(images.shape[1:])}, float32 in [-1, 1].")


def evaluate(arguments):
    from learntools.gans.evaluation.metrics import evaluate_images, format_report

    path = arguments.path
    if path.suffix == ".npy":
        images = _load_images(path)
    else:
        if arguments.n < 1:
            raise CommandError(f"--n must be at least 1, got {arguments.n}.")
        trainer = _trainer_from_run(path)
        images = trainer.sample(arguments.n, seed=arguments.seed)
        if images.dim() != 4:
            raise CommandError(f"{path} is a {trainer.config.get('recipe')!r} run of 2-D points; evaluate scores digit images.")
    report = evaluate_images(images)
    print(json.dumps(report, indent=2) if arguments.json else format_report(report))


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _trainer_from_run(path: Path):
    """Rebuild the run's recipe (with its saved options) and load the checkpoint into it."""
    from learntools.gans.recipes import build_recipe, get_recipe
    from learntools.gans.training.trainer import load_checkpoint

    if not path.exists():
        raise CommandError(f"No run at {path}: give a run directory made by 'train' or a checkpoint file.")
    config = load_checkpoint(path)["config"]
    name = config.get("recipe")
    if name is None:
        raise CommandError(f"{path} holds a checkpoint made outside the recipes; load it in Python with GANTrainer.")
    get_recipe(name)
    trainer = build_recipe(name, device=None, **config.get("options", {}))
    return trainer.load_checkpoint(path)


def _load_images(path: Path) -> torch.Tensor:
    if not path.exists():
        raise CommandError(f"No file {path}: make one with 'python -m learntools.gans sample RUN --out {path}'.")
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise CommandError(f"{path} is not a readable .npy array: {_one_line(error)}") from None
    if array.ndim != 4 or tuple(array.shape[1:]) != (1, 28, 28) or len(array) == 0:
        raise CommandError(f"{path} holds an array of shape {array.shape}; expected images (N, 1, 28, 28).")
    if not np.issubdtype(array.dtype, np.floating) or not np.isfinite(array).all():
        raise CommandError(f"{path} must hold finite floating point values, got {array.dtype}.")
    if array.min() < -1.001 or array.max() > 1.001:
        raise CommandError(f"{path} has values in [{array.min():.3g}, {array.max():.3g}]; images must lie in [-1, 1].")
    return torch.from_numpy(array.astype(np.float32))


def _write_pictures(trainer, out: Path) -> list:
    """samples.png (fixed-noise samples) and losses.png; returns the names written."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from learntools.gans.display import plots

    fakes = trainer.sample(64)
    if fakes.dim() == 4:
        plots.save_image_grid(fakes, out / "samples.png", nrow=8)
    else:
        figure = Figure(figsize=(4, 4))
        FigureCanvasAgg(figure)
        plots.plot_points(real=trainer.last_real.cpu(), fake=trainer.sample(1000, seed=0), ax=figure.subplots(),
                          title=f"step {trainer.steps_done}")
        figure.savefig(out / "samples.png", dpi=100)

    figure = Figure(figsize=(6, 3.5))
    FigureCanvasAgg(figure)
    plots.plot_losses(trainer.history, smooth=max(1, len(trainer.history) // 50), ax=figure.subplots())
    figure.savefig(out / "losses.png", dpi=100)
    return ["samples.png", "losses.png"]


def _run_metrics(trainer, start_step: int, eval_samples: int) -> dict:
    run_history = trainer.history[start_step:]
    seconds = sum(b["time"] - a["time"] for a, b in zip(run_history, run_history[1:]))
    metrics = {
        "recipe": trainer.config.get("recipe"),
        "options": trainer.config.get("options"),
        "steps": trainer.steps_done,
        "steps_this_run": len(run_history),
        "train_seconds": round(trainer.train_seconds, 3),
        "steps_per_second": round((len(run_history) - 1) / seconds, 3) if seconds > 0 else None,
        "interrupted": trainer.interrupted,
        "final": {key: trainer.history[-1][key] for key in ("d_loss", "g_loss")} if trainer.history else None,
    }
    images = trainer.sample(max(eval_samples, 1), seed=12345)
    if eval_samples and tuple(images.shape[1:]) == (1, 28, 28):  # the digit classifier's images
        from learntools.gans.evaluation.metrics import evaluate_images

        metrics["evaluation"] = evaluate_images(images)
    if eval_samples and callable(getattr(trainer, "extra_metrics", None)):
        metrics.update(trainer.extra_metrics())  # a recipe's own figures (cgan, pix2pix-*)
    return metrics


def _check_writable(folder: Path, make: bool = True):
    """Fail early, with one sentence, when results could not be written to `folder`."""
    try:
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise CommandError(f"Cannot write to {folder}: it is not a directory.")
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise CommandError(f"Cannot write to {folder}: {error.strerror or error}.") from None


def _one_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, OSError) and error.strerror and error.filename:
        text = f"{error.filename}: {error.strerror}"
    return " ".join(text.split())[:500]


def _leave_process_group():
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        import gc

        gc.collect()  # free the DistributedDataParallel wrappers before their process group
        dist.destroy_process_group()
