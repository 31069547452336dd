import numpy as np
import pytest

from ganzoo.data import select_labelled_subset
from ganzoo.data import semi_supervised_dataset


def _images_and_labels(count=200, num_classes=10, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 8, 8, 1), dtype=np.uint8)
    labels = np.arange(count) % num_classes
    return images, rng.permutation(labels)


@pytest.mark.parametrize("num_labels", [10, 25, 50])
def test_subset_is_balanced_seeded_and_seed_dependent(num_labels):
    _, labels = _images_and_labels()
    subset = select_labelled_subset(labels, num_labels, 10, seed=3)
    assert len(subset) == num_labels == len(np.unique(subset))
    counts = np.bincount(labels[subset], minlength=10)
    assert counts.max() - counts.min() <= 1
    np.testing.assert_array_equal(subset, select_labelled_subset(labels, num_labels, 10, seed=3))
    assert not np.array_equal(subset, select_labelled_subset(labels, num_labels, 10, seed=4))


def test_subset_rejects_bad_labels_and_impossible_requests():
    _, labels = _images_and_labels()
    with pytest.raises(ValueError, match=r"outside|\[0, 10\).*\[10\]"):
        select_labelled_subset(np.append(labels, 10), 20, 10, seed=0)
    with pytest.raises(TypeError, match="integers"):
        select_labelled_subset(labels.astype(np.float32), 20, 10, seed=0)
    with pytest.raises(ValueError, match="Class .* has 20 examples, fewer than its share of 21"):
        select_labelled_subset(labels, 210, 10, seed=0)
    with pytest.raises(ValueError, match="num_labels"):
        select_labelled_subset(labels, 0, 10, seed=0)


def test_pipeline_labels_only_the_subset_and_unlabelled_stream_has_no_labels():
    images, labels = _images_and_labels()
    data = semi_supervised_dataset(
        images, labels, num_labels=20, num_classes=10, batch_size=32, labelled_batch_size=16, seed=1
    )
    subset_images = {images[i].tobytes(): int(labels[i]) for i in data.labelled_indices}
    assert len(subset_images) == 20
    np.testing.assert_array_equal(data.labelled_labels, labels[data.labelled_indices])
    seen_labelled, seen_unlabelled = [], 0
    for batch in data.dataset:
        assert set(batch) == {"images", "labelled_images", "labels"}
        assert batch["images"].shape == (32, 8, 8, 1)
        assert batch["labelled_images"].shape == (16, 8, 8, 1)
        seen_unlabelled += len(batch["images"])
        assert -1.0 <= float(np.min(batch["images"])) and float(np.max(batch["images"])) <= 1.0
        pixels = np.round((batch["labelled_images"].numpy() + 1.0) * 127.5).astype(np.uint8)
        for image, label in zip(pixels, batch["labels"].numpy(), strict=True):
            seen_labelled.append((image.tobytes(), int(label)))
    # One epoch is one pass over the unlabelled images (drop_remainder).
    assert seen_unlabelled == 200 // 32 * 32
    # Every labelled example comes from the subset, with its true label.
    assert all(subset_images.get(key) == label for key, label in seen_labelled)
    assert len(seen_labelled) == 6 * 16


def _labelled_passes(iterator, steps):
    """The labelled batches' pixel keys, one tuple per step."""
    return [
        tuple(image.tobytes() for image in next(iterator)["labelled_images"].numpy())
        for _ in range(steps)
    ]


def test_labelled_passes_are_permutations_fresh_each_epoch_and_race_free():
    images, labels = _images_and_labels()
    kwargs = dict(num_labels=10, num_classes=10, batch_size=50, labelled_batch_size=10, seed=2)
    data = semi_supervised_dataset(images, labels, **kwargs).dataset
    assert int(data.cardinality()) == 200 // 50  # the epoch's length stays known
    first = _labelled_passes(iter(data), 4)
    # Each step's batch is one pass: every labelled example once, in a new order.
    assert all(len(set(batch)) == 10 for batch in first)
    assert len({batch for batch in first}) == 4
    second = _labelled_passes(iter(data), 4)
    assert set(first[0]) == set(second[0]) and first != second
    # A second iterator sees the same batches whether the first, still alive,
    # has drained its passes or not (Keras' build iterator stays alive while
    # fit trains): a seed state shared through `repeat()` made them differ.
    for drain in (False, True):
        data = semi_supervised_dataset(images, labels, **kwargs).dataset
        live = iter(data)
        if drain:
            _labelled_passes(live, 4)
        assert _labelled_passes(iter(data), 4) == second


def test_pipeline_rejects_out_of_range_labels_and_mismatched_lengths():
    images, labels = _images_and_labels()
    bad = labels.copy()
    bad[7] = -1
    with pytest.raises(ValueError, match=r"\[0, 10\).*\[-1\]"):
        semi_supervised_dataset(images, bad, num_labels=20, num_classes=10, batch_size=8)
    with pytest.raises(ValueError, match="199 labels"):
        semi_supervised_dataset(images, labels[:-1], num_labels=20, num_classes=10, batch_size=8)
    with pytest.raises(TypeError, match="uint8"):
        semi_supervised_dataset(
            images.astype(np.float32), labels, num_labels=20, num_classes=10, batch_size=8
        )


def test_loader_draws_labels_and_stream_from_a_training_slice_and_refuses_test(
    tmp_path, write_mnist_like_dir
):
    from ganzoo.data import load_semi_supervised_dataset

    splits = write_mnist_like_dir(tmp_path, num_train=40, num_test=10)
    data = load_semi_supervised_dataset(
        "fashion_mnist",
        num_labels=10,
        batch_size=5,
        split="train[:20]",
        source="idx",
        data_dir=tmp_path,
    )
    # Every unlabelled image and every labelled one is among the first 20.
    first = {image.tobytes() for image in splits["train"][0][:20]}
    assert data.labelled_indices.max() < 20
    for batch in data.dataset.take(8):
        for key in ("images", "labelled_images"):
            pixels = np.rint((np.asarray(batch[key])[..., 0] + 1) * 127.5).astype(np.uint8)
            assert all(image.tobytes() in first for image in pixels)
    with pytest.raises(ValueError, match="test split is for the classifier"):
        load_semi_supervised_dataset(
            "fashion_mnist",
            num_labels=10,
            batch_size=5,
            split="test",
            source="idx",
            data_dir=tmp_path,
        )
