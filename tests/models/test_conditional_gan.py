import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.models import ConditionalGAN
from ganzoo.networks import ConditionalDCGANDiscriminator
from ganzoo.networks import ConditionalDCGANGenerator
from tests.test_case import IMAGE_SHAPE
from tests.test_case import LATENT_DIM
from tests.test_case import max_weight_difference
from tests.test_case import random_images

pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")

NUM_CLASSES = 3


def tiny_conditional_gan(
    discriminator_steps=1,
    conditioning="projection",
    d_optimizer=None,
    g_optimizer=None,
    generator_loss="non_saturating",
):
    """A compiled ConditionalGAN with 8-filter networks and deterministic weights."""
    keras.utils.set_random_seed(1)
    gan = ConditionalGAN(
        generator=ConditionalDCGANGenerator(
            LATENT_DIM, NUM_CLASSES, IMAGE_SHAPE, base_filters=8, embedding_dim=4
        ),
        discriminator=ConditionalDCGANDiscriminator(
            NUM_CLASSES, IMAGE_SHAPE, base_filters=8, conditioning=conditioning, embedding_dim=4
        ),
        num_classes=NUM_CLASSES,
        discriminator_steps=discriminator_steps,
        seed=3,
    )
    gan.compile(
        d_optimizer=d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5),
        generator_loss=generator_loss,
    )
    return gan


def random_labels(count, seed=0, dtype=np.int32):
    return np.random.default_rng(seed).integers(0, NUM_CLASSES, count).astype(dtype)


def _dataset(images, labels, batch_size):
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(
        batch_size, drop_remainder=True
    )


@pytest.mark.parametrize("k", [1, 2])
def test_k_discriminator_steps_per_generator_step(k):
    gan = tiny_conditional_gan(discriminator_steps=k)
    count = 8 * k * 3
    history = gan.fit(
        _dataset(random_images(count), random_labels(count), 8 * k), epochs=1, verbose=0
    )
    assert int(gan.d_optimizer.iterations) == 3 * k
    assert int(gan.g_optimizer.iterations) == 3
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(values[0]) for values in history.history.values())


@pytest.mark.parametrize(
    ("k", "conditioning"),
    [(1, "projection"), (2, "projection"), (1, "concat"), (2, "concat")],
)
def test_mirrored_step_equals_single_device_step(k, conditioning, mirrored_strategy):
    # One global batch of 16 with mixed labels; SGD shows gradient differences
    # directly (Adam's first step would normalise them away).
    images, labels = random_images(16), random_labels(16, dtype=np.int64)

    def build():
        return tiny_conditional_gan(
            discriminator_steps=k,
            conditioning=conditioning,
            d_optimizer=keras.optimizers.SGD(0.1),
            g_optimizer=keras.optimizers.SGD(0.1),
        )

    single = build()
    with mirrored_strategy.scope():
        distributed = build()
    assert max_weight_difference(single, distributed) == 0.0
    single_history = single.fit(_dataset(images, labels, 16), epochs=1, verbose=0)
    with mirrored_strategy.scope():
        distributed_history = distributed.fit(_dataset(images, labels, 16), epochs=1, verbose=0)
    assert max_weight_difference(single, distributed) < 1e-5
    # The weights moved, so the comparison above is not trivially true; the
    # label embeddings moved too.
    fresh = build()
    assert max_weight_difference(single, fresh) > 1e-3
    for network in ("generator", "discriminator"):
        before = getattr(fresh, network).get_layer("label_embedding").embeddings
        after = getattr(single, network).get_layer("label_embedding").embeddings
        assert np.abs(np.asarray(before) - np.asarray(after)).max() > 0.0
    # Logged losses are the global means, not 1/N of them.
    for key in ("d_loss", "g_loss"):
        np.testing.assert_allclose(
            distributed_history.history[key], single_history.history[key], rtol=1e-4
        )


def test_generate_checks_labels_and_z():
    gan = tiny_conditional_gan()
    labels = np.array([0, 1, 2, 2])
    first = gan.generate(labels, seed=7)
    assert first.shape == (4, *IMAGE_SHAPE) and first.dtype == np.float32
    assert first.min() >= -1.0 and first.max() <= 1.0
    np.testing.assert_array_equal(first, gan.generate(labels, seed=7))
    # The label reaches the image: same z, different label.
    assert np.abs(first[1] - gan.generate([1, 1, 1, 1], seed=7)[0]).max() > 1e-3
    z = np.random.default_rng(0).standard_normal((2, LATENT_DIM))
    np.testing.assert_allclose(
        gan.generate([0, 2], z=z)[1], gan.generate([2], z=z[1:])[0], atol=1e-6
    )
    with pytest.raises(ValueError, match=r"outside \[0, 3\).*\[-1, 3, 7\]"):
        gan.generate([0, 3, -1, 7, 3])
    with pytest.raises(TypeError, match="integers"):
        gan.generate([0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(num_samples, 8\)"):
        gan.generate([0, 1], z=np.zeros((2, LATENT_DIM + 1)))
    with pytest.raises(ValueError, match=r"\(num_samples, 8\)"):
        gan.generate([0, 1, 2], z=np.zeros((2, LATENT_DIM)))


def test_fit_rejects_bad_or_missing_labels():
    gan = tiny_conditional_gan()
    images = random_images(16)
    with pytest.raises(ValueError, match=r"outside \[0, 3\).*\[3, 5\]"):
        gan.fit(_dataset(images, np.array([0, 3, 5, 1] * 4), 8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"outside \[0, 3\).*\[-2\]"):
        gan.fit(images, np.array([-2] + [0] * 15), batch_size=8, epochs=1, verbose=0)
    with pytest.raises(TypeError, match="integers"):
        gan.fit(_dataset(images, random_labels(16).astype(np.float32), 8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"must yield \(images, labels\)"):
        gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"must yield \(images, labels\)"):
        gan.fit(images, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        gan.fit(_dataset(images * 255.0, random_labels(16), 8), epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 0


def test_fit_takes_arrays_with_labels_as_y_and_keras_style_labels():
    gan = tiny_conditional_gan()
    # Keras' own datasets hold labels as (n, 1) uint8.
    labels = random_labels(16, dtype=np.uint8)[:, None]
    gan.fit(random_images(16), labels, batch_size=8, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2


def test_constructor_rejects_mismatched_num_classes():
    generator = ConditionalDCGANGenerator(LATENT_DIM, NUM_CLASSES, base_filters=8)
    discriminator = ConditionalDCGANDiscriminator(NUM_CLASSES, base_filters=8)
    with pytest.raises(ValueError, match="num_classes=3.*discriminator's num_classes=4"):
        ConditionalGAN(generator, ConditionalDCGANDiscriminator(4, base_filters=8), NUM_CLASSES)
    with pytest.raises(ValueError, match="num_classes"):
        ConditionalGAN(generator, discriminator, num_classes=0)
    with pytest.raises(ValueError, match="discriminator_steps"):
        ConditionalGAN(generator, discriminator, NUM_CLASSES, discriminator_steps=0)


def test_interpolation_keeps_the_label():
    gan = tiny_conditional_gan()
    z_start, z_end = np.random.default_rng(0).standard_normal((2, LATENT_DIM))
    path = gan.interpolate(z_start, z_end, label=2, num_steps=4)
    assert path.shape == (4, *IMAGE_SHAPE)
    np.testing.assert_allclose(path[-1], gan.generate([2], z=z_end[None])[0], atol=1e-6)


def test_saved_conditional_gan_reloads_compiled_and_keeps_training(tmp_path):
    gan = tiny_conditional_gan(discriminator_steps=2, conditioning="concat", generator_loss="hinge")
    gan.fit(_dataset(random_images(16), random_labels(16), 16), epochs=1, verbose=0)
    path = tmp_path / "conditional_gan.keras"
    gan.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, ConditionalGAN)
    assert restored.num_classes == NUM_CLASSES and restored.discriminator_steps == 2
    assert restored.discriminator.conditioning == "concat"
    labels = [0, 1, 2]
    np.testing.assert_allclose(
        restored.generate(labels, seed=0), gan.generate(labels, seed=0), atol=1e-6
    )
    assert restored.generator_loss_fn is gan.generator_loss_fn
    assert int(restored.d_optimizer.iterations) == 2
    restored.fit(_dataset(random_images(16, seed=1), random_labels(16, 1), 16), epochs=1, verbose=0)
    assert int(restored.d_optimizer.iterations) == 4
