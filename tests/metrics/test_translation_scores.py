"""translation_scores: domain-classifier success and cycle L1 of both directions."""

import numpy as np
import pytest

from ganzoo.metrics import translation_scores


def classify(images):
    """Calls an image Y (class 1) when its mean is positive."""
    is_y = images.reshape(len(images), -1).mean(axis=1) > 0
    return np.stack([~is_y, is_y], axis=1).astype(np.float32)


def domains():
    rng = np.random.default_rng(0)
    images_x = -rng.uniform(0.2, 1.0, (5, 4, 4, 3)).astype(np.float32)
    images_y = rng.uniform(0.2, 1.0, (3, 4, 4, 3)).astype(np.float32)
    return images_x, images_y


def test_a_perfect_translator_succeeds_and_cycles_back():
    images_x, images_y = domains()
    scores = translation_scores(lambda x: -x, lambda y: -y, images_x, images_y, classify)
    assert scores["x_to_y_success"] == 1.0 and scores["y_to_x_success"] == 1.0
    assert scores["x_cycle_l1"] == 0.0 and scores["y_cycle_l1"] == 0.0
    assert scores["real_x_accuracy"] == 1.0 and scores["real_y_accuracy"] == 1.0
    assert (scores["num_x"], scores["num_y"]) == (5, 3)


def test_the_identity_fails_to_translate():
    images_x, images_y = domains()
    scores = translation_scores(lambda x: x, lambda y: y, images_x, images_y, classify)
    assert scores["x_to_y_success"] == 0.0 and scores["y_to_x_success"] == 0.0
    assert scores["x_cycle_l1"] == 0.0


def test_cycle_l1_is_the_mean_absolute_reconstruction_error():
    images_x, images_y = domains()
    # G maps everything to a constant Y-looking image; F maps back to zeros.
    scores = translation_scores(
        lambda x: np.full_like(x, 0.5), lambda y: np.zeros_like(y), images_x, images_y, classify
    )
    assert scores["x_to_y_success"] == 1.0
    np.testing.assert_allclose(scores["x_cycle_l1"], np.mean(np.abs(images_x)), rtol=1e-6)
    # F(y) = 0 has mean 0, which `classify` calls X (class 0).
    assert scores["y_to_x_success"] == 1.0
    np.testing.assert_allclose(scores["y_cycle_l1"], np.mean(np.abs(images_y - 0.5)), rtol=1e-6)


def test_bad_shapes_are_reported():
    images_x, images_y = domains()
    with pytest.raises(ValueError, match="translation has shape"):
        translation_scores(lambda x: x[:, :2], lambda y: y, images_x, images_y, classify)
    with pytest.raises(ValueError, match=r"\(5, 2\)"):
        translation_scores(lambda x: x, lambda y: y, images_x, images_y, lambda i: i[:, 0, 0])
    with pytest.raises(ValueError, match="non-empty"):
        translation_scores(lambda x: x, lambda y: y, images_x[:0], images_y, classify)
