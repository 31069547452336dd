import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.data import load_image_arrays
from ganzoo.losses import non_saturating_discriminator_loss
from ganzoo.models import GAN
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator
from tests.test_case import LATENT_DIM
from tests.test_case import max_weight_difference
from tests.test_case import random_images
from tests.test_case import recording
from tests.test_case import tiny_gan

pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")


def _dataset(images, batch_size):
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


@pytest.mark.parametrize("k", [1, 3])
def test_k_discriminator_steps_per_generator_step(k):
    gan = tiny_gan(discriminator_steps=k)
    gan.fit(_dataset(random_images(8 * k * 4), 8 * k), epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 4 * k
    assert int(gan.g_optimizer.iterations) == 4


def test_each_discriminator_step_sees_its_own_rows_of_the_batch_in_order():
    """k = 3 updates on a batch of 3 * 2 rows: update j gets rows j, j + 3 (GAN's docstring).

    The interleaved split (not contiguous blocks) is the documented one: it
    makes each replica's share of minibatch j the same under any replica count.
    """
    k, minibatch = 3, 2
    log, losses_seen = [], []

    def recording_loss(real_logits, fake_logits):
        losses_seen.append(np.asarray(real_logits))
        return non_saturating_discriminator_loss(real_logits, fake_logits)

    keras.utils.set_random_seed(1)
    gan = GAN(
        generator=DCGANGenerator(LATENT_DIM, base_filters=8),
        discriminator=recording(DCGANDiscriminator(base_filters=8), log, "discriminator"),
        discriminator_steps=k,
        seed=3,
    )
    gan.compile(
        d_optimizer=keras.optimizers.SGD(0.1),
        g_optimizer=keras.optimizers.SGD(0.1),
        discriminator_loss=recording_loss,
    )
    images = random_images(k * minibatch)
    gan.train_step(tf.constant(images))

    # Each call of the discriminator is an (input, output) pair in the log.
    calls = [(log[i][1], log[i + 1][1]) for i in range(0, len(log), 2)]
    assert [tag for tag, _ in log] == ["discriminator_in", "discriminator_out"] * len(calls)
    assert len(losses_seen) == k
    for step, real_logits in enumerate(losses_seen):
        (real_seen,) = [seen for seen, logits in calls if np.array_equal(logits, real_logits)]
        np.testing.assert_array_equal(real_seen, images[step::k], err_msg=f"update {step}")
    assert int(gan.d_optimizer.iterations) == k


def test_batch_not_divisible_into_k_minibatches_is_rejected():
    gan = tiny_gan(discriminator_steps=3)
    with pytest.raises(ValueError, match="multiple of 3"):
        gan.fit(_dataset(random_images(16), 8), epochs=1, verbose=0)


def test_fit_logs_metrics_and_resets_them_each_epoch():
    gan = tiny_gan(discriminator_steps=2)
    history = gan.fit(_dataset(random_images(48), 16), epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    for values in history.history.values():
        assert len(values) == 2 and all(np.isfinite(values))
    assert 0.0 < history.history["d_real"][-1] < 1.0
    # Reset at the start of each epoch: the last epoch's 3 steps, 2 D updates each.
    assert int(gan.d_loss_tracker.count) == 6
    assert int(gan.g_loss_tracker.count) == 3


@pytest.mark.parametrize("loss", ["hinge", "wasserstein", "least_squares"])
def test_critic_losses_log_raw_outputs_under_names_that_are_not_probabilities(loss):
    # Frozen weights: the logged means are those of one discriminator call
    # on the real batch in training mode (batch statistics of that batch).
    gan = tiny_gan(
        generator_loss=loss,
        d_optimizer=keras.optimizers.SGD(0.0),
        g_optimizer=keras.optimizers.SGD(0.0),
    )
    images = random_images(16)
    history = gan.fit(_dataset(images, 16), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "critic_real", "critic_fake"}
    expected = float(np.mean(np.asarray(gan.discriminator(images, training=True))))
    assert history.history["critic_real"][0] == pytest.approx(expected, rel=1e-4, abs=1e-5)
    assert not gan.discriminator_outputs_probabilities


@pytest.mark.large
def test_discriminator_learns_to_separate_real_from_a_fixed_generator():
    images, _ = load_image_arrays("fashion_mnist", split="train", source="idx")
    real = images[:1536].astype(np.float32) / 127.5 - 1.0
    held_out = images[-256:].astype(np.float32) / 127.5 - 1.0
    # A zero learning rate freezes the generator's weights.
    gan = tiny_gan(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.SGD(learning_rate=0.0),
    )
    generator_before = [np.asarray(w).copy() for w in gan.generator.trainable_weights]
    z = np.random.default_rng(1).standard_normal((256, LATENT_DIM)).astype(np.float32)
    # The discriminator trains against the generator in training mode (batch
    # statistics), so it is judged on the same distribution.
    fake = gan.generator(z, training=True)

    def d_of(x):
        # Batch statistics, as in training: real and generated batches each
        # pass through the discriminator on their own.
        return float(tf.reduce_mean(tf.sigmoid(gan.discriminator(x, training=True))))

    before = d_of(held_out) - d_of(fake)
    gan.fit(_dataset(real, 64).shuffle(24, seed=0), epochs=3, verbose=0)
    after_real, after_fake = d_of(held_out), d_of(fake)
    for old, new in zip(generator_before, gan.generator.trainable_weights, strict=True):
        np.testing.assert_array_equal(old, np.asarray(new))
    assert abs(before) < 0.2
    assert after_real > 0.75, (after_real, after_fake)
    assert after_fake < 0.25, (after_real, after_fake)


@pytest.mark.parametrize("k", [1, 2])
def test_mirrored_step_equals_single_device_step(k, mirrored_strategy):
    # One global batch of 16; SGD shows gradient differences directly (Adam's
    # first step would normalise them away).
    images = random_images(16)
    single = tiny_gan(
        discriminator_steps=k,
        d_optimizer=keras.optimizers.SGD(0.1),
        g_optimizer=keras.optimizers.SGD(0.1),
    )
    strategy = mirrored_strategy
    with strategy.scope():
        distributed = tiny_gan(
            discriminator_steps=k,
            d_optimizer=keras.optimizers.SGD(0.1),
            g_optimizer=keras.optimizers.SGD(0.1),
        )
    assert max_weight_difference(single, distributed) == 0.0
    single_history = single.fit(_dataset(images, 16), epochs=1, verbose=0)
    with strategy.scope():
        distributed_history = distributed.fit(_dataset(images, 16), epochs=1, verbose=0)
    assert max_weight_difference(single, distributed) < 1e-5
    # The weights moved, so the comparison above is not trivially true.
    fresh = tiny_gan(discriminator_steps=k)
    assert max_weight_difference(single, fresh) > 1e-3
    # Logged losses are the global means, not 1/N of them.
    for key in ("d_loss", "g_loss"):
        np.testing.assert_allclose(
            distributed_history.history[key], single_history.history[key], rtol=1e-4
        )


def test_uint8_images_are_rejected_with_a_clear_error():
    gan = tiny_gan()
    pixels = np.zeros((16, 28, 28, 1), dtype=np.uint8)
    with pytest.raises(TypeError, match="uint8"):
        gan.fit(_dataset(pixels, 8), epochs=1, verbose=0)


def test_images_outside_minus_one_to_one_are_rejected():
    gan = tiny_gan()
    pixels = np.full((16, 28, 28, 1), 200.0, dtype=np.float32)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        gan.fit(_dataset(pixels, 8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        gan.fit(pixels, batch_size=8, epochs=1, verbose=0)


def test_images_scaled_to_zero_one_are_rejected_with_the_scaling_hint():
    gan = tiny_gan()
    unit = (random_images(16) + 1.0) / 2.0  # [0, 1]
    with pytest.raises(ValueError, match=r"looks scaled to \[0, 1\].*images \* 2 - 1"):
        gan.fit(_dataset(unit, 8), epochs=1, verbose=0)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_a_later_batch_out_of_range_fails_its_step_unless_xla(jit_compile):
    gan = tiny_gan()
    gan.jit_compile = jit_compile
    images = random_images(32)
    images[24:] *= 255.0  # the fourth batch of 8 is [0, 255]-scaled by mistake
    dataset = _dataset(images, 8)
    if jit_compile:
        # XLA compiles assertions away: the step runs (the first-batch check
        # in fit still guards the common mistake).
        gan.fit(dataset, epochs=1, verbose=0)
        return
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"values in \[-1, 1\]"):
        gan.fit(dataset, epochs=1, verbose=0)
    # Three steps ran before the bad batch.
    assert int(gan.d_optimizer.iterations) == 3


def test_wrong_image_shape_is_rejected():
    gan = tiny_gan()
    with pytest.raises(ValueError, match="28, 28, 1"):
        gan.fit(_dataset(np.zeros((16, 32, 32, 3), np.float32), 8), epochs=1, verbose=0)


def test_compile_rejects_shared_optimizer_and_unknown_loss():
    gan = GAN(DCGANGenerator(LATENT_DIM, base_filters=8), DCGANDiscriminator(base_filters=8))
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two optimizer instances"):
        gan.compile(d_optimizer=optimizer, g_optimizer=optimizer)
    with pytest.raises(ValueError, match="Unknown generator_loss"):
        gan.compile(
            d_optimizer=keras.optimizers.Adam(),
            g_optimizer=keras.optimizers.Adam(),
            generator_loss="vanilla",
        )


def test_constructor_rejects_mismatched_latent_dim_and_bad_k():
    generator = DCGANGenerator(LATENT_DIM, base_filters=8)
    discriminator = DCGANDiscriminator(base_filters=8)
    with pytest.raises(ValueError, match="does not match"):
        GAN(generator, discriminator, latent_dim=LATENT_DIM + 1)
    with pytest.raises(ValueError, match="discriminator_steps"):
        GAN(generator, discriminator, discriminator_steps=0)
    with pytest.raises(TypeError, match="keras.Model"):
        GAN(generator, lambda x: x)


@pytest.mark.parametrize("loss", ["minimax", "least_squares", "hinge", "wasserstein"])
def test_every_loss_family_trains_by_name(loss):
    gan = tiny_gan(generator_loss=loss)
    history = gan.fit(_dataset(random_images(16), 8), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])
    assert gan.discriminator_loss_fn.__name__.startswith(loss)


def test_generate_is_seeded_in_range_and_exclusive():
    gan = tiny_gan()
    first = gan.generate(num_samples=5, seed=7)
    assert first.shape == (5, 28, 28, 1) and first.dtype == np.float32
    assert first.min() >= -1.0 and first.max() <= 1.0
    np.testing.assert_array_equal(first, gan.generate(num_samples=5, seed=7))
    assert np.abs(first - gan.generate(num_samples=5, seed=8)).max() > 1e-3
    with pytest.raises(ValueError, match="exactly one"):
        gan.generate()
    with pytest.raises(ValueError, match="exactly one"):
        gan.generate(num_samples=2, z=np.zeros((2, LATENT_DIM)))
    with pytest.raises(ValueError, match=r"\(num_samples, 8\)"):
        gan.generate(z=np.zeros((2, LATENT_DIM + 1)))


def test_interpolation_runs_from_start_to_end_image():
    gan = tiny_gan()
    rng = np.random.default_rng(0)
    z_start, z_end = rng.standard_normal((2, LATENT_DIM)).astype(np.float32)
    path = gan.interpolate(z_start, z_end, num_steps=5)
    assert path.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(path[0], gan.generate(z=z_start[None])[0], atol=1e-6)
    np.testing.assert_allclose(path[-1], gan.generate(z=z_end[None])[0], atol=1e-6)


def test_saved_gan_reloads_compiled_and_keeps_training(tmp_path):
    gan = tiny_gan(discriminator_steps=2, generator_loss="hinge")
    gan.fit(_dataset(random_images(16), 16), epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, GAN) and restored.discriminator_steps == 2
    np.testing.assert_allclose(
        restored.generate(num_samples=3, seed=0), gan.generate(num_samples=3, seed=0), atol=1e-6
    )
    assert restored.generator_loss_fn is gan.generator_loss_fn
    assert int(restored.d_optimizer.iterations) == 2
    restored.fit(_dataset(random_images(16, seed=1), 16), epochs=1, verbose=0)
    assert int(restored.d_optimizer.iterations) == 4
