"""learntools.gans.evaluation.fidelity: nearest neighbours, k-NN radii, precision and recall (Kynkaanniemi et
al. 2019) on sets whose answers are known, the near-copy threshold, and the Frechet distance's small-n bias."""

import numpy as np
import pytest
import torch

from learntools.gans.evaluation import fidelity, metrics


def blob(n, centre, seed, std=0.1, d=2):
    return torch.as_tensor(centre, dtype=torch.float32) + std * torch.randn(n, d, generator=torch.Generator().manual_seed(seed))


def test_knn_radii_skip_the_point_itself():
    points = torch.tensor([[0.0], [1.0], [3.0], [7.0]])
    assert fidelity.knn_radii(points, 1).tolist() == [1.0, 1.0, 2.0, 4.0]
    assert fidelity.knn_radii(points, 3).tolist() == [7.0, 6.0, 4.0, 7.0]
    with pytest.raises(ValueError, match="k should be"):
        fidelity.knn_radii(points, 4)


def test_identical_sets_have_precision_and_recall_1():
    points = blob(200, [0.0, 0.0], 0)
    assert fidelity.precision_recall(points, points.clone()) == (1.0, 1.0)


def test_disjoint_far_apart_sets_have_precision_and_recall_0():
    assert fidelity.precision_recall(blob(200, [0.0, 0.0], 0), blob(200, [50.0, 0.0], 1)) == (0.0, 0.0)


def test_one_mode_of_two_has_precision_1_and_recall_about_half():
    real = torch.cat([blob(300, [-5.0, 0.0], 0), blob(300, [5.0, 0.0], 1)])
    fake = blob(300, [-5.0, 0.0], 2)
    precision, recall = fidelity.precision_recall(real, fake)
    assert precision > 0.95
    assert 0.4 < recall < 0.55


def test_a_blurred_generator_loses_precision_not_recall():
    real = blob(500, [0.0, 0.0], 0, std=0.1)
    fake = blob(500, [0.0, 0.0], 1, std=1.0)
    precision, recall = fidelity.precision_recall(real, fake)
    assert precision < 0.2 and recall > 0.8


def test_nearest_neighbours_and_pixels_of_images():
    reference = torch.zeros(3, 1, 2, 2)
    reference[1] += 1.0
    reference[2] -= 1.0
    queries = torch.full((2, 1, 2, 2), 0.9)
    queries[1] = -0.2
    distances, indices = fidelity.nearest_neighbours(queries, reference)
    assert indices.tolist() == [1, 0]
    assert distances.tolist() == pytest.approx([0.2, 0.4])


def test_near_copy_threshold_is_the_quantile_of_held_out_distances():
    train = blob(400, [0.0, 0.0], 0, std=1.0)
    held_out = blob(400, [0.0, 0.0], 1, std=1.0)
    threshold = fidelity.near_copy_threshold(held_out, train, 0.05)
    distances, _ = fidelity.nearest_neighbours(held_out, train)
    assert float((distances < threshold).double().mean()) == pytest.approx(0.05, abs=0.005)
    copies = train[:100] + 1e-4                                     # a generator that copies: all near-copies
    assert bool((fidelity.nearest_neighbours(copies, train)[0] < threshold).all())
    fresh = blob(2000, [0.0, 0.0], 2, std=1.0)                      # one that copies nothing: about 5%
    share = float((fidelity.nearest_neighbours(fresh, train)[0] < threshold).double().mean())
    assert 0.02 < share < 0.09


def test_frechet_of_features_matches_metrics_and_its_small_n_bias_shrinks():
    features = torch.randn(2000, 8, generator=torch.Generator().manual_seed(0))
    a, b = features[:300], features[300:700]
    assert fidelity.frechet_distance_of_features(a, b) == pytest.approx(
        metrics._frechet_from_features(a.double().numpy(), b.double().numpy()))
    from threadpoolctl import threadpool_info
    threads_before = [pool["num_threads"] for pool in threadpool_info()]
    curve = fidelity.frechet_by_sample_size(features, features, [20, 100, 500], seeds=(0, 1, 2), disjoint=True)
    assert [pool["num_threads"] for pool in threadpool_info()] == threads_before  # one BLAS thread only inside
    assert curve["values"].shape == (3, 3) and (curve["values"] > 0).all()
    assert curve["mean"][0] > curve["mean"][1] > curve["mean"][2]
    again = fidelity.frechet_by_sample_size(features, features, [20, 100, 500], seeds=(0, 1, 2), disjoint=True)
    assert np.array_equal(curve["values"], again["values"])  # seeded: the same numbers every time


def test_bad_input_gets_a_sentence():
    with pytest.raises(ValueError, match="NaN"):
        fidelity.precision_recall(torch.tensor([[np.nan, 0.0]] * 5), torch.zeros(5, 2))
    with pytest.raises(ValueError, match="same number of features"):
        fidelity.pairwise_distances(torch.zeros(3, 2), torch.zeros(3, 4))
    with pytest.raises(TypeError):
        fidelity.knn_radii([[0.0], [1.0]], 1)
    with pytest.raises(ValueError, match="2 n"):
        fidelity.frechet_by_sample_size(torch.zeros(10, 2), torch.zeros(10, 2), [6], disjoint=True)
