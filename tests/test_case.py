"""Shared helpers for the tests: tiny networks and GANs, fast on CPU."""

import keras
import numpy as np

from ganzoo.models import GAN
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator

LATENT_DIM = 8
IMAGE_SHAPE = (28, 28, 1)


def tiny_gan(
    discriminator_steps=1,
    seed=3,
    d_optimizer=None,
    g_optimizer=None,
    generator_loss="non_saturating",
    weights_seed=1,
    **options,
):
    """A compiled GAN with 8-filter DCGAN networks and deterministic weights.

    `options` go to `GAN` (e.g. `generator_ema_decay`).
    """
    keras.utils.set_random_seed(weights_seed)
    gan = GAN(
        generator=DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
        discriminator=DCGANDiscriminator(IMAGE_SHAPE, base_filters=8),
        discriminator_steps=discriminator_steps,
        seed=seed,
        **options,
    )
    gan.compile(
        d_optimizer=d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5),
        generator_loss=generator_loss,
    )
    return gan


def random_images(count, seed=0):
    """float32 images in [-1, 1] of shape (count, 28, 28, 1)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (count, *IMAGE_SHAPE)).astype(np.float32)


def max_weight_difference(model_a, model_b):
    """Largest absolute difference between corresponding weights."""
    return max(
        float(np.abs(np.asarray(a) - np.asarray(b)).max())
        for a, b in zip(model_a.weights, model_b.weights, strict=True)
    )
