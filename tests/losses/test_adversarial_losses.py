import numpy as np
import pytest
import tensorflow as tf

from ganzoo import losses

REAL_LOGITS = np.array([-2.0, -0.5, 0.5, 3.0], dtype=np.float32)
FAKE_LOGITS = np.array([1.0, -1.0, 0.0, 2.5], dtype=np.float32)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


# NumPy references written from the papers' definitions on D = sigmoid(logits)
# (or raw outputs for the least-squares, hinge and Wasserstein families).
GENERATOR_REFERENCES = {
    "minimax": lambda f: np.mean(np.log(1.0 - _sigmoid(f))),
    "non_saturating": lambda f: -np.mean(np.log(_sigmoid(f))),
    "least_squares": lambda f: 0.5 * np.mean((f - 1.0) ** 2),
    "hinge": lambda f: -np.mean(f),
    "wasserstein": lambda f: -np.mean(f),
}
DISCRIMINATOR_REFERENCES = {
    "minimax": lambda r, f: -np.mean(np.log(_sigmoid(r))) - np.mean(np.log(1.0 - _sigmoid(f))),
    "non_saturating": lambda r, f: (
        -np.mean(np.log(_sigmoid(r))) - np.mean(np.log(1.0 - _sigmoid(f)))
    ),
    "least_squares": lambda r, f: 0.5 * np.mean((r - 1.0) ** 2) + 0.5 * np.mean(f**2),
    "hinge": lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)),
    "wasserstein": lambda r, f: np.mean(f) - np.mean(r),
}


@pytest.mark.parametrize("name", sorted(GENERATOR_REFERENCES))
def test_generator_loss_matches_numpy_reference(name):
    loss_fn = getattr(losses, f"{name}_generator_loss")
    value = float(loss_fn(FAKE_LOGITS))
    np.testing.assert_allclose(value, GENERATOR_REFERENCES[name](FAKE_LOGITS), rtol=1e-5)
    assert losses.get_generator_loss(name) is loss_fn


@pytest.mark.parametrize("name", sorted(DISCRIMINATOR_REFERENCES))
def test_discriminator_loss_matches_numpy_reference(name):
    loss_fn = getattr(losses, f"{name}_discriminator_loss")
    value = float(loss_fn(REAL_LOGITS, FAKE_LOGITS))
    expected = DISCRIMINATOR_REFERENCES[name](REAL_LOGITS, FAKE_LOGITS)
    np.testing.assert_allclose(value, expected, rtol=1e-5)
    assert losses.get_discriminator_loss(name) is loss_fn


@pytest.mark.parametrize("name", sorted(DISCRIMINATOR_REFERENCES))
def test_losses_take_patch_shaped_logits(name):
    # A PatchGAN map (batch, 2, 2, 1) averages exactly like its flattened values.
    patch_real = REAL_LOGITS.reshape(1, 2, 2, 1)
    patch_fake = FAKE_LOGITS.reshape(1, 2, 2, 1)
    d_loss = losses.get_discriminator_loss(name)
    g_loss = losses.get_generator_loss(name)
    np.testing.assert_allclose(
        float(d_loss(patch_real, patch_fake)), float(d_loss(REAL_LOGITS, FAKE_LOGITS)), rtol=1e-6
    )
    np.testing.assert_allclose(float(g_loss(patch_fake)), float(g_loss(FAKE_LOGITS)), rtol=1e-6)


def test_losses_are_stable_for_confident_logits():
    # log(sigmoid(-100)) underflows in a naive implementation.
    confident = np.array([100.0, -100.0], dtype=np.float32)
    for name in ("minimax", "non_saturating"):
        assert np.isfinite(float(losses.get_generator_loss(name)(confident)))
        assert np.isfinite(float(losses.get_discriminator_loss(name)(confident, confident)))


def test_non_saturating_keeps_gradient_where_minimax_saturates():
    # Goodfellow et al. 2014, Sec. 3: when D confidently rejects samples,
    # log(1 - D(G(z))) saturates; -log D(G(z)) does not.
    rejected = tf.constant([-8.0, -9.0])
    gradients = {}
    for name in ("minimax", "non_saturating"):
        with tf.GradientTape() as tape:
            tape.watch(rejected)
            value = losses.get_generator_loss(name)(rejected)
        gradients[name] = np.abs(tape.gradient(value, rejected).numpy()).max()
    assert gradients["minimax"] < 1e-3
    assert gradients["non_saturating"] > 0.4


def test_half_precision_logits_give_float32_losses():
    value = losses.non_saturating_generator_loss(tf.constant(FAKE_LOGITS, dtype=tf.bfloat16))
    assert value.dtype == tf.float32


def test_unknown_loss_name_is_rejected():
    with pytest.raises(ValueError, match="non_saturating"):
        losses.get_generator_loss("nonsaturating")
    with pytest.raises(TypeError, match="int"):
        losses.get_discriminator_loss(3)
