"""`inception_score` on predictions with known scores."""

import numpy as np
import pytest
import scipy.special

from ganzoo.metrics import InceptionScoreResult
from ganzoo.metrics import inception_score


def test_confident_predictions_spread_over_classes_score_the_class_count():
    num_classes = 7
    probabilities = np.eye(num_classes)[np.arange(10 * num_classes * 3) % num_classes]
    result = inception_score(probabilities, num_splits=10)
    np.testing.assert_allclose(result.mean, num_classes, rtol=1e-12)
    assert result.std == pytest.approx(0.0, abs=1e-12)


def test_identical_predictions_score_one():
    row = scipy.special.softmax(np.linspace(-2.0, 3.0, 10))
    result = inception_score(np.tile(row, (50, 1)), num_splits=5)
    assert result == InceptionScoreResult(mean=pytest.approx(1.0, abs=1e-12), std=0.0)


def test_matches_a_kl_divergence_reference_per_split():
    rng = np.random.default_rng(0)
    probabilities = scipy.special.softmax(rng.normal(size=(23, 6)) * 2.0, axis=1)
    boundaries = [0, 7, 15, 23]  # 23 * i // 3
    expected = []
    for start, stop in zip(boundaries[:-1], boundaries[1:], strict=True):
        part = probabilities[start:stop]
        divergence = scipy.special.rel_entr(part, part.mean(axis=0)).sum(axis=1).mean()
        expected.append(np.exp(divergence))
    result = inception_score(probabilities, num_splits=3)
    np.testing.assert_allclose(result.mean, np.mean(expected), rtol=1e-12)
    np.testing.assert_allclose(result.std, np.std(expected), rtol=1e-10)
    assert type(result.mean) is float


def test_zero_probabilities_are_allowed():
    probabilities = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    result = inception_score(probabilities, num_splits=1)
    assert np.isfinite(result.mean) and 1.0 <= result.mean <= 2.0


@pytest.mark.parametrize(
    "probabilities, num_splits, message",
    [
        (np.full(4, 0.25), 1, r"2-D .* Received shape \(4,\)"),
        (np.full((4, 2), 0.5), 5, r"at least `num_splits` = 5 rows. Received shape \(4, 2\)"),
        (np.array([[1.5, -0.5], [0.5, 0.5]]), 1, r"non-negative .*-0.5"),
        (np.array([[0.6, 0.6], [0.5, 0.5]]), 1, r"row 0 summing to 1.2"),
        (np.array([[np.nan, 1.0], [0.5, 0.5]]), 1, r"finite"),
        (np.full((4, 2), 0.5), 0, r"`num_splits` must be an int >= 1. Received: 0"),
    ],
)
def test_rejects_bad_probabilities(probabilities, num_splits, message):
    with pytest.raises(ValueError, match=message):
        inception_score(probabilities, num_splits=num_splits)
