"""Tests of `load_image_arrays`: each source, the "auto" order and its errors."""

import logging
import pickle
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds

from ganzoo.data import DataUnavailableError
from ganzoo.data import load_image_arrays
from ganzoo.data import sources

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"


@pytest.fixture
def offline(monkeypatch):
    """Makes the download check report no network, and records its calls."""
    calls = []

    def unreachable(name, timeout=3.0):
        calls.append(name)
        return False, "cannot reach the host (patched offline)"

    monkeypatch.setattr(sources, "can_reach_download_host", unreachable)
    return calls


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    """Points KERAS_HOME at an empty directory."""
    keras_home = tmp_path / "keras_home"
    keras_home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    return keras_home


@pytest.fixture
def no_prepared_tfds(monkeypatch):
    """Makes every tfds read fail at once, as with no prepared data; records calls."""
    calls = []

    def not_prepared(name, split, *, data_dir=None, download=False):
        calls.append({"name": name, "download": download})
        raise AssertionError(f"Dataset {name}: could not find data (patched)")

    monkeypatch.setattr(sources, "load_from_tfds", not_prepared)
    return calls


@pytest.mark.large
def test_real_fashion_mnist_from_idx():
    train_images, train_labels = load_image_arrays("fashion_mnist", source="idx")
    test_images, test_labels = load_image_arrays("fashion_mnist", "test", source="idx")
    assert train_images.shape == (60000, 28, 28, 1)
    assert test_images.shape == (10000, 28, 28, 1)
    assert train_images.dtype == np.uint8
    assert train_labels.dtype == np.int64
    assert train_labels.shape == (60000,)
    assert test_labels.shape == (10000,)
    np.testing.assert_array_equal(np.bincount(train_labels), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(test_labels), [1000] * 10)
    # Real images, not zeros: a dark background and some full-intensity pixels.
    assert train_images.min() == 0
    assert train_images.max() == 255
    assert 50 < train_images.mean() < 100


@pytest.mark.large
def test_sliced_splits_partition_the_training_images():
    """`train[:50000]` and `train[50000:]` are the training set's two disjoint parts, in order."""
    images, labels = load_image_arrays("fashion_mnist", source="idx")
    first, first_labels = load_image_arrays("fashion_mnist", "train[:50000]", source="idx")
    rest, rest_labels = load_image_arrays("fashion_mnist", "train[50000:]", source="idx")
    last, _ = load_image_arrays("fashion_mnist", "train[-10:]", source="idx")
    assert first.shape == (50000, 28, 28, 1) and rest.shape == (10000, 28, 28, 1)
    np.testing.assert_array_equal(np.concatenate([first, rest]), images)
    np.testing.assert_array_equal(np.concatenate([first_labels, rest_labels]), labels)
    np.testing.assert_array_equal(last, images[-10:])
    with pytest.raises(ValueError, match=r"selects no examples: the 'train' split has 60000"):
        load_image_arrays("fashion_mnist", "train[60000:]", source="idx")


@pytest.mark.large
def test_auto_offline_picks_debian_idx(
    monkeypatch, caplog, offline, no_prepared_tfds, empty_keras_home
):
    monkeypatch.delenv("GANZOO_FASHION_MNIST_DIR", raising=False)
    with caplog.at_level(logging.INFO, logger="ganzoo.data"):
        images, labels = load_image_arrays("fashion_mnist", "test")
    assert images.shape == (10000, 28, 28, 1)
    assert labels.shape == (10000,)
    assert no_prepared_tfds == [{"name": "fashion_mnist", "download": False}]
    assert offline == []  # Found locally, so no download was considered.
    assert f"IDX files in {FASHION_MNIST_DIR}" in caplog.text


def test_fashion_mnist_dir_from_environment(
    tmp_path, monkeypatch, write_mnist_like_dir, no_prepared_tfds
):
    expected = write_mnist_like_dir(tmp_path / "fashion", num_test=4)
    monkeypatch.setenv("GANZOO_FASHION_MNIST_DIR", str(tmp_path / "fashion"))
    images, labels = load_image_arrays("fashion_mnist", "test", source="idx")
    np.testing.assert_array_equal(images[..., 0], expected["test"][0])
    np.testing.assert_array_equal(labels, expected["test"][1])


@pytest.mark.parametrize("gzipped", [True, False])
def test_mnist_idx_from_data_dir(tmp_path, write_mnist_like_dir, gzipped):
    expected = write_mnist_like_dir(tmp_path, num_train=12, gzipped=gzipped)
    images, labels = load_image_arrays("mnist", source="idx", data_dir=tmp_path)
    assert images.shape == (12, 28, 28, 1)
    assert images.dtype == np.uint8
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(images[..., 0], expected["train"][0])
    np.testing.assert_array_equal(labels, expected["train"][1])


def test_auto_reads_mnist_idx_from_data_dir(tmp_path, write_mnist_like_dir, offline, caplog):
    write_mnist_like_dir(tmp_path, num_test=6)
    # The real tfds step runs here and fails fast: tmp_path holds no tfds data.
    with caplog.at_level(logging.INFO, logger="ganzoo.data"):
        images, _ = load_image_arrays("mnist", "test", data_dir=tmp_path)
    assert images.shape == (6, 28, 28, 1)
    assert f"IDX files in {tmp_path}" in caplog.text


def test_keras_cache_fashion_mnist(
    empty_keras_home, write_mnist_like_dir, no_prepared_tfds, offline
):
    expected = write_mnist_like_dir(empty_keras_home / "datasets" / "fashion-mnist")
    images, labels = load_image_arrays("fashion_mnist", source="keras")
    np.testing.assert_array_equal(images[..., 0], expected["train"][0])
    np.testing.assert_array_equal(labels, expected["train"][1])
    assert no_prepared_tfds == []


def test_keras_cache_mnist_npz(empty_keras_home, offline, caplog):
    rng = np.random.default_rng(1)
    arrays = {
        "x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_train": np.array([0, 1, 2, 3, 9], np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": np.array([4, 5, 6], np.uint8),
    }
    (empty_keras_home / "datasets").mkdir()
    np.savez(empty_keras_home / "datasets" / "mnist.npz", **arrays)
    images, labels = load_image_arrays("mnist", "test", source="keras")
    np.testing.assert_array_equal(images[..., 0], arrays["x_test"])
    np.testing.assert_array_equal(labels, [4, 5, 6])
    assert labels.dtype == np.int64
    # "auto" reaches the Keras cache too, after the (failing) tfds step.
    with caplog.at_level(logging.INFO, logger="ganzoo.data"):
        images, _ = load_image_arrays("mnist", "train")
    assert images.shape == (5, 28, 28, 1)
    assert "Keras cache" in caplog.text


def test_mnist_unavailable_says_how_to_get_it(tmp_path, offline, empty_keras_home):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataUnavailableError) as raised:
        load_image_arrays("mnist", data_dir=empty)
    error = raised.value
    message = str(error)
    assert isinstance(error, RuntimeError)
    assert offline == ["mnist"]
    descriptions = [description for description, _ in error.attempts]
    assert [d.split(" ")[0] for d in descriptions] == ["tfds", "IDX", "Keras", "tfds"]
    # What was tried and why each failed.
    assert "could not find data" in message
    assert "no images IDX file for split 'train'" in message
    assert "no MNIST archive" in message
    assert "skipped, cannot reach the host (patched offline)" in message
    # How to get it.
    assert "tensorflow_datasets/mnist" in message
    assert "data_dir=" in message
    assert "keras.datasets.mnist.load_data()" in message
    assert str(pickle.loads(pickle.dumps(error))) == message


def test_fashion_mnist_unavailable_says_how_to_get_it(
    tmp_path, offline, no_prepared_tfds, empty_keras_home
):
    with pytest.raises(DataUnavailableError) as raised:
        load_image_arrays("fashion_mnist", "test", data_dir=tmp_path)
    message = str(raised.value)
    assert "apt-get install -y dataset-fashion-mnist" in message
    assert "/usr/share/datasets/fashion-mnist" in message
    assert "keras.datasets.fashion_mnist.load_data()" in message
    assert 'tfds.load("fashion_mnist", data_dir=...)' in message
    assert no_prepared_tfds == [{"name": "fashion_mnist", "download": False}]


def test_download_step_runs_when_host_answers(monkeypatch, empty_keras_home):
    calls = []

    def fake_tfds(name, split, *, data_dir=None, download=False):
        calls.append(download)
        if not download:
            raise AssertionError("not prepared")
        return np.zeros((2, 32, 32, 3), np.uint8), np.array([3, 7])

    monkeypatch.setattr(sources, "load_from_tfds", fake_tfds)
    monkeypatch.setattr(sources, "can_reach_download_host", lambda name, timeout: (True, ""))
    images, labels = load_image_arrays("cifar10", "test")
    assert calls == [False, True]
    assert images.shape == (2, 32, 32, 3)
    np.testing.assert_array_equal(labels, [3, 7])


def test_corrupt_file_raises_for_explicit_source_and_is_reported_by_auto(
    tmp_path, write_mnist_like_dir, offline, empty_keras_home
):
    write_mnist_like_dir(tmp_path)
    labels_path = tmp_path / "train-labels-idx1-ubyte.gz"
    labels_path.write_bytes(labels_path.read_bytes()[:15])
    with pytest.raises(ValueError, match=str(labels_path)):
        load_image_arrays("mnist", source="idx", data_dir=tmp_path)
    with pytest.raises(DataUnavailableError, match="not a valid gzip stream"):
        load_image_arrays("mnist", source="auto", data_dir=tmp_path)


def test_source_with_wrong_shape_is_rejected(monkeypatch):
    monkeypatch.setattr(
        sources,
        "load_from_tfds",
        lambda name, split, **kwargs: (np.zeros((2, 28, 28, 1), np.uint8), np.zeros(2)),
    )
    with pytest.raises(ValueError, match=r"expected images of shape \(N, \*\(32, 32, 3\)\)"):
        load_image_arrays("cifar10", source="tfds")


@pytest.mark.parametrize(("name", "shape"), [("mnist", (28, 28, 1)), ("cifar10", (32, 32, 3))])
def test_tfds_mock_data(name, shape, offline):
    with tfds.testing.mock_data(num_examples=5):
        images, labels = load_image_arrays(name, "test", source="tfds")
    assert images.shape == (5, *shape)
    assert images.dtype == np.uint8
    assert labels.dtype == np.int64
    assert labels.min() >= 0 and labels.max() < 10
    assert offline == []


def test_download_check_returns_within_timeout(monkeypatch):
    def hanging_connection(address, timeout=None):
        time.sleep(2.0)
        raise OSError("never answered")

    monkeypatch.setattr(sources.socket, "create_connection", hanging_connection)
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    start = time.monotonic()
    reachable, reason = sources.can_reach_download_host("mnist", timeout=0.2)
    assert time.monotonic() - start < 1.0
    assert not reachable
    assert "storage.googleapis.com:443 within 0.2 s" in reason


def test_download_check_reports_refusal(monkeypatch):
    def refused(address, timeout=None):
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(sources.socket, "create_connection", refused)
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    reachable, reason = sources.can_reach_download_host("fashion_mnist")
    assert not reachable
    assert "fashion-mnist.s3-website.eu-central-1.amazonaws.com:80" in reason
    assert "ConnectionRefusedError" in reason


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "svhn"}, "Unknown dataset 'svhn'"),
        ({"name": "mnist", "split": "validation"}, "Unknown split 'validation'"),
        ({"name": "mnist", "split": "train[::2]"}, r"optionally sliced by example index"),
        ({"name": "mnist", "split": "train[:10%]"}, r"optionally sliced by example index"),
        ({"name": "mnist", "split": "valid[:10]"}, r"Unknown split 'valid\[:10\]'"),
        ({"name": "mnist", "split": 0}, "split must be a str"),
        ({"name": "mnist", "source": "web"}, "Unknown source 'web'"),
        ({"name": "cifar10", "source": "idx"}, "source='idx' cannot read dataset"),
        ({"name": "cifar10", "source": "keras"}, "source='keras' cannot read dataset"),
        ({"name": "mnist", "source": "idx"}, "received data_dir=None"),
    ],
)
def test_bad_inputs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_image_arrays(**kwargs)
