import doctest
import importlib
import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.augmentation import diff_augment
from ganzoo.augmentation import rand_brightness
from ganzoo.augmentation import rand_contrast
from ganzoo.augmentation import rand_cutout
from ganzoo.augmentation import rand_saturation
from ganzoo.augmentation import rand_translation

POLICIES = ["color", "translation", "cutout", "color,translation,cutout", "cutout, color"]


def _images(count, shape=(16, 16, 3), seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (count, *shape)).astype(np.float32)


def test_shape_and_dtype_are_preserved():
    for policy, dtype in itertools.product(POLICIES, ["float32", "bfloat16"]):
        images = tf.cast(_images(3), dtype)
        augmented = diff_augment(images, policy=policy, seed=0)
        assert augmented.shape == images.shape
        assert augmented.dtype == images.dtype
        assert np.all(np.isfinite(tf.cast(augmented, "float32").numpy()))


def test_empty_policy_returns_the_images():
    images = tf.constant(_images(2))
    assert diff_augment(images, policy="", seed=0) is images


def test_unknown_policy_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"'colour'.*\['color', 'cutout', 'translation'\]"):
        diff_augment(_images(1), policy="colour,cutout", seed=0)
    with pytest.raises(TypeError, match="policy"):
        diff_augment(_images(1), policy=["color"], seed=0)


def test_bad_images_and_seeds_raise():
    with pytest.raises(TypeError, match="floating-point.*uint8"):
        diff_augment(np.zeros((1, 8, 8, 3), np.uint8), seed=0)
    with pytest.raises(ValueError, match=r"\(batch, height, width, channels\)"):
        diff_augment(np.zeros((8, 8, 3), np.float32), seed=0)
    with pytest.raises(TypeError, match="seed"):
        diff_augment(_images(1), seed="0")


def test_gradients_flow_to_images_and_to_a_generator():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8 * 8 * 3, activation="tanh"),
            keras.layers.Reshape((8, 8, 3)),
        ]
    )
    z = np.random.default_rng(1).normal(size=(4, 4)).astype(np.float32)
    projection = tf.constant(np.random.default_rng(2).normal(size=(4, 8, 8, 3)), tf.float32)
    for policy in POLICIES:
        images = tf.constant(_images(4, (8, 8, 3)))
        with tf.GradientTape() as tape:
            tape.watch(images)
            value = tf.reduce_sum(projection * diff_augment(images, policy, seed=3))
        image_gradient = tape.gradient(value, images).numpy()
        assert np.all(np.isfinite(image_gradient)) and np.abs(image_gradient).max() > 0
        with tf.GradientTape() as tape:
            fakes = generator(z, training=True)
            value = tf.reduce_sum(projection * diff_augment(fakes, policy, seed=3))
        for gradient in tape.gradient(value, generator.trainable_variables):
            assert np.all(np.isfinite(gradient.numpy())) and np.abs(gradient.numpy()).max() > 0


def test_seeds_make_the_augmentation_deterministic():
    images = _images(4)
    first = diff_augment(images, seed=5).numpy()
    np.testing.assert_array_equal(diff_augment(images, seed=5).numpy(), first)
    assert not np.array_equal(diff_augment(images, seed=6).numpy(), first)
    generator_a = keras.random.SeedGenerator(9)
    generator_b = keras.random.SeedGenerator(9)
    from_a = [diff_augment(images, seed=generator_a).numpy() for _ in range(2)]
    from_b = [diff_augment(images, seed=generator_b).numpy() for _ in range(2)]
    np.testing.assert_array_equal(from_a[0], from_b[0])
    np.testing.assert_array_equal(from_a[1], from_b[1])
    assert not np.array_equal(from_a[0], from_a[1])
    stateless = tf.constant([9, 1], tf.int64)
    np.testing.assert_array_equal(
        diff_augment(images, seed=stateless).numpy(),
        diff_augment(images, seed=stateless).numpy(),
    )


def _numpy_shift(image, shift_y, shift_x):
    """Output pixel (i, j) is input pixel (i + shift_y, j + shift_x), else 0."""
    height, width = image.shape[:2]
    output = np.zeros_like(image)
    for i, j in itertools.product(range(height), range(width)):
        if 0 <= i + shift_y < height and 0 <= j + shift_x < width:
            output[i, j] = image[i + shift_y, j + shift_x]
    return output


def test_translation_moves_content_by_whole_pixels_with_zero_fill():
    # 16 x 8 images: shifts up to 16 // 8 = 2 rows and 8 // 8 = 1 column.
    count, height, width = 64, 16, 8
    images = (np.arange(count * height * width * 2, dtype=np.float32) + 1).reshape(
        count, height, width, 2
    )
    translated = rand_translation(images, seed=4).numpy()
    shifts = []
    for image, output in zip(images, translated, strict=True):
        matches = [
            (shift_y, shift_x)
            for shift_y in range(-2, 3)
            for shift_x in range(-1, 2)
            if np.array_equal(output, _numpy_shift(image, shift_y, shift_x))
        ]
        assert len(matches) == 1
        shifts.append(matches[0])
    assert {shift_y for shift_y, _ in shifts} == {-2, -1, 0, 1, 2}
    assert {shift_x for _, shift_x in shifts} == {-1, 0, 1}


def test_cutout_zeros_a_half_size_rectangle():
    # 16 x 8 images: an 8 x 4 rectangle centred at (c_y, c_x), c_y in [0, 16],
    # c_x in [0, 8], clipped at the border.
    count, height, width = 64, 16, 8
    images = np.ones((count, height, width, 2), np.float32)
    output = rand_cutout(images, seed=2).numpy()
    assert set(np.unique(output)) == {0.0, 1.0}
    full_rectangles = 0
    for sample in output:
        np.testing.assert_array_equal(sample[..., 0], sample[..., 1])
        zeros = sample[..., 0] == 0
        matches = []
        for centre_y, centre_x in itertools.product(range(height + 1), range(width + 1)):
            expected = np.zeros((height, width), bool)
            expected[max(centre_y - 4, 0) : centre_y + 4, max(centre_x - 2, 0) : centre_x + 2] = (
                True
            )
            if np.array_equal(zeros, expected):
                matches.append((centre_y, centre_x))
        assert len(matches) == 1
        full_rectangles += int(zeros.sum() == 8 * 4)
    assert full_rectangles > 0


def test_brightness_adds_one_offset_per_image_in_half_unit_range():
    images = _images(64)
    offsets = rand_brightness(images, seed=1).numpy() - images
    per_image = offsets.reshape(64, -1)
    np.testing.assert_allclose(per_image, per_image[:, :1] * np.ones_like(per_image), atol=1e-6)
    assert per_image.min() >= -0.5 and per_image.max() < 0.5
    assert per_image.min() < -0.4 and per_image.max() > 0.4


def test_saturation_scales_the_deviation_from_the_channel_mean():
    images = _images(64)
    output = rand_saturation(images, seed=1).numpy()
    mean = images.mean(axis=3, keepdims=True)
    np.testing.assert_allclose(output.mean(axis=3, keepdims=True), mean, atol=1e-5)
    deviation = (images - mean).reshape(64, -1)
    factors = np.sum((output - mean).reshape(64, -1) * deviation, axis=1) / np.sum(
        deviation**2, axis=1
    )
    np.testing.assert_allclose(
        (output - mean).reshape(64, -1), factors[:, None] * deviation, atol=1e-5
    )
    assert factors.min() >= 0.0 and factors.max() < 2.0
    assert factors.min() < 0.2 and factors.max() > 1.8


def test_contrast_scales_the_deviation_from_the_image_mean():
    images = _images(64)
    output = rand_contrast(images, seed=1).numpy()
    mean = images.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(output.mean(axis=(1, 2, 3), keepdims=True), mean, atol=1e-5)
    deviation = (images - mean).reshape(64, -1)
    factors = np.sum((output - mean).reshape(64, -1) * deviation, axis=1) / np.sum(
        deviation**2, axis=1
    )
    np.testing.assert_allclose(
        (output - mean).reshape(64, -1), factors[:, None] * deviation, atol=1e-5
    )
    assert factors.min() >= 0.5 and factors.max() < 1.5
    assert factors.min() < 0.6 and factors.max() > 1.4


def test_value_range_translation_and_cutout_keep_it_color_does_not_clip():
    images = _images(32)
    for policy in ("translation", "cutout", "translation,cutout"):
        output = diff_augment(images, policy, seed=0).numpy()
        assert output.min() >= -1.0 and output.max() <= 1.0
    # A flat grey image only sees the brightness offset, which is not clipped.
    flat = np.full((32, 8, 8, 3), 0.9, np.float32)
    output = diff_augment(flat, "color", seed=0).numpy()
    assert output.max() > 1.0


def test_runs_in_tf_function_and_under_xla():
    images = _images(2, (8, 8, 3))
    seed = keras.random.SeedGenerator(2)
    compiled = tf.function(lambda x: diff_augment(x, seed=seed), jit_compile=True)
    first, second = compiled(images).numpy(), compiled(images).numpy()
    assert first.shape == images.shape and not np.array_equal(first, second)
    traced = tf.function(lambda x: diff_augment(x, seed=7))
    np.testing.assert_allclose(traced(images), diff_augment(images, seed=7), atol=1e-6)


def test_two_replicas_augment_as_one_device(mirrored_strategy):
    images = _images(8)
    with mirrored_strategy.scope():
        distributed_seed = keras.random.SeedGenerator(4)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8)
    batch = next(iter(mirrored_strategy.experimental_distribute_dataset(dataset)))

    @tf.function
    def distributed(batch):
        return mirrored_strategy.run(lambda x: diff_augment(x, seed=distributed_seed), (batch,))

    parts = mirrored_strategy.experimental_local_results(distributed(batch))
    single = diff_augment(images, seed=keras.random.SeedGenerator(4)).numpy()
    np.testing.assert_allclose(np.concatenate([p.numpy() for p in parts]), single, atol=1e-6)


def test_docstring_examples_run():
    module = importlib.import_module("ganzoo.augmentation.diff_augment")
    failures, attempts = doctest.testmod(module, verbose=False, report=True)
    assert attempts > 0
    assert failures == 0
