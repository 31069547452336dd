"""`kernel_inception_distance` against a loop-by-loop unbiased MMD^2."""

import numpy as np
import pytest

from ganzoo.metrics import KIDResult
from ganzoo.metrics import kernel_inception_distance
from tests.metrics.feature_samples import correlated_features


def _reference_unbiased_mmd2(x, y):
    """Bińkowski et al.'s unbiased estimator, written as explicit sums."""
    size, dim = x.shape

    def kernel(u, v):
        return (np.dot(u, v) / dim + 1.0) ** 3

    within_x = sum(kernel(x[i], x[j]) for i in range(size) for j in range(size) if i != j)
    within_y = sum(kernel(y[i], y[j]) for i in range(size) for j in range(size) if i != j)
    across = sum(kernel(x[i], y[j]) for i in range(size) for j in range(size))
    return (within_x + within_y) / (size * (size - 1)) - 2.0 * across / size**2


@pytest.mark.parametrize("subset_size", [20, 1000])
def test_full_set_matches_reference(subset_size):
    # With one subset as large as both sets, the subset is the whole set
    # (in some order, which the estimator does not depend on).
    features_a = correlated_features(20, 5, seed=0)
    features_b = correlated_features(20, 5, seed=1, shift=0.5)
    result = kernel_inception_distance(
        features_a, features_b, num_subsets=1, subset_size=subset_size
    )
    np.testing.assert_allclose(
        result.mean, _reference_unbiased_mmd2(features_a, features_b), rtol=1e-10
    )
    assert result.std == 0.0


def test_unbiased_estimator_drops_only_the_within_set_diagonals():
    # For identical sets the unbiased estimate is
    # (sum_ij K_ij - trace(K)) * 2 / (m (m - 1)) - 2 sum_ij K_ij / m^2, which
    # is negative: the biased V-statistic would give exactly 0.
    features = correlated_features(10, 4, seed=0)
    kernel = (features @ features.T / 4 + 1.0) ** 3
    size = 10
    expected = 2.0 * (kernel.sum() - np.trace(kernel)) / (size * (size - 1)) - 2.0 * (
        kernel.sum() / size**2
    )
    result = kernel_inception_distance(features, features, num_subsets=3, subset_size=size)
    np.testing.assert_allclose(result.mean, expected, rtol=1e-10)
    assert result.mean < 0.0


def test_same_distribution_is_near_zero_and_shift_is_clearly_positive():
    features_a = correlated_features(400, 8, seed=0)
    features_b = correlated_features(400, 8, seed=1)
    shifted = correlated_features(400, 8, seed=2, shift=1.0)
    same = kernel_inception_distance(features_a, features_b, num_subsets=20, subset_size=200)
    different = kernel_inception_distance(features_a, shifted, num_subsets=20, subset_size=200)
    assert abs(same.mean) < 0.05 * different.mean
    assert abs(same.mean) < 3.0 * same.std
    assert different.mean > 5.0 * different.std
    assert different.mean > 0.0


def test_is_seeded_and_returns_floats():
    features_a = correlated_features(60, 4, seed=0)
    features_b = correlated_features(50, 4, seed=1, shift=0.2)
    first = kernel_inception_distance(features_a, features_b, num_subsets=5, subset_size=30)
    again = kernel_inception_distance(features_a, features_b, num_subsets=5, subset_size=30)
    other = kernel_inception_distance(features_a, features_b, num_subsets=5, subset_size=30, seed=1)
    assert isinstance(first, KIDResult)
    assert type(first.mean) is float and type(first.std) is float
    assert first == again
    assert first != other
    assert first.std > 0.0


def test_mean_is_the_average_of_single_subset_estimates():
    # Subsets of the full size of equal sets are permutations, so every subset
    # gives the same estimate and the mean equals the reference.
    features_a = correlated_features(12, 3, seed=0)
    features_b = correlated_features(12, 3, seed=1, shift=0.3)
    result = kernel_inception_distance(features_a, features_b, num_subsets=7, subset_size=50)
    np.testing.assert_allclose(
        result.mean, _reference_unbiased_mmd2(features_a, features_b), rtol=1e-10
    )
    assert result.std < 1e-12 * abs(result.mean)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_subsets": 0}, r"`num_subsets` must be an int >= 1. Received: 0"),
        ({"subset_size": 1}, r"`subset_size` must be an int >= 2. Received: 1"),
        ({"subset_size": 2.5}, r"Received: 2.5"),
        ({"seed": -1}, r"`seed` must be an int >= 0. Received: -1"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    features = np.zeros((4, 2))
    with pytest.raises(ValueError, match=message):
        kernel_inception_distance(features, features, **kwargs)


def test_rejects_bad_features():
    with pytest.raises(ValueError, match=r"same feature dimension.*\(4, 2\) and \(4, 3\)"):
        kernel_inception_distance(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"at least 2 rows. Received shape \(1, 2\)"):
        kernel_inception_distance(np.zeros((4, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"finite"):
        kernel_inception_distance(np.full((4, 2), np.inf), np.zeros((4, 2)))
