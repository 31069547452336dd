"""Tests of `load_image_dataset`, on real Fashion-MNIST and on mocked tfds data."""

import re

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from ganzoo.data import load_image_arrays
from ganzoo.data import load_image_dataset
from ganzoo.data import sources


@pytest.fixture
def offline(monkeypatch):
    """Makes the download check report no network, so no test can download."""
    monkeypatch.setattr(
        sources, "can_reach_download_host", lambda name, timeout=3.0: (False, "offline")
    )


@pytest.fixture(scope="module")
def fashion_test_arrays():
    return load_image_arrays("fashion_mnist", "test", source="idx")


def _first_batch(dataset):
    return next(iter(dataset))


@pytest.mark.large
def test_real_fashion_mnist_batches():
    dataset = load_image_dataset("fashion_mnist", batch_size=64, seed=0, source="idx")
    assert dataset.element_spec == tf.TensorSpec((64, 28, 28, 1), tf.float32)
    reached_minus_one = reached_one = False
    for images in dataset.take(20):
        values = images.numpy()
        assert values.dtype == np.float32
        assert values.shape == (64, 28, 28, 1)
        assert values.min() >= -1.0 and values.max() <= 1.0
        reached_minus_one |= values.min() == -1.0
        reached_one |= values.max() == 1.0
    assert reached_minus_one and reached_one
    assert dataset.cardinality().numpy() == 60000 // 64


@pytest.mark.large
def test_labels_match_images_without_shuffle(fashion_test_arrays):
    images, labels = fashion_test_arrays
    dataset = load_image_dataset(
        "fashion_mnist",
        "test",
        batch_size=100,
        with_labels=True,
        shuffle=False,
        source="idx",
    )
    assert dataset.element_spec[1] == tf.TensorSpec((100,), tf.int32)
    for index, (batch_images, batch_labels) in enumerate(dataset.take(3)):
        window = slice(100 * index, 100 * (index + 1))
        expected = images[window].astype(np.float32) / 127.5 - 1.0
        np.testing.assert_allclose(batch_images.numpy(), expected, atol=1e-6)
        np.testing.assert_array_equal(batch_labels.numpy(), labels[window])


@pytest.mark.large
def test_shuffle_is_seeded_and_keeps_pairs(fashion_test_arrays):
    images, labels = fashion_test_arrays

    def build(seed):
        return load_image_dataset(
            "fashion_mnist",
            "test",
            batch_size=32,
            with_labels=True,
            seed=seed,
            source="idx",
        )

    first_images, first_labels = _first_batch(build(seed=1))
    again_images, again_labels = _first_batch(build(seed=1))
    other_images, _ = _first_batch(build(seed=2))
    np.testing.assert_array_equal(first_images.numpy(), again_images.numpy())
    np.testing.assert_array_equal(first_labels.numpy(), again_labels.numpy())
    assert not np.array_equal(first_images.numpy(), other_images.numpy())
    # The shuffle moves whole examples: each shuffled image keeps its label.
    originals = images.reshape(len(images), -1).astype(np.float32) / 127.5 - 1.0
    for image, label in zip(first_images.numpy(), first_labels.numpy(), strict=True):
        matches = np.flatnonzero(np.all(np.abs(originals - image.ravel()) < 1e-6, axis=1))
        assert matches.size >= 1
        assert label in labels[matches]


@pytest.mark.large
def test_reshuffles_each_epoch():
    dataset = load_image_dataset(
        "fashion_mnist", "test", batch_size=32, seed=3, source="idx", take=512
    )
    epoch_one = _first_batch(dataset).numpy()
    epoch_two = _first_batch(dataset).numpy()
    assert not np.array_equal(epoch_one, epoch_two)


@pytest.mark.large
def test_take_limits_examples(fashion_test_arrays):
    images, _ = fashion_test_arrays
    dataset = load_image_dataset(
        "fashion_mnist", "test", batch_size=32, take=100, shuffle=False, source="idx"
    )
    batches = [batch.numpy() for batch in dataset]
    assert len(batches) == 3  # 100 // 32, the remainder dropped.
    kept = load_image_dataset(
        "fashion_mnist",
        "test",
        batch_size=32,
        take=100,
        drop_remainder=False,
        cache=False,
        source="idx",
        seed=0,
    )
    sizes = [batch.shape[0] for batch in kept]
    assert sizes == [32, 32, 32, 4]
    # take selects the first examples; shuffling only reorders them.
    all_examples = np.concatenate([batch.numpy() for batch in kept])
    expected = images[:100].astype(np.float32) / 127.5 - 1.0
    np.testing.assert_allclose(
        np.sort(all_examples.reshape(100, -1), axis=0),
        np.sort(expected.reshape(100, -1), axis=0),
        atol=1e-6,
    )


@pytest.mark.parametrize(("name", "shape"), [("mnist", (28, 28, 1)), ("cifar10", (32, 32, 3))])
def test_tfds_mock_data(name, shape, offline):
    with tfds.testing.mock_data(num_examples=8):
        dataset = load_image_dataset(name, batch_size=4, with_labels=True, seed=0, source="tfds")
    assert dataset.element_spec == (
        tf.TensorSpec((4, *shape), tf.float32),
        tf.TensorSpec((4,), tf.int32),
    )
    batches = list(dataset)
    assert len(batches) == 2
    for images, labels in batches:
        assert images.numpy().min() >= -1.0 and images.numpy().max() <= 1.0
        assert labels.numpy().min() >= 0 and labels.numpy().max() < 10
    # Mocked pixels are uniform in [0, 255], so the scaled range is well used.
    values = np.concatenate([images.numpy() for images, _ in batches])
    assert values.min() < -0.9 and values.max() > 0.9


def test_split_smaller_than_one_batch(offline):
    with tfds.testing.mock_data(num_examples=3):
        with pytest.raises(ValueError, match="3 examples, fewer than batch_size=4"):
            load_image_dataset("mnist", "test", batch_size=4, source="tfds")
        dataset = load_image_dataset(
            "mnist", "test", batch_size=4, drop_remainder=False, source="tfds"
        )
    assert [batch.shape[0] for batch in dataset] == [3]


@pytest.mark.parametrize("batch_size", [0, -2, 2.5, True, "8", None])
def test_batch_size_must_be_positive_int(batch_size):
    with pytest.raises(
        ValueError,
        match=re.escape(f"batch_size must be a positive int, received {batch_size!r}"),
    ):
        load_image_dataset("mnist", batch_size=batch_size)


@pytest.mark.parametrize("take", [0, -1, 1.5])
def test_take_must_be_positive_int(take):
    with pytest.raises(ValueError, match="take must be None or a positive int"):
        load_image_dataset("mnist", batch_size=2, take=take)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "svhn"}, "Unknown dataset 'svhn'"),
        ({"name": "mnist", "split": "val"}, "Unknown split 'val'"),
        ({"name": "cifar10", "source": "idx"}, "source='idx' cannot read dataset"),
    ],
)
def test_bad_inputs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_image_dataset(batch_size=8, **kwargs)


def test_random_flip_mirrors_some_images_anew_each_epoch(offline):
    with tfds.testing.mock_data(num_examples=64):
        (original,) = load_image_dataset("cifar10", batch_size=64, shuffle=False, source="tfds")
        flipped = load_image_dataset(
            "cifar10", batch_size=64, shuffle=False, source="tfds", random_flip=True, seed=0
        )
        (labelled,) = load_image_dataset(
            "cifar10",
            batch_size=64,
            shuffle=False,
            with_labels=True,
            source="tfds",
            random_flip=True,
        )
        (_, labels) = (
            load_image_dataset(
                "cifar10", batch_size=64, shuffle=False, with_labels=True, source="tfds"
            )
            .take(1)
            .get_single_element()
        )
    original = original.numpy()
    images, flipped_labels = (tensor.numpy() for tensor in labelled)
    np.testing.assert_array_equal(flipped_labels, labels.numpy())
    assert (
        (images == original).all(axis=(1, 2, 3))
        | (images == original[:, :, ::-1]).all(axis=(1, 2, 3))
    ).all()
    epochs = [next(iter(flipped)).numpy() for _ in range(2)]
    mirrored = [(images == original[:, :, ::-1]).all(axis=(1, 2, 3)) for images in epochs]
    kept = [(images == original).all(axis=(1, 2, 3)) for images in epochs]
    for epoch_mirrored, epoch_kept in zip(mirrored, kept, strict=True):
        # Every image is itself or its mirror; about half are mirrored.
        assert (epoch_mirrored | epoch_kept).all()
        assert 16 <= epoch_mirrored.sum() <= 48
    assert (mirrored[0] != mirrored[1]).any()
    with pytest.raises(TypeError, match="random_flip"):
        load_image_dataset("cifar10", batch_size=4, source="tfds", random_flip="yes")
