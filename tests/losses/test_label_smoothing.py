import numpy as np
import pytest

from ganzoo import losses

REAL_LOGITS = np.array([-2.0, -0.5, 0.5, 3.0], dtype=np.float32)
FAKE_LOGITS = np.array([1.0, -1.0, 0.0, 2.5], dtype=np.float32)


def _numpy_smoothed_loss(real, fake, real_label):
    # Cross-entropy against target `real_label` on real samples and 0 on fakes.
    d_real = 1.0 / (1.0 + np.exp(-real.astype(np.float64)))
    d_fake = 1.0 / (1.0 + np.exp(-fake.astype(np.float64)))
    real_term = -np.mean(real_label * np.log(d_real) + (1 - real_label) * np.log(1 - d_real))
    return real_term - np.mean(np.log(1 - d_fake))


@pytest.mark.parametrize("real_label", [0.9, 0.7, 1.0])
def test_one_sided_label_smoothing_matches_numpy(real_label):
    value = losses.smoothed_minimax_discriminator_loss(REAL_LOGITS, FAKE_LOGITS, real_label)
    assert value.dtype == "float32"
    expected = _numpy_smoothed_loss(REAL_LOGITS, FAKE_LOGITS, real_label)
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)


def test_only_the_real_targets_are_smoothed():
    # The fake term is the unsmoothed one: changing the fake logits changes
    # both losses by the same amount, and real_label=1 is the minimax loss.
    smoothed = losses.smoothed_minimax_discriminator_loss
    minimax = losses.minimax_discriminator_loss
    for fake in (FAKE_LOGITS, FAKE_LOGITS - 3.0):
        difference = float(smoothed(REAL_LOGITS, fake)) - float(minimax(REAL_LOGITS, fake))
        np.testing.assert_allclose(
            difference,
            float(smoothed(REAL_LOGITS, FAKE_LOGITS)) - float(minimax(REAL_LOGITS, FAKE_LOGITS)),
            rtol=1e-5,
        )
    np.testing.assert_allclose(
        float(smoothed(REAL_LOGITS, FAKE_LOGITS, real_label=1.0)),
        float(minimax(REAL_LOGITS, FAKE_LOGITS)),
        rtol=1e-6,
    )


def test_smoothed_loss_is_minimal_at_the_smoothed_target():
    # The real term is minimized where sigmoid(logit) = 0.9, at logit(0.9).
    logits = np.linspace(1.5, 3.0, 76).astype(np.float32)
    values = [
        float(losses.smoothed_minimax_discriminator_loss(np.array([x]), np.array([-30.0])))
        for x in logits
    ]
    np.testing.assert_allclose(logits[int(np.argmin(values))], np.log(0.9 / 0.1), atol=0.02)
    # Its minimum is the binary entropy of 0.9, not 0.
    np.testing.assert_allclose(min(values), -(0.9 * np.log(0.9) + 0.1 * np.log(0.1)), rtol=1e-4)


def test_smoothed_loss_is_stable_and_takes_patch_maps():
    confident = np.array([100.0, -100.0], dtype=np.float32)
    value = losses.smoothed_minimax_discriminator_loss(confident, confident)
    assert np.isfinite(float(value))
    np.testing.assert_allclose(
        float(
            losses.smoothed_minimax_discriminator_loss(
                REAL_LOGITS.reshape(1, 2, 2, 1), FAKE_LOGITS.reshape(1, 2, 2, 1)
            )
        ),
        float(losses.smoothed_minimax_discriminator_loss(REAL_LOGITS, FAKE_LOGITS)),
        rtol=1e-6,
    )


def test_bad_real_label_raises():
    for real_label in (0.0, -0.1, 1.1, "0.9", True):
        with pytest.raises(ValueError, match="real_label"):
            losses.smoothed_minimax_discriminator_loss(REAL_LOGITS, FAKE_LOGITS, real_label)
