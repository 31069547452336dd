import doctest

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import losses
from ganzoo.losses import penalties

IMAGE_SHAPE = (3, 3, 2)


def _images(count, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (count, *IMAGE_SHAPE)).astype(np.float32)


def _linear_critic(weights):
    """D(x) = sum(w * x) + 0.3: its input gradient is w everywhere."""
    critic = keras.Sequential(
        [keras.Input(IMAGE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    critic.layers[-1].set_weights([weights.reshape(-1, 1), np.array([0.3], np.float32)])
    return critic


def _quadratic_critic(images):
    """D(x) = 0.5 * ||x||^2 per example: its input gradient is x itself."""
    return 0.5 * tf.reduce_sum(tf.square(images), axis=[1, 2, 3])


def _numpy_interpolation_penalty(real, fake, weights, target=1.0):
    interpolates = weights.reshape(-1, 1, 1, 1) * real + (1 - weights.reshape(-1, 1, 1, 1)) * fake
    norms = np.sqrt((interpolates.astype(np.float64) ** 2).sum(axis=(1, 2, 3)))
    return np.mean((norms - target) ** 2)


def test_gradient_penalty_of_linear_critic_is_exact_for_any_interpolation():
    # ||grad D|| = ||w|| = 3 everywhere, so the penalty is (3 - 1)^2 = 4.
    weights = np.random.default_rng(0).normal(size=np.prod(IMAGE_SHAPE)).astype(np.float32)
    weights *= 3.0 / np.linalg.norm(weights)
    critic = _linear_critic(weights)
    real, fake = _images(4, seed=1), _images(4, seed=2)
    for interpolation_weights in (None, np.zeros(4), np.ones(4), np.linspace(0, 1, 4)):
        if interpolation_weights is not None:
            interpolation_weights = interpolation_weights.astype(np.float32)
        penalty = losses.gradient_penalty(
            critic,
            real,
            fake,
            interpolation_weights=interpolation_weights,
            seed=keras.random.SeedGenerator(5),
        )
        assert penalty.dtype == tf.float32
        assert penalty.shape == ()
        np.testing.assert_allclose(float(penalty), 4.0, rtol=1e-5)
    zero_centred = losses.gradient_penalty(critic, real, fake, seed=0, target_norm=0.0)
    np.testing.assert_allclose(float(zero_centred), 9.0, rtol=1e-5)


def test_gradient_penalty_of_quadratic_critic_matches_numpy():
    # grad D(x_hat) = x_hat, so the interpolation weights change the value.
    real, fake = _images(4, seed=3), _images(4, seed=4)
    weights = np.array([0.0, 0.25, 0.7, 1.0], np.float32)
    expected = _numpy_interpolation_penalty(real, fake, weights)
    for shaped_weights in (weights, weights.reshape(4, 1, 1, 1)):
        penalty = losses.gradient_penalty(
            _quadratic_critic, real, fake, interpolation_weights=shaped_weights
        )
        np.testing.assert_allclose(float(penalty), expected, rtol=1e-5)
    other = _numpy_interpolation_penalty(real, fake, 1.0 - weights)
    assert abs(other - expected) > 1e-2
    # eps weights the real images: eps = 1 everywhere is the penalty at the real data.
    at_real = losses.gradient_penalty(
        _quadratic_critic, real, fake, interpolation_weights=np.ones(4, np.float32)
    )
    norms = np.linalg.norm(real.reshape(4, -1), axis=1)
    np.testing.assert_allclose(float(at_real), np.mean((norms - 1) ** 2), rtol=1e-5)


def test_drawn_interpolation_weights_are_uniform_per_example():
    # Real images of unit norm and fake images at 0: ||grad D(x_hat)|| = eps,
    # so the penalty is mean((eps - 1)^2), whose expectation is 1/3 for
    # eps ~ U[0, 1] drawn per example (a single shared eps would not average).
    count = 4000
    real = np.zeros((count, 1, 1, 1), np.float32)
    real[:, 0, 0, 0] = 1.0
    fake = np.zeros_like(real)
    seed = keras.random.SeedGenerator(11)
    first = float(losses.gradient_penalty(_quadratic_critic, real, fake, seed=seed))
    second = float(losses.gradient_penalty(_quadratic_critic, real, fake, seed=seed))
    np.testing.assert_allclose(first, 1.0 / 3.0, atol=0.03)
    assert first != second  # the seed generator advances
    repeated = [
        float(losses.gradient_penalty(_quadratic_critic, real, fake, seed=7)) for _ in range(2)
    ]
    assert repeated[0] == repeated[1]  # an int seed draws the same weights


def test_patch_outputs_are_summed_per_example():
    # A 1x1 convolution with kernel a: one logit per pixel, each with input
    # gradient a at its own pixel, so the summed map has gradient a at every
    # pixel and norm |a| * sqrt(h * w).
    critic = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 1, use_bias=False, dtype="float32")]
    )
    critic.layers[0].set_weights([np.full((1, 1, 1, 1), 0.5, np.float32)])
    images = np.random.default_rng(0).uniform(-1, 1, (3, 4, 4, 1)).astype(np.float32)
    penalty = losses.gradient_penalty(critic, images, images[::-1], seed=0)
    np.testing.assert_allclose(float(penalty), (0.5 * 4.0 - 1.0) ** 2, rtol=1e-5)
    np.testing.assert_allclose(float(losses.r1_penalty(critic, images)), 0.25 * 16, rtol=1e-5)


def test_r1_penalty_matches_hand_computed_values():
    real = _images(5, seed=6)
    # D(x) = 0.5 * ||x||^2: grad = x, so R1 = mean ||x||^2.
    expected = np.mean(np.sum(real.astype(np.float64) ** 2, axis=(1, 2, 3)))
    penalty = losses.r1_penalty(_quadratic_critic, real)
    assert penalty.dtype == tf.float32
    np.testing.assert_allclose(float(penalty), expected, rtol=1e-5)
    # D linear in x with ||w|| = 2: R1 = 4 for every image.
    weights = np.ones(np.prod(IMAGE_SHAPE), np.float32)
    weights *= 2.0 / np.linalg.norm(weights)
    np.testing.assert_allclose(
        float(losses.r1_penalty(_linear_critic(weights), real)), 4.0, rtol=1e-6
    )


def test_dragan_penalty_of_linear_critic_is_exact():
    weights = np.random.default_rng(1).normal(size=np.prod(IMAGE_SHAPE)).astype(np.float32)
    weights *= 0.5 / np.linalg.norm(weights)
    penalty = losses.dragan_penalty(
        _linear_critic(weights), _images(6, seed=7), seed=keras.random.SeedGenerator(0)
    )
    assert penalty.dtype == tf.float32
    np.testing.assert_allclose(float(penalty), 0.25, rtol=1e-5)


def test_dragan_without_perturbation_penalizes_at_the_real_images():
    real = _images(5, seed=8)
    norms = np.linalg.norm(real.reshape(5, -1).astype(np.float64), axis=1)
    penalty = losses.dragan_penalty(_quadratic_critic, real, seed=0, perturbation_scale=0.0)
    np.testing.assert_allclose(float(penalty), np.mean((norms - 1) ** 2), rtol=1e-5)


def test_dragan_perturbation_follows_the_reference_code():
    # x = +-1 (batch std 1) and D(x) = exp(x): ||grad D(x_hat)||^2 = exp(2 x_hat)
    # with x_hat = x + alpha * 0.5 * std * u, alpha, u ~ U[0, 1]. With
    # target_norm 0 the penalty's expectation is
    # E[exp(2x)] * E[exp(alpha * u)] = cosh(2) * int_0^1 (e^u - 1) / u du.
    # Symmetric noise, another scale or no interpolation would change it.
    count = 20000
    real = np.where(np.arange(count) % 2 == 0, 1.0, -1.0).astype(np.float32).reshape(-1, 1)

    def exponential_critic(images):
        return tf.reduce_sum(tf.exp(images), axis=1)

    penalty = losses.dragan_penalty(
        exponential_critic, real, seed=keras.random.SeedGenerator(3), target_norm=0.0
    )
    u = np.linspace(1e-6, 1.0, 200001)
    expected = np.cosh(2.0) * np.trapezoid((np.expm1(u)) / u, u)
    np.testing.assert_allclose(float(penalty), expected, rtol=0.01)


def test_penalties_treat_the_images_as_constants():
    # The penalty regularizes the discriminator; it must not push on the
    # generator that produced the fake images.
    real, fake = tf.constant(_images(2, seed=18)), tf.constant(_images(2, seed=19))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        gp = losses.gradient_penalty(_quadratic_critic, real, fake, seed=0)
        dragan = losses.dragan_penalty(_quadratic_critic, real, seed=0)
        r1 = losses.r1_penalty(_quadratic_critic, real)
    for penalty in (gp, dragan, r1):
        assert tape.gradient(penalty, [real, fake]) == [None, None]


def test_penalty_gradient_matches_finite_differences():
    # Double backpropagation: d penalty / d kernel through the input gradient.
    keras.utils.set_random_seed(0)
    critic = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.Flatten(),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    kernel = critic.layers[1].kernel
    real, fake = _images(3, seed=9), _images(3, seed=10)
    weights = np.array([0.2, 0.5, 0.9], np.float32)

    def penalties_sum():
        gp = losses.gradient_penalty(critic, real, fake, interpolation_weights=weights)
        return gp + losses.r1_penalty(critic, real)

    with tf.GradientTape() as tape:
        value = penalties_sum()
    gradient = tape.gradient(value, kernel).numpy()
    assert np.all(np.isfinite(gradient))
    assert np.abs(gradient).max() > 1e-3
    original = kernel.numpy()
    step = 1e-2
    for index in [(0, 0), (5, 2), (17, 3)]:
        shifted = original.copy()
        shifted[index] += step
        kernel.assign(shifted)
        upper = float(penalties_sum())
        shifted[index] -= 2 * step
        kernel.assign(shifted)
        lower = float(penalties_sum())
        kernel.assign(original)
        np.testing.assert_allclose(gradient[index], (upper - lower) / (2 * step), rtol=2e-2)


@pytest.mark.parametrize(
    "policy,tolerance", [("mixed_float16", 1e-2), ("mixed_bfloat16", 6e-2)], ids=["f16", "bf16"]
)
def test_mixed_precision_critic_gives_float32_penalties_close_to_float32(policy, tolerance):
    # bfloat16 keeps 8 significant bits: about 0.4% on the gradient norm,
    # a few percent on a small (norm - 1)^2.
    def critic(dtype):
        return keras.Sequential(
            [
                keras.Input(IMAGE_SHAPE),
                keras.layers.Conv2D(4, 2, dtype=dtype),
                keras.layers.LeakyReLU(0.2, dtype=dtype),
                keras.layers.Flatten(dtype=dtype),
                keras.layers.Dense(1, dtype="float32"),
            ]
        )

    keras.utils.set_random_seed(1)
    reference = critic("float32")
    mixed = critic(policy)
    mixed.set_weights(reference.get_weights())
    real, fake = _images(4, seed=11), _images(4, seed=12)
    weights = np.array([0.1, 0.4, 0.6, 0.8], np.float32)
    for penalty_fn in (
        lambda model: losses.gradient_penalty(model, real, fake, interpolation_weights=weights),
        lambda model: losses.dragan_penalty(model, real, seed=4),
        lambda model: losses.r1_penalty(model, real),
    ):
        expected = float(penalty_fn(reference))
        value = penalty_fn(mixed)
        assert value.dtype == tf.float32
        np.testing.assert_allclose(float(value), expected, rtol=tolerance, atol=1e-4)


def test_gradient_scale_keeps_a_float16_input_gradient_from_underflowing():
    """A float16 critic whose input gradient, 1e-8 per value, is below float16's range.

    Without a scale the backward pass rounds it to 0 and R1 reads 0; scaled by
    2^15 (Keras' initial dynamic loss scale) it survives, and R1 is 18 * 1e-16.
    """
    critic = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.Flatten(dtype="mixed_float16"),
            keras.layers.Dense(
                1,
                use_bias=False,
                kernel_initializer=keras.initializers.Constant(1e-4),
                dtype="mixed_float16",
            ),
            keras.layers.Rescaling(1e-4, dtype="mixed_float16"),
            keras.layers.Activation("linear", dtype="float32"),
        ]
    )
    real = _images(2, seed=3)
    expected = np.prod(IMAGE_SHAPE) * 1e-16
    assert float(losses.r1_penalty(critic, real)) == 0.0
    np.testing.assert_allclose(
        float(losses.r1_penalty(critic, real, gradient_scale=2.0**15)), expected, rtol=2e-2
    )


def test_penalties_run_in_tf_function_and_under_xla():
    real, fake = _images(4, seed=13), _images(4, seed=14)

    def penalties_of(real, fake):
        return tf.stack(
            [
                losses.gradient_penalty(_quadratic_critic, real, fake, seed=3),
                losses.dragan_penalty(_quadratic_critic, real, seed=3),
                losses.r1_penalty(_quadratic_critic, real),
            ]
        )

    eager = penalties_of(real, fake).numpy()
    np.testing.assert_allclose(tf.function(penalties_of)(real, fake).numpy(), eager, rtol=1e-6)
    # XLA draws other numbers from the same seed; with fixed weights it agrees.
    weights = np.array([0.1, 0.3, 0.6, 0.9], np.float32)
    compiled = tf.function(
        lambda real, fake: losses.gradient_penalty(
            _quadratic_critic, real, fake, interpolation_weights=weights
        ),
        jit_compile=True,
    )(real, fake)
    expected = losses.gradient_penalty(_quadratic_critic, real, fake, interpolation_weights=weights)
    assert compiled.dtype == tf.float32
    np.testing.assert_allclose(float(compiled), float(expected), rtol=1e-5)


def test_two_replicas_see_the_single_device_penalty(mirrored_strategy):
    # Each replica takes its rows of one global draw and DRAGAN's std is that
    # of the global batch, so the mean of the two replicas' penalties equals
    # the penalty of one device on the whole batch.
    real, fake = _images(8, seed=15), _images(8, seed=16)
    with mirrored_strategy.scope():
        distributed_seed = keras.random.SeedGenerator(21)
    single_seed = keras.random.SeedGenerator(21)
    dataset = tf.data.Dataset.from_tensor_slices((real, fake)).batch(8)
    batch = next(iter(mirrored_strategy.experimental_distribute_dataset(dataset)))

    @tf.function
    def distributed(real_batch, fake_batch):
        def step(real_part, fake_part):
            return tf.stack(
                [
                    losses.gradient_penalty(
                        _quadratic_critic, real_part, fake_part, seed=distributed_seed
                    ),
                    losses.dragan_penalty(_quadratic_critic, real_part, seed=distributed_seed),
                ]
            )

        per_replica = mirrored_strategy.run(step, args=(real_batch, fake_batch))
        return mirrored_strategy.reduce("MEAN", per_replica, axis=None)

    distributed_values = distributed(*batch).numpy()
    single_values = np.array(
        [
            float(losses.gradient_penalty(_quadratic_critic, real, fake, seed=single_seed)),
            float(losses.dragan_penalty(_quadratic_critic, real, seed=single_seed)),
        ]
    )
    np.testing.assert_allclose(distributed_values, single_values, rtol=1e-5)


def test_lazy_regularization_weight():
    assert losses.lazy_regularization_weight(5.0, interval=16) == 80.0
    assert losses.lazy_regularization_weight(0.5, interval=1) == 0.5
    for weight, interval in ((-1.0, 4), (1.0, 0), (1.0, 2.0), ("1", 4), (1.0, True)):
        with pytest.raises(ValueError, match="weight|interval"):
            losses.lazy_regularization_weight(weight, interval)


def test_bad_inputs_raise_clear_errors():
    real = _images(2, seed=17)
    with pytest.raises(ValueError, match=r"same shape.*\(2, 3, 3, 2\) and \(2, 3, 3, 1\)"):
        losses.gradient_penalty(_quadratic_critic, real, real[..., :1], seed=0)
    with pytest.raises(TypeError, match="floating-point.*int32"):
        losses.gradient_penalty(_quadratic_critic, real, real.astype(np.int32), seed=0)
    with pytest.raises(TypeError, match="floating-point.*uint8"):
        losses.r1_penalty(_quadratic_critic, np.zeros((2, 3, 3, 2), np.uint8))
    with pytest.raises(TypeError, match="discriminator"):
        losses.dragan_penalty("critic", real, seed=0)
    with pytest.raises(ValueError, match="one weight per example"):
        losses.gradient_penalty(
            _quadratic_critic, real, real, interpolation_weights=np.ones((2, 3), np.float32)
        )
    with pytest.raises(ValueError, match="one weight per example"):
        losses.gradient_penalty(
            _quadratic_critic, real, real, interpolation_weights=np.ones(3, np.float32)
        )
    with pytest.raises(ValueError, match="target_norm"):
        losses.gradient_penalty(_quadratic_critic, real, real, seed=0, target_norm=-1.0)
    with pytest.raises(ValueError, match="perturbation_scale"):
        losses.dragan_penalty(_quadratic_critic, real, seed=0, perturbation_scale=-0.5)
    with pytest.raises(ValueError, match="batch axis"):
        losses.r1_penalty(_quadratic_critic, np.ones(3, np.float32))


def test_docstring_examples_run():
    failures, attempts = doctest.testmod(penalties, verbose=False, report=True)
    assert attempts > 0
    assert failures == 0
