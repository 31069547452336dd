"""Unrolled GAN (Metz et al. 2017): the generator's gradient goes through K discriminator steps."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.models import GAN
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator
from ganzoo.training.precision import global_dtype_policy
from tests.test_case import IMAGE_SHAPE
from tests.test_case import LATENT_DIM
from tests.test_case import max_weight_difference
from tests.test_case import random_images

pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")

ETA = 0.5


def _linear_gan(unrolling_steps):
    """x = z A + c (2 -> 3) against the logistic discriminator x w + b."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    discriminator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    gan = GAN(
        generator,
        discriminator,
        unrolling_steps=unrolling_steps,
        unrolling_learning_rate=ETA if unrolling_steps else None,
    )
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    return gan


def _softplus(x):
    return np.logaddexp(0.0, x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _surrogate_loss(params, z, real, w, b, steps, unrolled_on=None):
    """NumPy float64 f_K of Metz et al. Eq. 5 for the linear GAN (non-saturating loss).

    `unrolled_on`: None unrolls on the generator's samples (the gradient goes
    through the steps); fixed samples hold the unrolled discriminator fixed.
    """
    a, c = params
    fake = z @ a + c
    fake_fixed = fake if unrolled_on is None else unrolled_on
    for _ in range(steps):
        real_logits, fake_logits = real @ w + b, fake_fixed @ w + b
        # d/dtheta [mean softplus(-real_logits) + mean softplus(fake_logits)]
        real_weight = -_sigmoid(-real_logits) / len(real)
        fake_weight = _sigmoid(fake_logits) / len(fake)
        grad_w = real.T @ real_weight + fake_fixed.T @ fake_weight
        grad_b = real_weight.sum(0) + fake_weight.sum(0)
        w, b = w - ETA * grad_w, b - ETA * grad_b
    return float(np.mean(_softplus(-(fake @ w + b))))


def _numerical_gradient(params, *args, **kwargs):
    gradients = []
    for index, value in enumerate(params):
        gradient = np.zeros_like(value)
        for position in np.ndindex(value.shape):
            shifted = [p.copy() for p in params]
            epsilon = 1e-6
            shifted[index][position] += epsilon
            up = _surrogate_loss(shifted, *args, **kwargs)
            shifted[index][position] -= 2 * epsilon
            down = _surrogate_loss(shifted, *args, **kwargs)
            gradient[position] = (up - down) / (2 * epsilon)
        gradients.append(gradient)
    return gradients


@pytest.mark.parametrize("steps", [1, 3])
def test_generator_gradient_goes_through_the_unrolled_steps(steps):
    gan = _linear_gan(steps)
    rng = np.random.default_rng(0)
    z = rng.standard_normal((8, 2)).astype(np.float32)
    real = rng.uniform(-1, 1, (8, 3)).astype(np.float32)
    with tf.GradientTape() as tape:
        fake = gan.generator(z, training=True)
        logits = gan._unrolled_discriminator(tf.constant(real), fake)
        loss = gan.generator_loss_fn(logits)
    gradients = tape.gradient(loss, gan.generator.trainable_variables)

    params = [np.asarray(v, np.float64) for v in gan.generator.trainable_variables]
    w, b = (np.asarray(v, np.float64) for v in gan.discriminator.trainable_variables)
    args = (z.astype(np.float64), real.astype(np.float64), w, b, steps)
    assert float(loss) == pytest.approx(_surrogate_loss(params, *args), rel=1e-5)
    expected = _numerical_gradient(params, *args)
    for gradient, value in zip(gradients, expected, strict=True):
        np.testing.assert_allclose(np.asarray(gradient), value, rtol=1e-3, atol=1e-6)
    # The second-order term matters: holding the unrolled discriminator
    # fixed (no gradient through its steps) gives another gradient.
    samples = z.astype(np.float64) @ params[0] + params[1]
    frozen = _numerical_gradient(params, *args, unrolled_on=samples)
    difference = max(float(np.abs(a - e).max()) for a, e in zip(frozen, expected, strict=True))
    assert difference > 1e-3


def test_the_discriminator_update_is_the_ordinary_one_and_the_generator_differs():
    images = random_images(16)

    def trained(steps):
        keras.utils.set_random_seed(1)
        gan = GAN(
            DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
            DCGANDiscriminator(IMAGE_SHAPE, base_filters=8, spectral_normalization=True),
            seed=3,
            unrolling_steps=steps,
            unrolling_learning_rate=0.5 if steps else None,
        )
        gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05))
        gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(16), epochs=1, verbose=0)
        return gan

    plain, unrolled = trained(0), trained(2)
    for a, b in zip(
        plain.discriminator.trainable_weights,
        unrolled.discriminator.trainable_weights,
        strict=True,
    ):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert max_weight_difference(plain.generator, unrolled.generator) > 1e-5


@pytest.mark.parametrize("batch_normalization", [False, True], ids=["sn", "bn"])
def test_two_replica_step_equals_one_device_step(mirrored_strategy, batch_normalization):
    images = random_images(16)

    def build():
        keras.utils.set_random_seed(2)
        gan = GAN(
            DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
            DCGANDiscriminator(
                IMAGE_SHAPE,
                base_filters=8,
                spectral_normalization=not batch_normalization,
                batch_normalization=batch_normalization,
            ),
            seed=5,
            unrolling_steps=2,
            unrolling_learning_rate=0.5,
        )
        gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05))
        return gan

    def data():
        return tf.data.Dataset.from_tensor_slices(images).batch(16, drop_remainder=True)

    single = build()
    single_history = single.fit(data(), epochs=2, verbose=0)
    with mirrored_strategy.scope():
        distributed = build()
    distributed_history = distributed.fit(data(), epochs=2, verbose=0)
    if batch_normalization:
        # Batch statistics are per replica (8 images each, not 16), in the
        # unrolled steps as in the ordinary ones: close, not equal.
        assert max_weight_difference(single, distributed) < 0.05
    else:
        assert max_weight_difference(single, distributed) < 2e-5
        np.testing.assert_allclose(
            distributed_history.history["g_loss"], single_history.history["g_loss"], rtol=1e-4
        )


def test_config_round_trip_and_bad_arguments():
    gan = _linear_gan(3)
    restored = GAN.from_config(gan.get_config())
    assert (restored.unrolling_steps, restored.unrolling_learning_rate) == (3, ETA)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    discriminator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    for steps in (-1, 1.5, True):
        with pytest.raises(ValueError, match="`unrolling_steps` must be an int >= 0"):
            GAN(generator, discriminator, unrolling_steps=steps, unrolling_learning_rate=0.1)
    with pytest.raises(ValueError, match="`unrolling_learning_rate` must be a float > 0"):
        GAN(generator, discriminator, unrolling_steps=2)
    with pytest.raises(ValueError, match="cannot be combined with `unrolling_steps`"):
        gan.compile(
            d_optimizer=keras.optimizers.SGD(0.1),
            g_optimizer=keras.optimizers.SGD(0.1),
            gradient_penalty="r1",
        )


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_unrolled_steps_move_the_generator_as_float32(policy):
    images = random_images(16)

    def generator_movement():
        keras.utils.set_random_seed(4)
        gan = GAN(
            DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
            DCGANDiscriminator(IMAGE_SHAPE, base_filters=8, spectral_normalization=True),
            seed=3,
            augmentation="translation",
            unrolling_steps=3,
            unrolling_learning_rate=0.1,
        )
        optimizers = [keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05)]
        if keras.config.dtype_policy().name == "mixed_float16":
            # A scale that does not overflow in the first step, which would
            # then be skipped.
            optimizers = [
                keras.optimizers.LossScaleOptimizer(optimizer, initial_scale=2.0**8)
                for optimizer in optimizers
            ]
        gan.compile(d_optimizer=optimizers[0], g_optimizer=optimizers[1])
        before = np.concatenate([np.ravel(w) for w in gan.generator.get_weights()])
        dataset = tf.data.Dataset.from_tensor_slices(images).batch(16, drop_remainder=True)
        history = gan.fit(dataset, epochs=1, verbose=0).history
        after = np.concatenate([np.ravel(w) for w in gan.generator.get_weights()])
        return gan, history, after - before

    _, _, reference = generator_movement()
    with global_dtype_policy(policy):
        gan, history, movement = generator_movement()
    if policy == "mixed_float16":
        assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert all(np.isfinite(values).all() for values in history.values())
    # The step goes where float32's goes.
    cosine = movement @ reference / (np.linalg.norm(movement) * np.linalg.norm(reference))
    assert cosine > 0.95
    assert 0.8 < np.linalg.norm(movement) / np.linalg.norm(reference) < 1.25
