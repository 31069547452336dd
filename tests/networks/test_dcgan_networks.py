import keras
import numpy as np
import pytest

from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator


@pytest.mark.parametrize(
    "image_shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3)], ids=["28", "32", "64"]
)
def test_generator_and_discriminator_shapes(image_shape):
    generator = DCGANGenerator(latent_dim=16, image_shape=image_shape, base_filters=8)
    discriminator = DCGANDiscriminator(image_shape=image_shape, base_filters=8)
    images = generator(keras.random.normal((2, 16), seed=0), training=False)
    assert tuple(images.shape) == (2, *image_shape)
    assert float(keras.ops.max(keras.ops.abs(images))) <= 1.0
    logits = discriminator(images, training=False)
    assert tuple(logits.shape) == (2, 1)
    assert generator.inputs[0].name == "z"


def test_paper_lsun_generator_parameter_count():
    # Radford et al. 2016, Fig. 1: z(100) -> 4x4x1024 -> 8x8x512 -> 16x16x256
    # -> 32x32x128 -> 64x64x3, 5x5 transposed convolutions. Batch normalization
    # holds 4 values per channel (gamma, beta, moving mean and variance).
    generator = DCGANGenerator(latent_dim=100, image_shape=(64, 64, 3), base_filters=128)
    expected = (
        100 * 4 * 4 * 1024
        + 4 * 1024
        + 5 * 5 * 1024 * 512
        + 4 * 512
        + 5 * 5 * 512 * 256
        + 4 * 256
        + 5 * 5 * 256 * 128
        + 4 * 128
        + 5 * 5 * 128 * 3
        + 3
    )
    assert generator.count_params() == expected


def test_fashion_mnist_discriminator_parameter_count():
    # 28x28x1 -> 14x14x64 (bias, no BN) -> 7x7x128 (BN) -> 1 logit.
    discriminator = DCGANDiscriminator(image_shape=(28, 28, 1), base_filters=64)
    expected = (5 * 5 * 1 * 64 + 64) + (5 * 5 * 64 * 128 + 4 * 128) + (7 * 7 * 128 + 1)
    assert discriminator.count_params() == expected


def test_saved_generator_loads_with_identical_outputs(tmp_path):
    generator = DCGANGenerator(latent_dim=12, image_shape=(28, 28, 1), base_filters=8)
    z = np.random.default_rng(0).standard_normal((3, 12)).astype("float32")
    path = tmp_path / "generator.keras"
    generator.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored(z), generator(z), atol=1e-6)


@pytest.mark.parametrize("image_shape", [(28, 32, 1), (30, 30, 1), (2, 2, 1), (28, 28)])
def test_unsupported_image_shapes_are_rejected(image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        DCGANGenerator(image_shape=image_shape)
    with pytest.raises(ValueError, match="image_shape"):
        DCGANDiscriminator(image_shape=image_shape)


def test_non_positive_sizes_are_rejected():
    with pytest.raises(ValueError, match="latent_dim"):
        DCGANGenerator(latent_dim=0)
    with pytest.raises(ValueError, match="base_filters"):
        DCGANDiscriminator(base_filters=-8)
