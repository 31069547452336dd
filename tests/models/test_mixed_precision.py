"""Each model trains under mixed_bfloat16 and mixed_float16 as it does in float32.

A short run on real Fashion-MNIST in each policy, from the same initial weights
and the same batches, must reach a discriminator loss close to the float32
run's, and one that moved from where it started. A policy that broke the
gradients (float16 without loss scaling underflows to zero; a float16 loss
overflowing to Inf) would leave the discriminator where it started or make
the loss non-finite.

float16 matrix arithmetic has no fast path on this CPU (about 40x slower than
float32 here), so its runs are shorter; bfloat16 has AMX/AVX-512 support.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.compat.keras_workarounds import all_layers
from ganzoo.data import load_image_arrays
from ganzoo.models import GAN
from ganzoo.models import ConditionalGAN
from ganzoo.models import CycleGAN
from ganzoo.models import SemiSupervisedGAN
from ganzoo.networks import ConditionalDCGANDiscriminator
from ganzoo.networks import ConditionalDCGANGenerator
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator
from ganzoo.networks import PatchGANDiscriminator
from ganzoo.networks import ResNetGenerator
from ganzoo.networks import SemiSupervisedDiscriminator
from ganzoo.training.precision import global_dtype_policy

SNEAKER, ANKLE_BOOT = 7, 9


@pytest.fixture(scope="module")
def fashion_mnist():
    images, labels = load_image_arrays("fashion_mnist", split="train", source="idx")
    return (images.astype(np.float32) / 127.5 - 1.0), labels.astype(np.int32)


def _build(model_name):
    if model_name == "gan":
        return GAN(
            DCGANGenerator(16, (28, 28, 1), base_filters=8),
            DCGANDiscriminator((28, 28, 1), base_filters=8),
            latent_dim=16,
            seed=3,
        )
    if model_name == "conditional_gan":
        return ConditionalGAN(
            ConditionalDCGANGenerator(16, 10, (28, 28, 1), base_filters=8, embedding_dim=8),
            ConditionalDCGANDiscriminator(10, (28, 28, 1), base_filters=8, embedding_dim=8),
            num_classes=10,
            latent_dim=16,
            seed=3,
        )
    if model_name == "semi_supervised_gan":
        return SemiSupervisedGAN(
            DCGANGenerator(16, (28, 28, 1), base_filters=8),
            SemiSupervisedDiscriminator(10, (28, 28, 1), base_filters=8),
            num_classes=10,
            latent_dim=16,
            seed=3,
        )
    return CycleGAN(
        ResNetGenerator(channels=1, base_filters=4, num_residual_blocks=1),
        ResNetGenerator(channels=1, base_filters=4, num_residual_blocks=1),
        PatchGANDiscriminator(channels=1, base_filters=4, num_layers=2),
        PatchGANDiscriminator(channels=1, base_filters=4, num_layers=2),
        pool_size=8,
        seed=3,
    )


def _dataset(model_name, fashion_mnist, steps, batch_size):
    images, labels = fashion_mnist
    count = steps * batch_size
    if model_name == "gan":
        data = tf.data.Dataset.from_tensor_slices(images[:count])
    elif model_name == "conditional_gan":
        data = tf.data.Dataset.from_tensor_slices((images[:count], labels[:count]))
    elif model_name == "semi_supervised_gan":
        # SemiSupervisedGAN's batch layout: unlabelled images and a labelled minibatch.
        data = tf.data.Dataset.from_tensor_slices(
            {
                "images": images[:count],
                "labelled_images": images[count : 2 * count],
                "labels": labels[count : 2 * count],
            }
        )
    else:
        sneakers = images[labels == SNEAKER][:count]
        boots = images[labels == ANKLE_BOOT][:count]
        data = tf.data.Dataset.from_tensor_slices((sneakers, boots)).map(
            lambda x, y: (tf.image.resize(x, (16, 16)), tf.image.resize(y, (16, 16)))
        )
    return data.batch(batch_size, drop_remainder=True)


def _train(model_name, policy, fashion_mnist, initial_weights, steps):
    """The model, d_loss per step, and how far the discriminator weights moved."""
    with global_dtype_policy(policy):
        model = _build(model_name)
        model.compile(
            d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        )
    model.set_weights(initial_weights)
    before = _discriminator_weights(model)
    losses = []
    logger = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: losses.append(float(logs["d_loss"]))
    )
    # CycleGAN's four networks make a step dearer: a smaller batch.
    batch_size = 8 if model_name == "cycle_gan" else 32
    model.fit(
        _dataset(model_name, fashion_mnist, steps, batch_size),
        epochs=1,
        verbose=0,
        callbacks=[logger],
    )
    moved = np.sqrt(
        sum(
            np.sum((after - start) ** 2)
            for after, start in zip(_discriminator_weights(model), before, strict=True)
        )
    )
    return model, np.array(losses), moved


def _discriminator_weights(model):
    if isinstance(model, CycleGAN):
        networks = [model.discriminator_x, model.discriminator_y]
    else:
        networks = [model.discriminator]
    return [np.asarray(v) for network in networks for v in network.trainable_variables]


# Steps per run: float16 has no fast path here, so the runs stay short.
STEPS = {"gan": 12, "conditional_gan": 12, "semi_supervised_gan": 8, "cycle_gan": 6}


@pytest.fixture(scope="module")
def float32_runs():
    """The float32 run of each model, shared by its two mixed-policy tests."""
    return {}


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
@pytest.mark.parametrize("model_name", list(STEPS))
def test_a_short_mixed_precision_run_matches_float32(
    model_name, policy, fashion_mnist, float32_runs
):
    steps = STEPS[model_name]
    keras.utils.set_random_seed(0)
    initial_weights = _build(model_name).get_weights()

    mixed, mixed_losses, mixed_moved = _train(
        model_name, policy, fashion_mnist, initial_weights, steps
    )
    if model_name not in float32_runs:
        _, *float32_runs[model_name] = _train(
            model_name, "float32", fashion_mnist, initial_weights, steps
        )
    float32_losses, float32_moved = float32_runs[model_name]

    compute_dtypes = {layer.compute_dtype for layer in all_layers(mixed)}
    assert policy.removeprefix("mixed_") in compute_dtypes
    assert np.all(np.isfinite(mixed_losses))
    expected_optimizer = (
        keras.optimizers.LossScaleOptimizer if policy == "mixed_float16" else keras.optimizers.Adam
    )
    assert isinstance(mixed.d_optimizer, expected_optimizer)
    assert isinstance(mixed.g_optimizer, expected_optimizer)
    # Keras' running mean over the epoch, at the last step: the logged d_loss.
    tail = slice(-max(steps // 4, 3), None)
    float32_tail, mixed_tail = float32_losses[tail].mean(), mixed_losses[tail].mean()
    assert abs(mixed_tail - float32_tail) < 0.1 * abs(float32_tail) + 0.02
    # The discriminators moved about as far: no update skipped or lost to underflow.
    assert float32_moved > 0
    assert 0.7 < mixed_moved / float32_moved < 1.4
