import keras
import numpy as np
import pytest

from ganzoo.export import export_classifier
from ganzoo.networks import SemiSupervisedDiscriminator
from ganzoo.runtime import OnnxClassifier


def _images(count, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, 28, 28, 1)).astype(np.float32)


def test_outputs_class_logits_and_has_a_features_layer():
    keras.utils.set_random_seed(0)
    discriminator = SemiSupervisedDiscriminator(10, base_filters=8)
    images = _images(3)
    logits = keras.ops.convert_to_numpy(discriminator(images, training=False))
    assert logits.shape == (3, 10) and logits.dtype == np.float32
    assert discriminator.get_layer("features").output.shape == (None, 16)
    # Dropout acts in training only.
    np.testing.assert_allclose(discriminator(images, training=False), logits, atol=1e-6)
    assert np.abs(discriminator(images, training=True) - logits).max() > 1e-4


def test_gaussian_noise_acts_in_training_only_and_has_the_asked_std():
    keras.utils.set_random_seed(0)
    plain = SemiSupervisedDiscriminator(10, base_filters=4, input_dropout=0.0, dropout=0.0)
    noisy = SemiSupervisedDiscriminator(
        10, base_filters=4, input_dropout=0.0, dropout=0.0, input_noise=0.3, hidden_noise=0.5
    )
    noisy.set_weights(plain.get_weights())
    images = _images(64)
    np.testing.assert_allclose(
        noisy(images, training=False), plain(images, training=False), atol=1e-6
    )
    assert np.abs(noisy(images, training=True) - plain(images, training=True)).max() > 1e-2
    # The input noise layer adds N(0, 0.3^2) to every pixel.
    input_noise = noisy.get_layer("input_noise")
    added = keras.ops.convert_to_numpy(input_noise(images, training=True)) - images
    assert abs(added.std() - 0.3) < 0.01 and abs(added.mean()) < 0.01
    # One GaussianNoise after each of the 6 LeakyReLUs, plus the input's.
    noise_layers = [layer for layer in noisy.layers if "gaussian_noise" in layer.name]
    assert len(noise_layers) == 6 and all(layer.stddev == 0.5 for layer in noise_layers)
    for value in (-0.1, "0.3", True):
        with pytest.raises(ValueError, match="input_noise"):
            SemiSupervisedDiscriminator(10, input_noise=value)


def test_config_round_trip_and_bad_arguments():
    discriminator = SemiSupervisedDiscriminator(
        3, (32, 32, 3), base_filters=4, dropout=0.1, input_noise=0.3, hidden_noise=0.5
    )
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(discriminator)
    )
    assert restored.get_config() == discriminator.get_config()
    assert restored.count_params() == discriminator.count_params()
    with pytest.raises(ValueError, match="num_classes"):
        SemiSupervisedDiscriminator(1)
    with pytest.raises(ValueError, match="dropout"):
        SemiSupervisedDiscriminator(10, dropout=1.0)
    with pytest.raises(ValueError, match="image_shape"):
        SemiSupervisedDiscriminator(10, image_shape=(28, 28))


def test_exports_as_a_classifier_and_round_trips_at_two_batch_sizes(tmp_path):
    keras.utils.set_random_seed(0)
    discriminator = SemiSupervisedDiscriminator(4, base_filters=4)
    path = export_classifier(
        discriminator,
        tmp_path / "sgan_classifier",
        dataset="toy",
        class_names=["a", "b", "c", "d"],
        test_accuracy=None,
        training_config=None,
        parity_batch_sizes=(1, 3),
    )
    features_model = keras.Model(discriminator.input, discriminator.get_layer("features").output)
    runtime = OnnxClassifier(path)
    for batch_size in (1, 7):
        images = _images(batch_size, seed=batch_size)
        probabilities, features = runtime.predict(images)
        expected = keras.ops.convert_to_numpy(
            keras.ops.softmax(discriminator(images, training=False))
        )
        np.testing.assert_allclose(probabilities, expected, atol=1e-5)
        np.testing.assert_allclose(features, features_model(images), atol=1e-5)
