"""Lesson 13 checks: honest evaluation (13_honest_evaluation.py): the k-NN radii, precision and recall of
Kynkaanniemi et al. (2019), and a thought question on comparing Frechet distances.

Each function check calls the learner's function on fixed and seeded feature sets against the library's
reference (learntools.gans.evaluation.fidelity) and, where the result differs, names the usual slips: the
point counted as its own neighbour, squared distances, the mean of the k distances, precision and recall
swapped, the radii of the wrong set, the share of pairs instead of the share of samples, a count instead of
a share. The random sets are continuous, so no distance ties with a radius and `<` or `<=` give one answer.
"""

import numpy as np
import torch

from learntools.core import FunctionProblem, ThoughtProblem, bind_exercises, ____
from learntools.gans.checking.mistakes import name_mistake
from learntools.gans.evaluation import fidelity


def _distances(a, b):
    return torch.cdist(a.double(), b.double())  # (N, M)


def _kth_other(features, k):
    """The reference radii, as float64."""
    return fidelity.knn_radii(features, k)


def _share_inside(queries, centres, radii):
    return float((_distances(queries, centres) <= radii[None, :]).any(dim=1).double().mean())


# ================================================================================ q1: k-NN radii


def _diagnose_radii(args, got, expected):
    features, k = args
    distances = _distances(features, features)  # (N, N)
    ordered = distances.sort(dim=1).values  # (N, N), column 0 is the point itself (0)
    rows = [
        (ordered[:, k - 1],
         "every radius is one neighbour short: each point's own distance 0 was counted as its nearest neighbour. "
         "The k-th neighbour of a point is the (k + 1)-th smallest distance of its row"),
        (ordered[:, k] ** 2, "these are squared distances: take the square root (torch.cdist gives distances)"),
        (ordered[:, 1:k + 1].mean(dim=1),
         "that is the mean distance to the k nearest neighbours; the radius is the distance to the k-th alone"),
    ]
    if k + 1 < ordered.shape[1]:
        rows.append((ordered[:, k + 1],
                     "every radius is one neighbour too far: the point itself is the first entry of its sorted row, "
                     "so the k-th neighbour is at index k (the (k + 1)-th smallest), not k + 1"))
    name_mistake(got, expected, rows, rtol=1e-4, atol=1e-6)


def _line(values):
    return torch.tensor(values, dtype=torch.float32)[:, None]  # (N, 1)


def _random_points(rng):
    n, d = int(rng.integers(6, 30)), int(rng.integers(1, 6))
    return torch.from_numpy(rng.normal(size=(n, d)).astype(np.float32))


RADII_CASES = [
    (_line([0.0, 1.1, 3.3, 6.6, 10.5]), 1),   # one neighbour on a line: 1.1, 1.1, 2.2, 3.3, 3.9
    (_line([0.0, 1.1, 3.3, 6.6, 10.5]), 2),
    (torch.tensor([[0.0, 0.0], [1.0, 0.2], [0.3, 2.1], [-1.4, 0.5], [2.2, 2.6], [-0.7, -1.9]]), 3),
]

radii_question = FunctionProblem(
    var="knn_radii",
    reference=fidelity.knn_radii,
    arg_names=["features", "k"],
    cases=RADII_CASES,
    random_cases=lambda rng: (_random_points(rng), int(rng.integers(1, 4))),
    n_random=6,
    test=_diagnose_radii,
    points=2,
    success=("each point's k-th neighbour distance, itself not counted: a ball that is small where the set is "
             "dense and large where it is sparse."),
    hints=[
        "torch.cdist(features, features) gives every distance, (N, N). Row i holds point i's distances, and the "
        "smallest of them is 0: the point itself. Skip it and take the k-th of the others.",
        "distances = torch.cdist(features, features); return distances.kthvalue(k + 1, dim=1).values",
    ],
)


# ================================================================================ q2, q3: precision and recall


def _pair(rng):
    """Real and fake sets of equal size, the fakes shifted and scaled so that neither share is 0 or 1."""
    n, d = int(rng.integers(10, 40)), int(rng.integers(2, 5))
    real = rng.normal(size=(n, d))
    fake = rng.normal(size=(n, d)) * rng.uniform(0.5, 1.8) + rng.uniform(0.2, 1.2)
    return (torch.from_numpy(real.astype(np.float32)), torch.from_numpy(fake.astype(np.float32)),
            int(rng.integers(1, 5)))


def _toy_pair(n_real, n_fake, seed):
    generator = torch.Generator().manual_seed(seed)
    real = torch.randn(n_real, 2, generator=generator)
    fake = torch.randn(n_fake, 2, generator=generator) * torch.tensor([2.0, 0.5]) + torch.tensor([0.8, 0.0])
    return real, fake


PR_CASES = [
    (*_toy_pair(12, 12, 1), 3),
    (*_toy_pair(20, 20, 2), 1),
    (*_toy_pair(15, 25, 3), 3),  # sets of different sizes
]


def _mistakes(real, fake, k, question):
    """(value, sentence) rows of the usual slips in `question` ("precision" or "recall")."""
    own = {"precision": (fake, real), "recall": (real, fake)}  # (queries, centres) of the right answer
    queries, centres = own[question]
    other = "recall" if question == "precision" else "precision"
    meaning = {"precision": "the share of fakes inside the balls around the real samples",
               "recall": "the share of real samples inside the balls around the fakes"}
    distances = _distances(queries, centres)  # (Nq, Nc)
    right_radii = _kth_other(centres, k)
    ordered = _distances(centres, centres).sort(dim=1).values
    rows = [
        (_share_inside(centres, queries, _kth_other(queries, k)),
         f"that is the {other}: {meaning[other]}. The {question} is {meaning[question]}"),
        (_share_inside(queries, centres, ordered[:, k - 1]),
         "the balls are one neighbour too small: each centre's own distance 0 was counted as its nearest neighbour "
         "(is knn_radii right? q1 checks it)"),
        (float((distances <= right_radii[None, :]).double().mean()),
         "that is the share of (sample, centre) pairs that are close; a sample counts once, as inside when it lies "
         "in at least one ball: `.any(dim=1)` over the centres, then the mean over the samples"),
        (float((distances <= right_radii[None, :]).any(dim=1).double().sum()),
         "that is a count of samples; return the share, the count divided by the number of samples"),
    ]
    if len(real) == len(fake):  # the wrong set's radii only fit the centres when the sets are the same size
        rows.append((_share_inside(queries, centres, _kth_other(queries, k)),
                     "the balls have the wrong radii: they sit around the "
                     f"{'real samples' if question == 'precision' else 'fakes'} but their radii are the k-th neighbour "
                     f"distances within the {'fakes' if question == 'precision' else 'real samples'}. Each centre's "
                     "radius comes from its own set"))
    return rows


def _diagnose(question):
    def diagnose(args, got, expected):
        real, fake, k = args
        name_mistake(got, expected, _mistakes(real, fake, k, question), rtol=1e-4, atol=1e-6)
    return diagnose


precision_question = FunctionProblem(
    var="precision",
    reference=lambda real, fake, k: fidelity.precision_recall(real, fake, k).precision,
    arg_names=["real", "fake", "k"],
    cases=PR_CASES,
    random_cases=_pair,
    n_random=5,
    test=_diagnose("precision"),
    points=2,
    success=("precision: the share of fakes that land inside at least one real sample's k-NN ball, so fakes "
             "that look like nothing real lower it, and missing kinds of digit do not."),
    hints=[
        "Balls around the REAL samples, each with its own k-th neighbour distance among the real samples "
        "(knn_radii(real, k)). A fake counts when its distance to at least one real centre is at most that "
        "centre's radius. Precision is the share of fakes that count.",
        "radii = knn_radii(real, k); distances = torch.cdist(fake, real)  # (M, N); "
        "return (distances <= radii[None, :]).any(dim=1).float().mean()",
    ],
)

recall_question = FunctionProblem(
    var="recall",
    reference=lambda real, fake, k: fidelity.precision_recall(real, fake, k).recall,
    arg_names=["real", "fake", "k"],
    cases=PR_CASES,
    random_cases=_pair,
    n_random=5,
    test=_diagnose("recall"),
    points=1,
    success=("recall: the share of real samples inside the fakes' k-NN balls, precision with the roles of the "
             "two sets exchanged; a generator that drops modes loses recall."),
    hints=[
        "Recall is precision with the roles exchanged: balls around the FAKES (with radii from the fakes), and "
        "the share of real samples inside at least one of them.",
        "return precision(fake, real, k)  # the 'real' argument is the set whose balls are used",
    ],
)


# ================================================================================ q4: comparing Frechet distances

frechet_question = ThoughtProblem(
    points=1,
    hints=["Look at the plot of section 5: what happens to the distance of two samples of the same distribution "
           "as n falls? And which reference set makes a generator that copies its training set look best?"],
)


__all__ = bind_exercises(globals(), [radii_question, precision_question, recall_question, frechet_question])
__all__ += ["____"]
