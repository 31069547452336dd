import keras
import numpy as np
import pytest

from ganzoo.networks.conditional_batch_normalization import ConditionalBatchNormalization


def _layer_with_tables(num_classes=3, channels=4):
    layer = ConditionalBatchNormalization(num_classes, epsilon=1e-3)
    layer.build([(None, 5, 5, channels), (None,)])
    rng = np.random.default_rng(0)
    gamma = rng.normal(1.0, 0.5, (num_classes, channels)).astype(np.float32)
    beta = rng.normal(0.0, 0.5, (num_classes, channels)).astype(np.float32)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    return layer, gamma, beta


def test_training_output_matches_numpy_with_per_class_scale_and_offset():
    layer, gamma, beta = _layer_with_tables()
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 3.0, (6, 5, 5, 4)).astype(np.float32)
    labels = np.array([0, 1, 2, 2, 1, 0], np.int32)
    mean = x.mean(axis=(0, 1, 2))
    variance = x.var(axis=(0, 1, 2))
    normalized = (x - mean) / np.sqrt(variance + 1e-3)
    expected = normalized * gamma[labels][:, None, None, :] + beta[labels][:, None, None, :]
    output = keras.ops.convert_to_numpy(layer([x, labels], training=True))
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-4)


def test_inference_uses_moving_statistics_and_the_class_tables():
    layer, gamma, beta = _layer_with_tables()
    x = np.ones((2, 5, 5, 4), np.float32)
    output = keras.ops.convert_to_numpy(layer([x, np.array([1, 2], np.int32)], training=False))
    # Fresh moving statistics are mean 0, variance 1.
    scale = 1.0 / np.sqrt(1.0 + 1e-3)
    np.testing.assert_allclose(output[0, 0, 0], scale * gamma[1] + beta[1], rtol=1e-5)
    np.testing.assert_allclose(output[1, 3, 2], scale * gamma[2] + beta[2], rtol=1e-5)


def test_config_round_trip():
    layer = ConditionalBatchNormalization(5, synchronized=True, momentum=0.9, name="cbn")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert restored.get_config() == layer.get_config()


@pytest.mark.parametrize("shape", [(4, 3), (4, 2, 2, 3)])
def test_works_on_dense_and_convolutional_features(shape):
    layer = ConditionalBatchNormalization(2)
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    output = layer([x, np.array([0, 1, 1, 0], np.int32)], training=True)
    assert tuple(output.shape) == shape
