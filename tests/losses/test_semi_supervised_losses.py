import numpy as np
import tensorflow as tf

from ganzoo import losses


def test_real_fake_logit_gives_d_equal_z_over_z_plus_one():
    # Salimans et al. 2016, Sec. 5, written out directly: Z = sum exp(l).
    logits = np.array([[0.0, 0.0, 0.0], [2.0, -1.0, 0.5], [-30.0, -40.0, -35.0]], np.float32)
    z = np.exp(logits.astype(np.float64)).sum(axis=1)
    expected_d = z / (z + 1.0)
    d = tf.sigmoid(losses.real_fake_logit(logits)).numpy()
    np.testing.assert_allclose(d, expected_d, rtol=1e-6, atol=1e-12)
    # Large logits do not overflow: log Z ~ max logit.
    big = losses.real_fake_logit(np.array([[500.0, 499.0]], np.float32)).numpy()
    np.testing.assert_allclose(big, [500.0 + np.log1p(np.exp(-1.0))], rtol=1e-6)


def test_feature_matching_loss_matches_numpy_and_holds_real_side_fixed():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(6, 4)).astype(np.float32)
    fake = rng.normal(1.0, 2.0, size=(5, 4)).astype(np.float32)
    expected = np.mean((real.mean(axis=0) - fake.mean(axis=0)) ** 2)
    np.testing.assert_allclose(float(losses.feature_matching_loss(real, fake)), expected, rtol=1e-5)
    real_tensor, fake_tensor = tf.constant(real), tf.constant(fake)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real_tensor, fake_tensor])
        value = losses.feature_matching_loss(real_tensor, fake_tensor)
    assert tape.gradient(value, real_tensor) is None
    expected_gradient = np.broadcast_to(
        -2.0 * (real.mean(axis=0) - fake.mean(axis=0)) / (4 * 5), fake.shape
    )
    np.testing.assert_allclose(tape.gradient(value, fake_tensor), expected_gradient, rtol=1e-5)
