"""The lessons' shared check support (learntools.gans.checking): tolerance, mistake tables, unwritten
functions and the stand-in networks."""

import math

import pytest
import torch

from learntools.core import Incorrect, NotAttempted, ____
from learntools.gans.checking.functions import require_written, unwritten
from learntools.gans.checking.mistakes import name_mistake, name_number_mistake
from learntools.gans.checking.numbers import close, reject_complex
from learntools.gans.checking.stand_ins import (
    RECORDING_Z_DIM,
    affine_generators,
    conditional_bench,
    recording_gan,
)


# --------------------------------------------------------------------------- close


def test_close_numbers_use_one_relative_and_absolute_rule():
    assert close(1.0, 1.0 + 5e-5)
    assert not close(1.0, 1.001)
    assert close(0.0, 5e-6) and not close(0.0, 5e-5)
    assert close(0.5, 0.5 + 5e-7, rtol=0, atol=1e-6) and not close(0.5, 0.501, rtol=0, atol=1e-6)


def test_close_tensors_compare_flattened_when_only_the_shape_differs():
    assert close(torch.ones(4, 1), torch.ones(4))
    assert not close(torch.ones(4), torch.ones(5))
    assert not close(torch.ones(4), 2 * torch.ones(4))
    assert close(torch.tensor(2.0), 2.0)


def test_close_never_matches_none_or_nan():
    assert not close(None, 1.0) and not close(torch.ones(2), None)
    assert not close(math.nan, math.nan)


# --------------------------------------------------------------------------- mistake tables


def test_complex_values_are_never_close_to_real_ones_and_are_named():
    assert not close(torch.tensor(1.0 + 2j), torch.tensor(1.0))
    assert not close(1.0 + 0j, 1.0)
    reject_complex(torch.tensor(1.0), "f returned")  # a real tensor passes
    with pytest.raises(Incorrect, match=r"f returned complex numbers \(torch.complex64\)"):
        reject_complex(torch.tensor(1.0 + 2j, dtype=torch.complex64), "f returned")


def test_name_mistake_raises_the_first_matching_row_as_a_sentence():
    rows = [(torch.zeros(2), "all zeros"), (torch.ones(2), "all ones"), (torch.ones(2), "never reached")]
    with pytest.raises(Incorrect, match=r"^all ones\.$"):
        name_mistake(torch.ones(2), 2 * torch.ones(2), rows)
    assert name_mistake(3 * torch.ones(2), 2 * torch.ones(2), rows) is None


def test_a_row_equal_to_the_right_answer_never_names_a_mistake():
    rows = [(torch.ones(2), "that is the right answer")]
    assert name_mistake(torch.ones(2), torch.ones(2), rows) is None
    assert name_number_mistake(2.0, 2.0, [(2.0, "also right")]) is None


def test_name_number_mistake_reads_one_element_tensors():
    with pytest.raises(Incorrect, match=r"^the sum, not the mean\?$"):
        name_number_mistake(8.0, 2.0, [(torch.tensor(8.0), "the sum, not the mean?")])


# --------------------------------------------------------------------------- unwritten functions


def test_require_written_tells_blanks_stubs_and_unwritten_helpers_apart():
    namespace = {"____": ____}
    exec("def helper(x):\n    return ____\n"
         "def uses_helper(x):\n    return helper(x) + 1\n"
         "def stub(x):\n    raise NotImplementedError()\n"
         "def done(x):\n    return x + 1\n", namespace)
    with pytest.raises(NotAttempted, match="still contains a `____` blank"):
        require_written(namespace["helper"], "helper")
    with pytest.raises(NotAttempted, match="still raises NotImplementedError"):
        require_written(namespace["stub"], "stub")
    with pytest.raises(NotAttempted, match="calls `helper`, which is not written yet"):
        require_written(namespace["uses_helper"], "uses_helper")
    with pytest.raises(NotAttempted, match="replace `____`"):
        require_written(____, "done")
    with pytest.raises(Incorrect, match="should be a function"):
        require_written(5, "done")
    require_written(namespace["done"], "done")
    assert unwritten(namespace["done"]) is None


# --------------------------------------------------------------------------- stand-in networks


def test_recording_gan_is_fixed_and_remembers_what_it_was_shown():
    (G, D), (G2, _) = recording_gan(), recording_gan()
    assert all(torch.equal(p, q) for p, q in zip(G.parameters(), G2.parameters()))
    z = torch.randn(3, RECORDING_Z_DIM)
    logits = D(G(z))
    assert logits.shape == (3, 1)
    assert torch.equal(G.calls[0][0], z) and torch.equal(D.calls[0], G.calls[0][1])
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        G(torch.randn(3, 4))


def test_conditional_bench_is_the_same_every_time():
    first, second = conditional_bench(z_dim=8), conditional_bench(z_dim=8)
    G, D, real, labels, z = first
    assert torch.equal(real, second[2]) and torch.equal(z, second[4])
    assert G(z, labels).shape == real.shape and D(real, labels).shape == (6, 1)


def test_affine_generators_are_fresh_each_time():
    ab, ba = affine_generators()
    with torch.no_grad():
        assert float(ab(torch.tensor(1.0))) == pytest.approx(-1.6) and float(ba(torch.tensor(1.0))) == pytest.approx(-0.8)
    assert affine_generators()[0] is not ab
