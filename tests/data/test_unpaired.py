"""Tests of the unpaired (CycleGAN) data: folders of real images, mocked tfds, offline errors."""

import pickle
import re
import time
import urllib.parse

import numpy as np
import PIL.Image
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from tensorflow_datasets.image_classification import cycle_gan as tfds_cycle_gan

from ganzoo.data import CYCLE_GAN_DATASETS
from ganzoo.data import UNPAIRED_SPLITS
from ganzoo.data import DataUnavailableError
from ganzoo.data import load_image_arrays
from ganzoo.data import load_unpaired_dataset
from ganzoo.data import load_unpaired_images
from ganzoo.data import preprocess_unpaired_image
from ganzoo.data import sources
from ganzoo.data import unpaired
from ganzoo.data import zip_unpaired

# Images per domain folder of the `unpaired_dir` fixture.
COUNTS = {"trainA": 10, "trainB": 6, "testA": 5, "testB": 3}


@pytest.fixture
def offline(monkeypatch):
    """Makes the download check report no network, and records its calls."""
    calls = []

    def unreachable(name, timeout=3.0):
        calls.append(name)
        return False, "cannot reach the host (patched offline)"

    monkeypatch.setattr(sources, "can_reach_download_host", unreachable)
    return calls


@pytest.fixture(scope="module")
def fashion_test_split():
    return load_image_arrays("fashion_mnist", "test", source="idx")


def _write_domain(directory, images, *, size, extension):
    """Saves real Fashion-MNIST images as RGB files; returns them as Pillow reads them back."""
    directory.mkdir(parents=True)
    written = []
    for index, image in enumerate(images):
        path = directory / f"{index:03d}{extension}"
        PIL.Image.fromarray(image[:, :, 0]).resize(size, PIL.Image.BICUBIC).convert("RGB").save(
            path
        )
        with PIL.Image.open(path) as stored:
            written.append(np.asarray(stored.convert("RGB")))
    return written


@pytest.fixture(scope="module")
def unpaired_dir(tmp_path_factory, fashion_test_split):
    """trainA/ trainB/ testA/ testB/ of real sneakers (A) and ankle boots (B).

    Train images are 40x40 PNGs (A) and 44x36 JPEGs (B); test images are 32x32
    PNGs, so at `image_size=32` the test resize keeps every pixel. Returns
    `(directory, {folder: list of the uint8 RGB arrays stored, in file order})`.
    """
    images, labels = fashion_test_split
    sneakers = images[labels == 7]
    boots = images[labels == 9]
    root = tmp_path_factory.mktemp("sneaker2boot")
    written = {
        "trainA": _write_domain(
            root / "trainA", sneakers[: COUNTS["trainA"]], size=(40, 40), extension=".png"
        ),
        "trainB": _write_domain(
            root / "trainB", boots[: COUNTS["trainB"]], size=(36, 44), extension=".jpg"
        ),
        "testA": _write_domain(
            root / "testA", sneakers[100 : 100 + COUNTS["testA"]], size=(32, 32), extension=".png"
        ),
        "testB": _write_domain(
            root / "testB", boots[100 : 100 + COUNTS["testB"]], size=(32, 32), extension=".png"
        ),
    }
    return root, written


def _scaled(image):
    return np.asarray(image, np.float32) / 127.5 - 1.0


def _bicubic(image, size):
    """TensorFlow's antialiased bicubic resize to `(size, size)`, clipped to `[-1, 1]`."""
    resized = tf.image.resize(image, (size, size), method="bicubic", antialias=True)
    return np.clip(resized.numpy(), -1.0, 1.0)


def _matches(image, candidates):
    """Indices of the candidates equal to `image` or to its mirror image."""
    return [
        index
        for index, candidate in enumerate(candidates)
        if np.allclose(image, candidate, atol=1e-5)
        or np.allclose(image, candidate[:, ::-1], atol=1e-5)
    ]


def _batches(dataset):
    return [(x.numpy(), y.numpy()) for x, y in dataset]


@pytest.mark.large
def test_train_batches_from_folders(unpaired_dir):
    root, _ = unpaired_dir
    dataset = load_unpaired_dataset(
        "sneaker2boot", data_dir=root, image_size=32, load_size=36, batch_size=3, seed=0
    )
    spec = tf.TensorSpec((3, 32, 32, 3), tf.float32)
    assert dataset.element_spec == (spec, spec)
    # max(10, 6) pairs per epoch, in batches of 3, the remainder dropped.
    assert int(dataset.cardinality()) == 10 // 3
    batches = _batches(dataset)
    assert len(batches) == 3
    values = np.concatenate([np.concatenate(pair) for pair in batches])
    assert values.dtype == np.float32
    assert values.min() >= -1.0 and values.max() <= 1.0
    # Real sneakers and boots: dark background and bright pixels both present.
    assert values.min() < -0.95 and values.max() > 0.9
    # Grayscale files give three equal channels after the RGB conversion.
    np.testing.assert_array_equal(values[..., 0], values[..., 1])


@pytest.mark.large
def test_epoch_sees_each_larger_domain_image_once(unpaired_dir):
    root, written = unpaired_dir
    # With load_size == image_size the crop keeps everything, so each output is
    # a resized file, possibly mirrored.
    dataset = load_unpaired_dataset(
        "sneaker2boot", data_dir=root, image_size=32, load_size=32, batch_size=1, seed=3
    )
    resized = {
        folder: [_bicubic(_scaled(image), 32) for image in written[folder]]
        for folder in ("trainA", "trainB")
    }
    for _ in range(2):
        pairs = _batches(dataset)
        assert len(pairs) == 10
        seen_x = [_matches(x[0], resized["trainA"]) for x, _ in pairs]
        seen_y = [_matches(y[0], resized["trainB"]) for _, y in pairs]
        assert all(len(match) == 1 for match in seen_x + seen_y)
        assert sorted(match[0] for match in seen_x) == list(range(10))
        # The 6 boots fill 10 slots: all appear, none more than twice.
        counts = np.bincount([match[0] for match in seen_y], minlength=6)
        assert counts.min() >= 1 and counts.max() <= 2


@pytest.mark.large
def test_domains_are_shuffled_independently(tmp_path, fashion_test_split):
    images, _ = fashion_test_split
    # The same eight images in both domains: identical shuffles would pair
    # every image with itself.
    same = _write_domain(tmp_path / "trainA", images[:8], size=(16, 16), extension=".png")
    _write_domain(tmp_path / "trainB", images[:8], size=(16, 16), extension=".png")
    dataset = load_unpaired_dataset(
        "same", data_dir=tmp_path, image_size=16, load_size=16, batch_size=1, seed=0
    )
    candidates = [_scaled(image) for image in same]
    for _ in range(3):
        pairs = _batches(dataset)
        matched = [(_matches(x[0], candidates), _matches(y[0], candidates)) for x, y in pairs]
        assert sum(match_x == match_y for match_x, match_y in matched) < len(pairs)


@pytest.mark.large
def test_random_crop_varies_and_seed_reproduces(unpaired_dir):
    root, _ = unpaired_dir

    def build(seed):
        # One image per domain: only the crop and flip can change a batch.
        return load_unpaired_dataset(
            "sneaker2boot",
            data_dir=root,
            image_size=24,
            load_size=40,
            batch_size=1,
            seed=seed,
            take=1,
        )

    dataset = build(seed=7)
    epochs = [_batches(dataset) for _ in range(4)]
    assert all(len(epoch) == 1 for epoch in epochs)
    first_x = [epoch[0][0] for epoch in epochs]
    assert any(not np.array_equal(first_x[0], other) for other in first_x[1:])
    # A new dataset with the same seed starts with the same batch.
    again = _batches(build(seed=7))
    np.testing.assert_array_equal(again[0][0], epochs[0][0][0])
    np.testing.assert_array_equal(again[0][1], epochs[0][0][1])
    other = _batches(build(seed=8))
    assert not np.array_equal(other[0][0], epochs[0][0][0])


@pytest.mark.large
def test_test_split_is_ordered_unflipped_and_cycles_the_smaller_domain(unpaired_dir):
    root, written = unpaired_dir
    dataset = load_unpaired_dataset(
        "sneaker2boot", split="test", data_dir=root, image_size=32, batch_size=2
    )
    first = _batches(dataset)
    second = _batches(dataset)
    # max(5, 3) = 5 pairs, the last batch kept.
    assert [x.shape[0] for x, _ in first] == [2, 2, 1]
    for (x_one, y_one), (x_two, y_two) in zip(first, second, strict=True):
        np.testing.assert_array_equal(x_one, x_two)
        np.testing.assert_array_equal(y_one, y_two)
    x = np.concatenate([x for x, _ in first])
    y = np.concatenate([y for _, y in first])
    # Test files are already 32x32: the resize keeps them, unflipped, in order.
    expected_x = np.stack([_scaled(image) for image in written["testA"]])
    expected_y = np.stack([_scaled(written["testB"][index % 3]) for index in range(5)])
    np.testing.assert_allclose(x, expected_x, atol=1e-5)
    np.testing.assert_allclose(y, expected_y, atol=1e-5)
    images = load_unpaired_images("sneaker2boot", "testA", data_dir=root, image_size=32)
    assert images.dtype == np.float32 and images.shape == (5, 32, 32, 3)
    np.testing.assert_allclose(images, expected_x, atol=1e-5)


@pytest.mark.large
def test_test_resize_is_a_whole_image_bicubic_resize(unpaired_dir):
    root, written = unpaired_dir
    images = load_unpaired_images("sneaker2boot", "trainB", data_dir=root, image_size=24, take=4)
    assert images.shape == (4, 24, 24, 3)
    for image, original in zip(images, written["trainB"], strict=False):
        # Pillow's bicubic (the official code's resize) of the whole 44x36 file.
        reference = _scaled(PIL.Image.fromarray(original).resize((24, 24), PIL.Image.BICUBIC))
        assert np.abs(image - reference).mean() < 0.02


def test_preprocess_training_is_a_crop_of_the_loaded_image():
    image = tf.constant(np.arange(20 * 30 * 3).reshape(20, 30, 3) % 256, tf.uint8)
    loaded = _bicubic(_scaled(image), 12)
    windows = [loaded[top : top + 8, left : left + 8] for top in range(5) for left in range(5)]
    outputs = []
    for seed in range(12):
        output = preprocess_unpaired_image(
            image, training=True, image_size=8, load_size=12, seed=[seed, 0]
        ).numpy()
        assert output.shape == (8, 8, 3) and output.dtype == np.float32
        assert len(_matches(output, windows)) >= 1
        outputs.append(output)
    # Twelve seeds give more than one crop, and the same seed the same one.
    assert len({output.tobytes() for output in outputs}) > 1
    repeat = preprocess_unpaired_image(
        image, training=True, image_size=8, load_size=12, seed=[3, 0]
    )
    np.testing.assert_array_equal(repeat.numpy(), outputs[3])


def test_preprocess_argument_errors():
    image = tf.zeros((10, 10, 3), tf.uint8)
    with pytest.raises(TypeError, match="Expected a uint8 image, received dtype float32"):
        preprocess_unpaired_image(tf.zeros((10, 10, 3)), training=False, image_size=8)
    with pytest.raises(ValueError, match=r"received shape \(2, 10, 10, 3\)"):
        preprocess_unpaired_image(tf.zeros((2, 10, 10, 3), tf.uint8), training=False)
    with pytest.raises(ValueError, match="training=True needs seed"):
        preprocess_unpaired_image(image, training=True, image_size=8, load_size=9)
    with pytest.raises(ValueError, match="received load_size=7 and image_size=8"):
        preprocess_unpaired_image(image, training=False, image_size=8, load_size=7)


def test_zip_unpaired_epoch_length_and_cycling():
    x = tf.data.Dataset.range(7)
    y = tf.data.Dataset.range(100, 103)
    ordered = zip_unpaired(x, y, batch_size=7, shuffle=False)
    ((batch_x, batch_y),) = _batches(ordered)
    assert batch_x.tolist() == list(range(7))
    assert batch_y.tolist() == [100, 101, 102, 100, 101, 102, 100]
    shuffled = zip_unpaired(x, y, batch_size=2, seed=0)
    assert int(shuffled.cardinality()) == 3
    for _ in range(2):
        pairs = _batches(shuffled)
        assert len(pairs) == 3
        # 6 of the 7 pairs are kept (drop_remainder); no x repeats in an epoch.
        values_x = np.concatenate([batch for batch, _ in pairs])
        assert len(set(values_x.tolist())) == 6
    # An unknown cardinality is counted.
    filtered = zip_unpaired(x.filter(lambda value: value % 2 == 0), y, batch_size=1, shuffle=False)
    assert [int(batch[0]) for batch, _ in filtered] == [0, 2, 4, 6]


def test_zip_unpaired_smaller_domain_passes_do_not_depend_on_live_iterators():
    # The smaller domain cycles within an epoch; each of its passes must get
    # its order from the seed alone, not from how far another live iterator
    # (Keras' build iterator) has advanced.
    def second_epoch(drain):
        pairs = zip_unpaired(
            tf.data.Dataset.range(12), tf.data.Dataset.range(3), batch_size=12, seed=5
        )
        live = iter(pairs)
        if drain:
            next(live)
        (batch,) = list(pairs.as_numpy_iterator())
        return batch[1].tolist()

    alive, drained = second_epoch(False), second_epoch(True)
    assert alive == drained
    assert all(sorted(alive[i : i + 3]) == [0, 1, 2] for i in range(0, 12, 3))
    assert len({tuple(alive[i : i + 3]) for i in range(0, 12, 3)}) > 1


def test_zip_unpaired_passes_distinct_seeds_to_preprocess():
    x = tf.data.Dataset.range(4)

    def preprocess(element, seed):
        return seed

    dataset = zip_unpaired(x, x, batch_size=4, seed=1, preprocess=preprocess)
    ((seeds_x, seeds_y),) = _batches(dataset)
    ((next_x, _),) = _batches(dataset)
    assert seeds_x.shape == (4, 2) and seeds_x.dtype == np.int64
    all_seeds = {tuple(seed) for seed in np.concatenate([seeds_x, seeds_y, next_x])}
    assert len(all_seeds) == 12


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be a positive int, received 0"),
        ({"batch_size": 5}, ValueError, "4 pairs, fewer than batch_size=5"),
        ({"batch_size": 2, "seed": -1}, ValueError, "seed must be None or a non-negative int"),
        ({"batch_size": 2, "shuffle_buffer": 0}, ValueError, "shuffle_buffer must be None"),
        ({"batch_size": 2, "preprocess": "resize"}, TypeError, "preprocess must be callable"),
    ],
)
def test_zip_unpaired_argument_errors(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        zip_unpaired(tf.data.Dataset.range(4), tf.data.Dataset.range(2), **kwargs)


def test_zip_unpaired_rejects_empty_and_infinite():
    with pytest.raises(ValueError, match="dataset_y is empty"):
        zip_unpaired(tf.data.Dataset.range(4), tf.data.Dataset.range(0), batch_size=1)
    with pytest.raises(ValueError, match="dataset_x must be finite"):
        zip_unpaired(tf.data.Dataset.range(4).repeat(), tf.data.Dataset.range(2), batch_size=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "horse2zebr"}, "Unknown CycleGAN dataset 'horse2zebr' for tfds"),
        ({"name": ""}, "name must be a non-empty str, received ''"),
        ({"split": "val"}, "Unknown split 'val'"),
        ({"split": "trainA"}, "Unknown split 'trainA'"),
        ({"image_size": 0}, "image_size must be a positive int, received 0"),
        ({"image_size": 2.5}, "image_size must be a positive int, received 2.5"),
        ({"image_size": True}, "image_size must be a positive int, received True"),
        ({"load_size": "286"}, "load_size must be a positive int, received '286'"),
        ({"image_size": 256, "load_size": 200}, "received load_size=200 and image_size=256"),
        ({"batch_size": -1}, "batch_size must be a positive int, received -1"),
        ({"take": 0}, "take must be None or a positive int, received 0"),
        ({"seed": "0"}, "seed must be None or a non-negative int, received '0'"),
        ({"source": "web"}, "Unknown source 'web'"),
        ({"source": "folders"}, "source='folders' needs data_dir"),
    ],
)
def test_load_argument_errors(kwargs, message, offline):
    with pytest.raises(ValueError, match=re.escape(message)):
        load_unpaired_dataset(**kwargs)
    assert offline == []


def test_load_images_argument_errors():
    with pytest.raises(ValueError, match="Unknown domain split 'test'"):
        load_unpaired_images("horse2zebra", "test")
    with pytest.raises(ValueError, match="image_size must be a positive int, received 0"):
        load_unpaired_images("horse2zebra", "testA", image_size=0)


@pytest.mark.large
def test_missing_domain_folder_and_corrupt_file(tmp_path, fashion_test_split):
    images, _ = fashion_test_split
    _write_domain(tmp_path / "trainA", images[:3], size=(16, 16), extension=".png")
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "trainB"))):
        load_unpaired_dataset("x2y", data_dir=tmp_path, image_size=16, load_size=16)
    _write_domain(tmp_path / "trainB", images[3:6], size=(16, 16), extension=".jpg")
    (tmp_path / "trainB" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ValueError, match="broken.jpg"):
        load_unpaired_dataset("x2y", data_dir=tmp_path, image_size=16, load_size=16)


def test_tfds_data_dir_passed_as_folders_gets_a_hint(tmp_path):
    (tmp_path / "cycle_gan" / "horse2zebra").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="for a tfds data directory pass source='tfds'"):
        load_unpaired_dataset(data_dir=tmp_path)


def test_tfds_mock_data(offline):
    with tfds.testing.mock_data(num_examples=5):
        dataset = load_unpaired_dataset(image_size=16, load_size=20, batch_size=2, seed=0)
        test_dataset = load_unpaired_dataset(split="test", image_size=16, batch_size=2)
        images = load_unpaired_images("horse2zebra", "testB", image_size=16, source="tfds")
        small = load_unpaired_dataset(image_size=16, load_size=16, batch_size=2, take=3)
    spec = tf.TensorSpec((2, 16, 16, 3), tf.float32)
    assert dataset.element_spec == (spec, spec)
    # Mocked images have random sizes; the resize gives them all 16x16.
    batches = _batches(dataset)
    assert len(batches) == 2
    values = np.concatenate([np.concatenate(pair) for pair in batches])
    assert values.min() >= -1.0 and values.max() <= 1.0
    assert values.min() < -0.5 and values.max() > 0.5
    assert [x.shape[0] for x, _ in _batches(test_dataset)] == [2, 2, 1]
    assert images.shape == (5, 16, 16, 3) and images.dtype == np.float32
    assert len(_batches(small)) == 1
    # Mocked data counts as prepared: no download was considered.
    assert offline == []


def test_offline_without_data_fails_at_once_and_says_how_to_get_it(tmp_path, offline):
    start = time.monotonic()
    # An empty tfds data directory: tfds finds nothing prepared.
    with pytest.raises(DataUnavailableError) as raised:
        load_unpaired_dataset("horse2zebra", data_dir=tmp_path, source="tfds")
    assert time.monotonic() - start < 10.0
    assert offline == ["cycle_gan"]
    error = raised.value
    message = str(error)
    assert error.name == "cycle_gan/horse2zebra"
    assert "could not find data" in message
    assert "skipped, cannot reach the host (patched offline)" in message
    assert "--data-dir DIR" in message
    assert "trainA/, trainB/, testA/ and testB/" in message
    assert "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/horse2zebra.zip" in message
    assert "tfds build cycle_gan/horse2zebra" in message
    assert "TFDS_DATA_DIR" in message
    assert str(pickle.loads(pickle.dumps(error))) == message


def test_auto_without_data_dir_reads_tfds_then_fails_at_once(monkeypatch, offline):
    calls = []

    def not_prepared(tfds_name, split, *, data_dir, download):
        calls.append((tfds_name, split, data_dir, download))
        raise AssertionError(f"Dataset {tfds_name}: could not find data (patched)")

    monkeypatch.setattr(unpaired, "_read_tfds_split", not_prepared)
    with pytest.raises(DataUnavailableError, match="--data-dir") as raised:
        load_unpaired_images("monet2photo", "testB")
    assert calls == [("cycle_gan/monet2photo", "testB", None, False)]
    assert offline == ["cycle_gan"]
    assert "split 'testB' of dataset 'cycle_gan/monet2photo'" in str(raised.value)


def test_download_runs_only_when_the_host_answers(monkeypatch):
    calls = []

    def fake_tfds(tfds_name, split, *, data_dir, download):
        calls.append((split, download))
        if not download:
            raise AssertionError("not prepared")
        return tf.data.Dataset.from_tensors(tf.io.encode_png(tf.zeros((5, 7, 3), tf.uint8)))

    monkeypatch.setattr(unpaired, "_read_tfds_split", fake_tfds)
    monkeypatch.setattr(sources, "can_reach_download_host", lambda name, timeout: (True, ""))
    images = load_unpaired_images("facades", "trainA", image_size=4)
    assert calls == [("trainA", False), ("trainA", True)]
    np.testing.assert_allclose(images, -np.ones((1, 4, 4, 3), np.float32), atol=1e-6)


def test_names_and_host_match_the_tfds_builder():
    builder_configs = tuple(config.name for config in tfds_cycle_gan.CycleGAN.BUILDER_CONFIGS)
    assert CYCLE_GAN_DATASETS == builder_configs
    assert UNPAIRED_SPLITS == ("trainA", "trainB", "testA", "testB")
    url = urllib.parse.urlsplit(tfds_cycle_gan._DL_URL)
    assert sources.DOWNLOAD_HOSTS["cycle_gan"] == (url.hostname, 443)
    assert url.scheme == "https"
