"""Tests for `InceptionFeatures`, offline: random weights, and a patched download."""

import keras
import numpy as np
import pytest

from ganzoo.networks import InceptionFeatures
from ganzoo.networks import inception_features


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype(np.float32)


def test_pool_features_of_rgb_and_grayscale_images():
    gray = InceptionFeatures(weights=None, image_shape=(28, 28, 1))
    rgb = InceptionFeatures(weights=None)
    rgb.set_weights(gray.get_weights())

    gray_images = _images((2, 28, 28, 1))
    gray_features = keras.ops.convert_to_numpy(gray(gray_images, training=False))
    assert gray_features.shape == (2, 2048) and gray_features.dtype == np.float32
    # Average-pooled ReLU activations.
    assert gray_features.min() >= 0.0

    rgb_features = keras.ops.convert_to_numpy(rgb(_images((2, 32, 32, 3)), training=False))
    assert rgb_features.shape == (2, 2048)
    # Grayscale is repeated to three channels: the same as passing RGB copies.
    repeated = np.repeat(gray_images, 3, axis=-1)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(rgb(repeated, training=False)), gray_features, atol=1e-5
    )
    assert rgb.get_config()["weights"] is None
    assert rgb.get_config()["image_shape"] == (None, None, 3)


def test_failed_imagenet_download_says_what_to_do(monkeypatch):
    calls = []

    def offline_get_file(fname, origin, **kwargs):
        calls.append((fname, origin, kwargs))
        raise Exception(f"URL fetch failure on {origin}: None -- Name or service not known")

    monkeypatch.setattr(keras.utils, "get_file", offline_get_file)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    with pytest.raises(RuntimeError) as raised:
        InceptionFeatures(weights="imagenet")
    message = str(raised.value)
    assert "Could not download the ImageNet weights" in message
    assert "~/.keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5" in message
    assert "DomainClassifier" in message
    assert "Name or service not known" in message
    assert [call[0] for call in calls] == [
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
    ]
    assert calls[0][2]["cache_subdir"] == "models"


def test_imagenet_weights_come_from_the_keras_cache(monkeypatch, tmp_path):
    # Stand in for the cached ImageNet file with the weights of a random network.
    source = InceptionFeatures(weights=None, image_shape=(32, 32, 3))
    weights_path = tmp_path / "inception.weights.h5"
    source.get_layer("inception_v3").save_weights(weights_path)
    monkeypatch.setattr(keras.utils, "get_file", lambda *args, **kwargs: str(weights_path))

    loaded = InceptionFeatures(weights="imagenet", image_shape=(32, 32, 3))
    images = _images((1, 32, 32, 3), seed=2)
    np.testing.assert_array_equal(loaded(images), source(images))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": None, "image_shape": (28, 28, 2)}, "1 or 3 channels"),
        ({"weights": None, "image_shape": (28, 28)}, "image_shape"),
        ({"weights": "/no/such/weights.h5"}, "existing weights file"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        InceptionFeatures(**kwargs)


def test_weights_constants_match_keras():
    # The download is done here rather than in Keras; keep it Keras' file.
    from keras.src.applications import inception_v3

    assert inception_features.WEIGHTS_URL == inception_v3.WEIGHTS_PATH_NO_TOP
