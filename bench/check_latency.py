"""How long does `qN.check()` take? Every question of lesson 02, with a right and a typical wrong answer.

    .venv/bin/python bench/check_latency.py [--runs 20]

The right answers are the questions' own solution code, run in one namespace the way a notebook runs
them (torch, F, kernel, y_small, and the learner functions defined by earlier solutions). The wrong
answers are the mistakes learners really make. Each check runs `--runs` times after two warm-up calls;
the table gives the median and the slowest run in milliseconds, and the same numbers go to
bench/results/check_latency.json. A check that does not train anything should answer in well
under 50 ms.
"""

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from learntools.core import MultipartProblem, ThoughtProblem, binder, feedback  # noqa: E402
from learntools.gans import ex2
from learntools.gans.models import conv  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "check_latency.json")


# ------------------------------------------------------------------ typical wrong answers


def _padding_once(n, kernel, stride=1, padding=0):
    return (n + padding - kernel) // stride + 1


def _conv_formula_for_transposed(n, kernel, stride=1, padding=0, output_padding=0):
    return (n + 2 * padding - kernel) // stride + 1


def _true_convolution(image, kernel, stride=1, padding=0):
    return conv.conv2d(image, torch.flip(kernel, (0, 1)), stride, padding)


def _overwriting_transpose(image, kernel, stride=1, padding=0):
    k = kernel.shape[0]
    full = torch.zeros((image.shape[0] - 1) * stride + k, (image.shape[1] - 1) * stride + k)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            full[i * stride : i * stride + k, j * stride : j * stride + k] = image[i, j] * kernel
    return full[padding : full.shape[0] - padding, padding : full.shape[1] - padding]


def _transposed_matrix(kernel, n):
    return conv.convolution_matrix(kernel, n).T


WRONG = {
    "top_left": (-600.0, "-600 (kernel flipped)"),
    "conv_output": ((-ex2.CONV_OUTPUT).tolist(), "every sign flipped"),
    "true_convolution_top_left": (600.0, "600 (no flip)"),
    "transposed_single": (ex2.KERNEL.clone(), "the kernel itself"),
    "transposed_output": (torch.tensor([[300.0, 150.0, 150.0], [-300.0, -150.0, -150.0], [0.0, 0.0, 0.0]]),
                          "overlaps overwritten"),
    "conv_output_size": (_padding_once, "padding counted once"),
    "conv_transpose_output_size": (_conv_formula_for_transposed, "the convolution formula"),
    "conv2d": (_true_convolution, "kernel flipped"),
    "conv_transpose2d": (_overwriting_transpose, "overlaps overwritten"),
    "convolution_matrix": (_transposed_matrix, "W-transpose"),
    "transposed_from_matrix": ((ex2._W.T @ ex2.Y_SMALL.T.flatten()).reshape(3, 3), "y flattened by columns"),
    "overlap_counts": (torch.ones(11), "all ones"),
}


def _generic_wrong(problem):
    """For a question added after this file was written: a plain wrong value or function."""
    if hasattr(problem, "reference"):
        return (lambda *args, **kwargs: 0), "returns 0"
    return 0.0, "0"


# ------------------------------------------------------------------ the questions


def questions():
    """[(label, problem, [part problems])] in lesson order: q1 ... q12, with q6.a and q6.b beside q6."""
    found = []
    for name in sorted((n for n in vars(ex2) if n[:1] == "q" and n[1:].isdigit()), key=lambda n: int(n[1:])):
        problem = getattr(ex2, name)
        if isinstance(problem, MultipartProblem):
            for letter, part in problem.parts.items():
                found.append((f"{name}.{letter}", part, [part]))
            found.append((f"{name} (all parts)", problem, list(problem.parts.values())))
        else:
            found.append((name, problem, [problem]))
    return found


def notebook_namespace():
    """What the solution notebook's globals hold after every solution cell has run."""
    namespace = {
        "torch": torch, "F": F, "kernel": ex2.KERNEL, "image": ex2.IMAGE, "y_small": ex2.Y_SMALL,
        "small_input": ex2.SMALL_INPUT, "____": ex2.____,
        # The learner functions, in case a solution uses one before its own question defines it.
        "conv_output_size": conv.conv_output_size, "conv_transpose_output_size": conv.conv_transpose_output_size,
        "conv2d": conv.conv2d, "conv_transpose2d": conv.conv_transpose2d, "convolution_matrix": conv.convolution_matrix,
    }
    for label, problem, _ in questions():
        if isinstance(problem, (MultipartProblem, ThoughtProblem)):
            continue  # a multi-part question's parts come separately; a thought question has no code
        exec(problem.solution_code, namespace)
    return namespace


def time_check(problem, runs):
    """Median and max milliseconds of problem.check(), and the status it reached."""
    sink = io.StringIO()
    samples = []
    with contextlib.redirect_stdout(sink):
        for _ in range(2):  # warm-up: first-call costs (imports, allocator) are not the check's
            problem.check()
        for _ in range(runs):
            started = time.perf_counter()
            problem.check()
            samples.append((time.perf_counter() - started) * 1000.0)
    status = problem.evaluate().status
    return statistics.median(samples), max(samples), status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    feedback._in_notebook = lambda: False  # time the checks, not a display front end
    os.environ.pop("NBGRADER_EXECUTION", None)
    previous_binding = binder._bound_globals
    right_namespace = notebook_namespace()

    rows = []
    try:
        for label, problem, parts in questions():
            for kind in ("right", "wrong"):
                namespace = dict(right_namespace)
                what = "nothing to check" if isinstance(problem, ThoughtProblem) else "solution code"
                if kind == "wrong":
                    if isinstance(problem, ThoughtProblem):
                        continue  # nothing to get wrong
                    part = parts[-1]  # for q6 (all parts): the last part wrong, the others right
                    value, what = WRONG.get(part.var) or _generic_wrong(part)
                    namespace[part.var] = value
                binder.bind(namespace)
                median, slowest, status = time_check(problem, args.runs)
                rows.append({"question": label, "answer": kind, "what": what, "status": status,
                             "median_ms": round(median, 3), "max_ms": round(slowest, 3)})
    finally:
        binder._bound_globals = previous_binding

    print(f"check() latency, lesson 02, {args.runs} runs each (ms)")
    print(f"{'question':<16} {'answer':<6} {'status':<14} {'median':>8} {'max':>8}  answer given")
    for row in rows:
        print(f"{row['question']:<16} {row['answer']:<6} {row['status']:<14} {row['median_ms']:>8.2f} "
              f"{row['max_ms']:>8.2f}  {row['what']}")
    worst = max(rows, key=lambda row: row["median_ms"])
    print(f"slowest median: {worst['question']} ({worst['answer']}), {worst['median_ms']:.2f} ms")

    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump({
            "benchmark": "check_latency",
            "runs": args.runs,
            "python": platform.python_version(),
            "torch": torch.__version__,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}",
            "results": rows,
        }, handle, indent=2)
        handle.write("\n")
    print(f"written to {os.path.relpath(RESULTS)}")
    bad = [row for row in rows if (row["answer"] == "right") != (row["status"] in ("correct", "info"))]
    if bad:
        print("unexpected verdicts:", ", ".join(f"{row['question']} {row['answer']} -> {row['status']}" for row in bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
