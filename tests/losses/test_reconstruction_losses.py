"""Cycle-consistency and identity losses (Zhu et al. 2017) against NumPy."""

import keras
import numpy as np
import pytest

from ganzoo import losses


def images(seed, shape=(2, 3, 5, 3)):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


@pytest.mark.parametrize("loss_fn", [losses.cycle_consistency_loss, losses.identity_loss])
def test_mean_absolute_error_against_numpy(loss_fn):
    real = images(0)
    reconstructed = images(1)
    expected = np.mean(np.abs(real.astype(np.float64) - reconstructed))
    np.testing.assert_allclose(float(loss_fn(real, reconstructed)), expected, rtol=1e-6)
    assert float(loss_fn(real, real)) == 0.0


def test_cycle_loss_is_l1_not_l2():
    real = np.zeros((1, 2, 2, 1), np.float32)
    cycled = np.array([0.5, -0.5, 0.0, 2.0], np.float32).reshape(1, 2, 2, 1)
    # L1: (0.5 + 0.5 + 0 + 2) / 4; an L2 loss would give (0.25 + 0.25 + 4) / 4.
    assert float(losses.cycle_consistency_loss(real, cycled)) == pytest.approx(0.75)


def test_bfloat16_images_give_a_float32_loss():
    real = keras.ops.cast(images(0), "bfloat16")
    loss = losses.cycle_consistency_loss(real, keras.ops.cast(images(1), "bfloat16"))
    assert keras.backend.standardize_dtype(loss.dtype) == "float32"


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="same shape"):
        losses.cycle_consistency_loss(images(0), images(1, shape=(2, 3, 5, 1)))


def test_cycle_gan_generator_loss_is_twice_the_lsgan_form():
    logits = np.array([[-1.0, 0.5], [2.0, 1.0]], np.float32).reshape(2, 2, 1, 1)
    expected = np.mean((logits - 1.0) ** 2)
    value = float(losses.least_squares_cycle_gan_generator_loss(logits))
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    np.testing.assert_allclose(value, 2 * float(losses.least_squares_generator_loss(logits)))
