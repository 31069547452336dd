import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.layers import SpectralNormalization
from ganzoo.losses import gradient_penalty
from ganzoo.losses import hinge_discriminator_loss
from ganzoo.losses import non_saturating_discriminator_loss
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import PatchGANDiscriminator


def _largest_singular_value(kernel):
    kernel = np.asarray(kernel, np.float64)
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def _images(count, shape=(28, 28, 1), seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (count, *shape)).astype(np.float32)


def test_power_iteration_normalizes_the_largest_singular_value_to_one():
    keras.utils.set_random_seed(0)
    convolution = keras.layers.Conv2D(
        6, 3, kernel_initializer=keras.initializers.RandomNormal(stddev=0.5)
    )
    layer = SpectralNormalization(convolution)
    images = _images(2, (8, 8, 3))
    layer(images)
    kernel = convolution.kernel.numpy()
    assert abs(_largest_singular_value(kernel) - 1.0) > 0.5
    for _ in range(20):
        layer(images, training=True)
    normalized = layer.normalized_kernel().numpy()
    assert abs(_largest_singular_value(normalized) - 1.0) < 0.05
    # W is the trainable variable and is never overwritten; W / sigma is what
    # the convolution computes with.
    np.testing.assert_array_equal(convolution.kernel.numpy(), kernel)
    expected = tf.nn.conv2d(images, normalized, strides=1, padding="VALID") + convolution.bias
    np.testing.assert_allclose(layer(images), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer(images, training=True), expected, rtol=1e-4, atol=1e-5)


def test_inference_calls_do_not_advance_the_power_iteration():
    layer = SpectralNormalization(keras.layers.Dense(3))
    inputs = _images(2, (5,))
    layer(inputs)
    before = layer.vector_u.numpy()
    layer(inputs, training=False)
    np.testing.assert_array_equal(layer.vector_u.numpy(), before)
    layer(inputs, training=True)
    assert not np.array_equal(layer.vector_u.numpy(), before)


def test_gradient_flows_through_sigma_as_in_the_paper():
    # With u converged, d/dW of f(W / sigma(W)) matches finite differences of
    # the exact function with sigma from an SVD. A layer that only divides W
    # by sigma without differentiating sigma (Keras 3's wrapper) misses the
    # -(u v^T) term of Miyato et al., Eq. 12, and fails this check.
    keras.utils.set_random_seed(1)
    dense = keras.layers.Dense(3, use_bias=False)
    layer = SpectralNormalization(dense)
    inputs = _images(4, (5,), seed=2)
    layer(inputs)
    for _ in range(50):
        layer(inputs, training=True)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(layer(inputs)))
    gradient = tape.gradient(loss, dense.kernel).numpy()

    def exact_loss(kernel):
        normalized = kernel / np.linalg.svd(kernel, compute_uv=False)[0]
        return np.sum((inputs.astype(np.float64) @ normalized) ** 2)

    kernel = dense.kernel.numpy().astype(np.float64)
    numerical = np.zeros_like(kernel)
    step = 1e-5
    for index in np.ndindex(kernel.shape):
        shift = np.zeros_like(kernel)
        shift[index] = step
        numerical[index] = (exact_loss(kernel + shift) - exact_loss(kernel - shift)) / (2 * step)
    np.testing.assert_allclose(gradient, numerical, rtol=1e-3, atol=1e-3)
    sigma = _largest_singular_value(kernel)
    without_sigma_gradient = 2 * inputs.T @ (inputs @ (kernel / sigma)) / sigma
    assert np.abs(without_sigma_gradient - numerical).max() > 0.1


def test_stateless_call_reads_every_given_weight():
    # Unrolled GAN calls the discriminator on weight tensors; the wrapped
    # layer's bias must come from them too, not from its variable.
    keras.utils.set_random_seed(0)
    network = DCGANDiscriminator((28, 28, 1), base_filters=8, spectral_normalization=True)
    images = tf.constant(_images(4))
    rng = np.random.default_rng(1)
    weights = [
        tf.constant(rng.normal(0.0, 0.1, v.shape).astype(np.float32))
        for v in network.trainable_variables
    ]
    state = [tf.identity(v.value) for v in network.non_trainable_variables]
    with tf.GradientTape() as tape:
        tape.watch(weights)
        logits, _ = network.stateless_call(weights, state, images, training=True)
    gradients = tape.gradient(logits, weights)
    assert all(gradient is not None for gradient in gradients)
    for variable, value in zip(network.trainable_variables, weights, strict=True):
        variable.assign(value)
    np.testing.assert_allclose(
        logits.numpy(), network(images, training=True).numpy(), rtol=1e-5, atol=1e-6
    )


def test_power_iteration_vector_is_a_non_trainable_weight_kept_by_checkpoints(tmp_path):
    keras.utils.set_random_seed(2)
    discriminator = DCGANDiscriminator(base_filters=4, spectral_normalization=True)
    images = _images(2)
    for _ in range(3):
        discriminator(images, training=True)
    vectors = [weight for weight in discriminator.weights if "vector_u" in weight.path]
    assert len(vectors) == 3
    assert all(not weight.trainable for weight in vectors)
    assert {id(weight) for weight in vectors} <= {
        id(weight) for weight in discriminator.non_trainable_weights
    }
    path = tmp_path / "discriminator.weights.h5"
    discriminator.save_weights(path)
    keras.utils.set_random_seed(3)
    restored = DCGANDiscriminator(base_filters=4, spectral_normalization=True)
    restored.load_weights(path)
    restored_vectors = [weight for weight in restored.weights if "vector_u" in weight.path]
    for original, loaded in zip(vectors, restored_vectors, strict=True):
        np.testing.assert_array_equal(loaded.numpy(), original.numpy())
    np.testing.assert_allclose(restored(images), discriminator(images), rtol=1e-6, atol=1e-6)


def test_spectrally_normalized_dcgan_discriminator_drops_batch_norm():
    discriminator = DCGANDiscriminator(
        image_shape=(28, 28, 1), base_filters=64, spectral_normalization=True
    )
    layer_types = {type(layer).__name__ for layer in discriminator.layers}
    assert "BatchNormalization" not in layer_types
    wrapped = [layer for layer in discriminator.layers if isinstance(layer, SpectralNormalization)]
    assert [layer.name for layer in wrapped] == ["downsample_0", "downsample_1", "logits"]
    assert all(layer.layer.use_bias for layer in wrapped)
    # 28x28x1 -> 14x14x64 -> 7x7x128 -> 1 logit, every layer with a bias; the
    # power-iteration vectors hold one value per output unit.
    trainable = (5 * 5 * 1 * 64 + 64) + (5 * 5 * 64 * 128 + 128) + (7 * 7 * 128 + 1)
    non_trainable = 64 + 128 + 1
    count = sum(int(np.prod(weight.shape)) for weight in discriminator.trainable_weights)
    assert count == trainable
    assert discriminator.count_params() == trainable + non_trainable
    default = DCGANDiscriminator(image_shape=(28, 28, 1), base_filters=64)
    assert "BatchNormalization" in {type(layer).__name__ for layer in default.layers}
    assert not any(isinstance(layer, SpectralNormalization) for layer in default.layers)


@pytest.mark.parametrize(
    "make_network,images",
    [
        (
            lambda: DCGANDiscriminator((32, 32, 3), base_filters=4, spectral_normalization=True),
            _images(2, (32, 32, 3)),
        ),
        (
            lambda: PatchGANDiscriminator(base_filters=2, spectral_normalization=True),
            _images(2, (32, 32, 3)),
        ),
    ],
    ids=["dcgan", "patchgan"],
)
def test_config_round_trip_and_saved_model_file(make_network, images, tmp_path):
    network = make_network()
    network(images, training=True)
    config = keras.saving.serialize_keras_object(network)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(network)
    assert restored.get_config() == network.get_config()
    assert restored.get_config()["spectral_normalization"] is True
    assert restored.count_params() == network.count_params()
    path = tmp_path / "network.keras"
    network.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded(images), network(images), rtol=1e-6, atol=1e-6)


def test_patchgan_keeps_instance_norm_and_adds_one_vector_per_convolution():
    plain = PatchGANDiscriminator(base_filters=8, num_layers=3)
    normalized = PatchGANDiscriminator(base_filters=8, num_layers=3, spectral_normalization=True)
    # C8-C16-C32-C64 and the 1-channel output: one u entry per filter; the
    # trainable weights are the paper network's.
    assert normalized.count_params() == plain.count_params() + 8 + 16 + 32 + 64 + 1
    trainable = sum(int(np.prod(w.shape)) for w in normalized.trainable_weights)
    assert trainable == plain.count_params()
    names = {type(layer).__name__ for layer in normalized.layers}
    assert "InstanceNormalization" in names
    logits = normalized(_images(1, (64, 64, 3)))
    assert logits.dtype == "float32"
    assert tuple(logits.shape) == (1, 6, 6, 1)


def test_spectral_normalization_must_be_a_bool():
    with pytest.raises(TypeError, match="spectral_normalization"):
        DCGANDiscriminator(spectral_normalization="yes")
    with pytest.raises(TypeError, match="spectral_normalization"):
        PatchGANDiscriminator(spectral_normalization=1)
    with pytest.raises(ValueError, match="power_iterations"):
        SpectralNormalization(keras.layers.Dense(2), power_iterations=0)
    with pytest.raises(TypeError, match="keras.layers.Layer"):
        SpectralNormalization("dense")
    with pytest.raises(ValueError, match="kernel"):
        SpectralNormalization(keras.layers.ReLU())(np.ones((1, 2), np.float32))


def test_discriminator_trains_one_step_with_a_gradient_penalty():
    keras.utils.set_random_seed(4)
    discriminator = DCGANDiscriminator(base_filters=4, spectral_normalization=True)
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(discriminator.trainable_variables)
    real, fake = _images(4, seed=5), _images(4, seed=6)
    before = [weight.numpy().copy() for weight in discriminator.weights]
    with tf.GradientTape() as tape:
        loss = non_saturating_discriminator_loss(
            discriminator(real, training=True), discriminator(fake, training=True)
        ) + 10.0 * gradient_penalty(discriminator, real, fake, seed=0)
    gradients = tape.gradient(loss, discriminator.trainable_variables)
    for gradient in gradients:
        assert np.all(np.isfinite(gradient.numpy()))
        assert np.abs(gradient.numpy()).max() > 0
    optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables, strict=True))
    changed = [
        not np.array_equal(weight.numpy(), old)
        for weight, old in zip(discriminator.weights, before, strict=True)
    ]
    assert all(changed)  # kernels, biases and the power-iteration vectors


def test_mixed_precision_keeps_small_updates_of_the_float32_kernel():
    # Keras 3's wrapper writes W / sigma back into the kernel at 16-bit
    # precision on every training call, which erases updates smaller than
    # half a bfloat16 ulp; this layer never writes the kernel.
    layer = SpectralNormalization(
        keras.layers.Conv2D(4, 3, dtype="mixed_bfloat16"), dtype="mixed_bfloat16"
    )
    images = _images(2, (6, 6, 2))
    layer(images, training=True)
    kernel = layer.layer.kernel
    updated = kernel.numpy() + 1e-6
    kernel.assign(updated)
    outputs = layer(images, training=True)
    assert outputs.dtype == "bfloat16"
    assert kernel.dtype == "float32" and layer.vector_u.dtype == "float32"
    np.testing.assert_array_equal(kernel.numpy(), updated)


def test_mixed_precision_discriminator_keeps_float32_logits():
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        discriminator = DCGANDiscriminator(base_filters=4, spectral_normalization=True)
    finally:
        keras.config.set_dtype_policy("float32")
    convolution = discriminator.get_layer("downsample_0")
    assert convolution.layer.compute_dtype == "bfloat16"
    assert discriminator(_images(2), training=True).dtype == "float32"


def test_two_replica_step_equals_single_device_step(mirrored_strategy):
    real, fake = _images(4, seed=7), _images(4, seed=8)

    def build():
        keras.utils.set_random_seed(5)
        discriminator = DCGANDiscriminator(base_filters=4, spectral_normalization=True)
        optimizer = keras.optimizers.SGD(0.1)
        optimizer.build(discriminator.trainable_variables)
        return discriminator, optimizer

    def step(discriminator, optimizer, real_batch, fake_batch, num_replicas):
        with tf.GradientTape() as tape:
            loss = hinge_discriminator_loss(
                discriminator(real_batch, training=True), discriminator(fake_batch, training=True)
            )
            scaled = loss / num_replicas
        gradients = tape.gradient(scaled, discriminator.trainable_variables)
        optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables, strict=True))

    single, single_optimizer = build()
    tf.function(step)(single, single_optimizer, real, fake, 1)

    with mirrored_strategy.scope():
        distributed, distributed_optimizer = build()
    dataset = tf.data.Dataset.from_tensor_slices((real, fake)).batch(4)
    batch = next(iter(mirrored_strategy.experimental_distribute_dataset(dataset)))

    @tf.function
    def distributed_step(real_batch, fake_batch):
        mirrored_strategy.run(
            step, args=(distributed, distributed_optimizer, real_batch, fake_batch, 2)
        )

    distributed_step(*batch)
    for ours, reference in zip(distributed.weights, single.weights, strict=True):
        # Every replica's copy, the power-iteration vectors included.
        for value in mirrored_strategy.experimental_local_results(ours.value):
            np.testing.assert_allclose(value.numpy(), reference.numpy(), rtol=1e-4, atol=1e-5)
