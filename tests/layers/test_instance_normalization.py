import keras
import numpy as np

from ganzoo.layers import InstanceNormalization

EPSILON = 1e-5


def _images_with_per_slice_statistics(seed=0):
    """(3, 6, 7, 4) images whose (image, channel) slices differ in scale and offset."""
    rng = np.random.default_rng(seed)
    scales = rng.uniform(0.5, 20.0, (3, 1, 1, 4))
    offsets = rng.uniform(-50.0, 50.0, (3, 1, 1, 4))
    return (rng.normal(size=(3, 6, 7, 4)) * scales + offsets).astype(np.float32)


def _numpy_instance_norm(images):
    mean = images.mean(axis=(1, 2), keepdims=True)
    variance = images.var(axis=(1, 2), keepdims=True)
    return (images - mean) / np.sqrt(variance + EPSILON)


def test_each_image_and_channel_is_normalized_over_height_and_width():
    images = _images_with_per_slice_statistics()
    output = keras.ops.convert_to_numpy(InstanceNormalization()(images))
    np.testing.assert_allclose(output.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(output.std(axis=(1, 2)), 1.0, atol=1e-4)
    np.testing.assert_allclose(output, _numpy_instance_norm(images), rtol=1e-4, atol=1e-4)


def test_statistics_are_per_image_not_per_batch():
    images = _images_with_per_slice_statistics()
    layer = InstanceNormalization()
    alone = keras.ops.convert_to_numpy(layer(images[:1]))
    changed = images.copy()
    changed[1:] = changed[1:] * 100.0 + 7.0
    for batch in (images, changed):
        output = keras.ops.convert_to_numpy(layer(batch))
        np.testing.assert_allclose(output[:1], alone, rtol=1e-5, atol=1e-5)


def test_training_and_inference_agree():
    images = _images_with_per_slice_statistics(seed=1)
    layer = InstanceNormalization()
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(images, training=True)),
        keras.ops.convert_to_numpy(layer(images, training=False)),
    )


def test_defaults_match_pytorch_affine_free_instance_norm():
    layer = InstanceNormalization()
    layer.build((None, 6, 7, 4))
    assert layer.epsilon == EPSILON
    assert layer.weights == []
    affine = InstanceNormalization(center=True, scale=True)
    affine.build((None, 6, 7, 4))
    assert [tuple(weight.shape) for weight in affine.weights] == [(4,), (4,)]


def test_config_round_trip_after_build():
    layer = InstanceNormalization(epsilon=1e-3, scale=True, name="norm")
    images = _images_with_per_slice_statistics()
    layer(images)
    config = layer.get_config()
    assert "groups" not in config
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(restored) is InstanceNormalization
    assert restored.get_config() == config
    restored.set_weights(layer.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(restored(images)), keras.ops.convert_to_numpy(layer(images))
    )
