"""Tests for `DomainClassifier`, the classifier whose penultimate layer gives FID features."""

import keras
import numpy as np
import pytest

from ganzoo.networks import DomainClassifier


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype(np.float32)


@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3)], ids=["28x28x1", "32x32x3"])
def test_logits_and_features_shapes(image_shape):
    classifier = DomainClassifier(image_shape, num_classes=7, base_filters=4, feature_dim=12)
    images = _images((2, *image_shape))
    logits = keras.ops.convert_to_numpy(classifier(images, training=False))
    features = keras.ops.convert_to_numpy(classifier.features_model(images, training=False))
    assert logits.shape == (2, 7) and logits.dtype == np.float32
    assert features.shape == (2, 12) and features.dtype == np.float32
    # The features come after a ReLU.
    assert features.min() >= 0.0 and features.max() > 0.0
    assert classifier.inputs[0].name == "images"


def test_variable_image_size():
    classifier = DomainClassifier((None, None, 3), base_filters=4, feature_dim=8)
    for size in (9, 20, 64):
        images = _images((1, size, size, 3))
        assert tuple(classifier(images).shape) == (1, 10)
        assert tuple(classifier.features_model(images).shape) == (1, 8)


def test_features_are_the_penultimate_layer():
    # In inference (no dropout) the logits are an affine map of the features,
    # so the features model exposes exactly what the last layer sees.
    classifier = DomainClassifier((28, 28, 1), base_filters=4, feature_dim=16, dropout=0.5)
    images = _images((3, 28, 28, 1), seed=1)
    features = keras.ops.convert_to_numpy(classifier.features_model(images, training=False))
    kernel, bias = classifier.get_layer("logits").get_weights()
    logits = keras.ops.convert_to_numpy(classifier(images, training=False))
    np.testing.assert_allclose(logits, features @ kernel + bias, rtol=0, atol=1e-5)
    assert classifier.features_model.get_layer("features") is classifier.get_layer("features")


def test_features_model_follows_the_weights():
    classifier = DomainClassifier((28, 28, 1), base_filters=4, feature_dim=8)
    images = _images((2, 28, 28, 1))
    before = keras.ops.convert_to_numpy(classifier.features_model(images))
    kernel, bias = classifier.get_layer("features").get_weights()
    classifier.get_layer("features").set_weights([np.zeros_like(kernel), np.full_like(bias, 2.0)])
    after = keras.ops.convert_to_numpy(classifier.features_model(images))
    np.testing.assert_array_equal(after, np.full((2, 8), 2.0, np.float32))
    assert not np.allclose(before, after)


def test_recipe_parameter_count():
    # Blocks of two 3x3 convolutions (no bias) + batch normalization (4 values
    # per channel) with 16, 32, 64 filters, then Dense(128) and Dense(10).
    classifier = DomainClassifier(
        (28, 28, 1), base_filters=16, feature_dim=128, convolutions_per_block=2
    )
    convolutions = 9 * (1 * 16 + 16 * 16 + 16 * 32 + 32 * 32 + 32 * 64 + 64 * 64)
    batch_norms = 4 * 2 * (16 + 32 + 64)
    dense = (64 * 128 + 128) + (128 * 10 + 10)
    assert classifier.count_params() == convolutions + batch_norms + dense == 82074


def test_config_round_trip_and_saving(tmp_path):
    classifier = DomainClassifier(
        (32, 32, 3),
        num_classes=4,
        base_filters=4,
        feature_dim=8,
        dropout=0.1,
        num_blocks=2,
        convolutions_per_block=1,
        name="domain",
    )
    config = keras.saving.serialize_keras_object(classifier)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is DomainClassifier
    assert restored.get_config() == classifier.get_config()
    assert restored.count_params() == classifier.count_params()

    path = tmp_path / "classifier.keras"
    classifier.save(path)
    loaded = keras.saving.load_model(path)
    images = _images((2, 32, 32, 3))
    np.testing.assert_array_equal(loaded(images), classifier(images))
    np.testing.assert_array_equal(loaded.features_model(images), classifier.features_model(images))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image_shape": (28, 28)}, "image_shape"),
        ({"image_shape": (28, 28, None)}, "image_shape"),
        ({"num_classes": 1}, "num_classes"),
        ({"base_filters": 0}, "base_filters"),
        ({"feature_dim": 2.5}, "feature_dim"),
        ({"dropout": 1.0}, "dropout"),
        ({"convolutions_per_block": 0}, "convolutions_per_block"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DomainClassifier(**kwargs)
