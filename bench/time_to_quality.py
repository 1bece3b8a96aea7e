"""Time to quality: the tuned `dcgan` recipe against `dcgan-baseline`, side by side on this CPU.

    .venv/bin/python bench/time_to_quality.py                  # 60 s each, marks at 15/30/60 s
    .venv/bin/python bench/time_to_quality.py --name run2      # a second measurement

Both trainers live in one process and take turns in short slices (2 s of training each), so a
noisy neighbour on a shared machine slows both alike. One intra-op thread by default: when other
processes keep the two cores busy, two threads wait on each other and run about 10x slower
(measured: --threads 2 gave 1.6 steps/s where --threads 1 gave 19). At each mark (training seconds, not
counting evaluation) we draw 1,000 samples and measure them with learntools.gans.evaluation.metrics: the
Frechet distance in the digit classifier's feature space, the classifier score, and how many
of the ten digits are produced with confidence (coverage). The fixed-noise sample grid of each
mark is saved as a PNG. Peak memory of each recipe is measured in a fresh subprocess.

Writes bench/results/time_to_quality[_NAME].json and the PNGs; prints a summary table.
Not a test: it takes about three minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from learntools.gans.display import plots  # noqa: E402
from learntools.gans.evaluation import evaluate_images  # noqa: E402
from learntools.gans.recipes import build_recipe  # noqa: E402

RESULTS = REPO / "bench" / "results"


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", nargs="+", default=["dcgan", "dcgan-baseline"])
    parser.add_argument("--seconds", type=float, default=60.0, help="training seconds per recipe")
    parser.add_argument("--marks", type=float, nargs="+", default=[15.0, 30.0, 60.0], help="when to evaluate")
    parser.add_argument("--slice", type=float, default=2.0, help="seconds per turn")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch.set_num_threads (default 1: on a shared 2-core machine, 2 threads ran 10x slower)")
    parser.add_argument("--samples", type=int, default=1000, help="samples per evaluation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default="", help="suffix for the result files, e.g. run2")
    parser.add_argument("--memory-probe", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def current_rss_mb() -> float:
    """Resident memory of this process right now (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def memory_probe(name: str, threads: int, steps: int = 30) -> dict:
    """Run in a fresh process: how much memory training adds once the recipe is built.

    ru_maxrss is the whole process's peak (imports and MNIST loading included); the training
    working set is the largest RSS seen after a step minus the RSS before the first step.
    tracemalloc sees only Python objects (tensors live outside its view), shown for completeness.
    """
    torch.set_num_threads(threads)
    trainer = build_recipe(name, device="cpu")
    before = current_rss_mb()
    largest = before
    tracemalloc.start()
    for _ in range(steps):
        trainer.step()
        largest = max(largest, current_rss_mb())
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"process_peak_rss_mb": round(peak_rss_mb(), 1), "rss_before_training_mb": round(before, 1),
            "training_adds_mb": round(largest - before, 1),
            "python_heap_peak_mb": round(python_peak / 2**20, 2), "probe_steps": steps}


def measure_memory(name: str, threads: int) -> dict:
    command = [sys.executable, __file__, "--memory-probe", name, "--threads", str(threads)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def evaluate(trainer, samples: int, seed: int) -> dict:
    report = evaluate_images(trainer.sample(samples, seed=seed))
    generated = report["generated"]
    return {
        "train_seconds": round(trainer.train_seconds, 2),
        "steps": trainer.steps_done,
        "frechet_distance": round(generated["frechet_distance"], 2),
        "classifier_score": round(generated["classifier_score"], 3),
        "classes_covered": generated["classes_covered"],
        "confident_fraction": round(generated["confident_fraction"], 3),
        "class_fractions": [round(f, 3) for f in generated["class_fractions"]],
    }, report["real"]


def save_comparison(grids: dict, marks: list, path: Path):
    """One PNG: a row per recipe, a column per mark, each cell its fixed-noise samples."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3.2 * len(marks), 3.4 * len(grids)))
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(grids), len(marks), squeeze=False)
    for row, (name, by_mark) in enumerate(grids.items()):
        for column, mark in enumerate(marks):
            ax = axes[row][column]
            ax.imshow(plots.image_grid(by_mark[mark], nrow=8), cmap="gray", vmin=0, vmax=1)
            ax.set_axis_off()
            ax.set_title(f"{name}, {mark:g} s")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main(argv=None):
    arguments = parse_arguments(argv)
    if arguments.memory_probe:
        print(json.dumps(memory_probe(arguments.memory_probe, arguments.threads)))
        return
    torch.set_num_threads(arguments.threads)
    marks = sorted(m for m in arguments.marks if m <= arguments.seconds)
    suffix = f"_{arguments.name}" if arguments.name else ""
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.time()

    trainers = {name: build_recipe(name, device="cpu", seed=arguments.seed) for name in arguments.recipes}
    evaluations = {name: [] for name in trainers}
    grids = {name: {} for name in trainers}
    real = None

    # Take turns: each recipe trains one slice, until every recipe has its budget of seconds.
    pending = {name: list(marks) for name in trainers}
    while any(pending.values()):
        for name, trainer in trainers.items():
            if not pending[name]:
                continue
            next_mark = pending[name][0]
            trainer.fit(seconds=min(arguments.slice, next_mark - trainer.train_seconds), progress=False)
            if trainer.train_seconds >= next_mark:
                figures, real = evaluate(trainer, arguments.samples, arguments.seed + 1)
                figures["mark"] = next_mark
                evaluations[name].append(figures)
                grids[name][next_mark] = trainer.sample(64)
                plots.save_image_grid(grids[name][next_mark], RESULTS / f"{name}_{next_mark:g}s{suffix}.png")
                pending[name].pop(0)
                print(f"{name:>15} {next_mark:>4g} s: {figures['steps']:>5} steps  "
                      f"FD {figures['frechet_distance']:8.2f}  score {figures['classifier_score']:5.2f}  "
                      f"classes {figures['classes_covered']}/10", flush=True)
    save_comparison(grids, marks, RESULTS / f"time_to_quality{suffix}.png")

    summary = {}
    for name, trainer in trainers.items():
        summary[name] = {
            "config": trainer.config,
            "steps_per_second": round(trainer.steps_done / trainer.train_seconds, 2),
            "evaluations": evaluations[name],
            "memory": measure_memory(name, arguments.threads),
        }
    final = {name: summary[name]["evaluations"][-1]["frechet_distance"] for name in summary}
    result = {
        "what": "Frechet distance in the digit classifier's feature space (lower is better) at training-time marks",
        "machine": {"cpus": os.cpu_count(), "torch_threads": arguments.threads, "torch": torch.__version__,
                    "python": platform.python_version(), "load_average_before": [round(v, 2) for v in load_before],
                    "load_average_after": [round(v, 2) for v in os.getloadavg()]},
        "settings": {"seconds": arguments.seconds, "marks": marks, "slice": arguments.slice,
                     "samples": arguments.samples, "seed": arguments.seed},
        "real_test_split": {"frechet_distance": round(real["frechet_distance"], 2),
                            "classifier_score": round(real["classifier_score"], 3),
                            "classes_covered": real["classes_covered"]},
        "recipes": summary,
        "wall_seconds": round(time.time() - started, 1),
        "process_peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if "dcgan" in final and "dcgan-baseline" in final:
        ratio = final["dcgan"] / final["dcgan-baseline"]
        result["fd_ratio_dcgan_to_baseline_at_end"] = round(ratio, 3)
        result["target_fd_ratio_at_most"] = 0.2
        result["target_met"] = bool(ratio <= 0.2 and summary["dcgan"]["evaluations"][-1]["classes_covered"] == 10)
    path = RESULTS / f"time_to_quality{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")

    print(f"\nreal test split: FD {result['real_test_split']['frechet_distance']}")
    for name, item in summary.items():
        fds = "  ".join(f"{e['mark']:g}s: {e['frechet_distance']:.1f}" for e in item["evaluations"])
        print(f"{name:>15}: {item['steps_per_second']:6.2f} steps/s  FD {fds}  "
              f"training adds {item['memory'].get('training_adds_mb')} MB "
              f"(process peak {item['memory'].get('process_peak_rss_mb')} MB)")
    if "fd_ratio_dcgan_to_baseline_at_end" in result:
        print(f"FD ratio dcgan / baseline at {marks[-1]:g} s: {result['fd_ratio_dcgan_to_baseline_at_end']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
