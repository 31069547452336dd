"""`frechet_distance` and `frechet_distance_from_statistics` against SciPy."""

import numpy as np
import pytest
import scipy.linalg

from ganzoo.metrics import frechet_distance
from ganzoo.metrics import frechet_distance_from_statistics
from tests.metrics.feature_samples import correlated_features


def _scipy_frechet_distance(features_a, features_b):
    # The formula of Heusel et al. (Eq. 6) with SciPy's general matrix square
    # root, as in the reference TTUR/pytorch-fid code.
    mu_a, mu_b = features_a.mean(axis=0), features_b.mean(axis=0)
    sigma_a = np.cov(features_a, rowvar=False)
    sigma_b = np.cov(features_b, rowvar=False)
    covariance_mean = scipy.linalg.sqrtm(sigma_a @ sigma_b)
    return float(
        np.sum((mu_a - mu_b) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2.0 * np.trace(covariance_mean).real
    )


@pytest.mark.parametrize("seed_b, mixing_seed_b", [(1, 0), (2, 5)])
def test_matches_scipy_sqrtm_reference(seed_b, mixing_seed_b):
    features_a = correlated_features(200, 16, seed=0)
    features_b = correlated_features(200, 16, seed=seed_b, mixing_seed=mixing_seed_b, shift=0.3)
    expected = _scipy_frechet_distance(features_a, features_b)
    assert expected > 0.1
    np.testing.assert_allclose(frechet_distance(features_a, features_b), expected, rtol=1e-6)


def test_is_zero_for_identical_sets():
    features = correlated_features(200, 16, seed=0)
    scale = 2.0 * np.trace(np.cov(features, rowvar=False))
    assert abs(frechet_distance(features, features)) <= 1e-6 * scale


def test_is_zero_for_identical_sets_with_singular_covariance():
    # Fewer samples than dimensions: the covariance has rank 9 of 32, and the
    # eigenvalues that round-off pushes below zero must be clipped, not NaN.
    features = correlated_features(10, 32, seed=0)
    scale = 2.0 * np.trace(np.cov(features, rowvar=False))
    value = frechet_distance(features, features)
    assert np.isfinite(value)
    assert abs(value) <= 1e-6 * scale


def test_is_symmetric():
    features_a = correlated_features(150, 8, seed=0)
    features_b = correlated_features(120, 8, seed=1, mixing_seed=3)
    np.testing.assert_allclose(
        frechet_distance(features_a, features_b),
        frechet_distance(features_b, features_a),
        rtol=1e-10,
    )


def test_mean_shift_with_equal_covariances_adds_its_squared_norm():
    features = correlated_features(200, 16, seed=0)
    delta = np.linspace(-0.5, 2.0, 16)
    np.testing.assert_allclose(
        frechet_distance(features, features + delta), np.sum(delta**2), rtol=1e-9
    )


def test_from_statistics_matches_features():
    features_a = correlated_features(200, 16, seed=0)
    features_b = correlated_features(180, 16, seed=1, mixing_seed=2)
    from_statistics = frechet_distance_from_statistics(
        features_a.mean(axis=0),
        np.cov(features_a, rowvar=False),
        features_b.mean(axis=0),
        np.cov(features_b, rowvar=False),
    )
    np.testing.assert_allclose(
        from_statistics, frechet_distance(features_a, features_b), rtol=1e-12
    )


def test_returns_a_python_float():
    value = frechet_distance(np.eye(3), np.ones((3, 3)) + np.eye(3))
    assert type(value) is float


@pytest.mark.parametrize(
    "features_a, features_b, message",
    [
        (np.zeros(5), np.zeros((5, 2)), r"2-D .* Received shape \(5,\)"),
        (np.zeros((5, 2, 1)), np.zeros((5, 2)), r"Received shape \(5, 2, 1\)"),
        (np.zeros((1, 2)), np.zeros((5, 2)), r"at least 2 rows. Received shape \(1, 2\)"),
        (np.zeros((5, 2)), np.zeros((5, 3)), r"same feature dimension.*\(5, 2\) and \(5, 3\)"),
        (np.full((5, 2), np.nan), np.zeros((5, 2)), r"finite.*10 NaN"),
        ([["a", "b"]], np.zeros((5, 2)), r"numeric array"),
    ],
)
def test_rejects_bad_features(features_a, features_b, message):
    with pytest.raises(ValueError, match=message):
        frechet_distance(features_a, features_b)


def test_from_statistics_rejects_bad_statistics():
    mu, sigma = np.zeros(3), np.eye(3)
    with pytest.raises(ValueError, match=r"same shape. Received \(3,\) and \(4,\)"):
        frechet_distance_from_statistics(mu, sigma, np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match=r"shape \(3, 3\) to match.*Received shape \(3, 2\)"):
        frechet_distance_from_statistics(mu, sigma[:, :2], mu, sigma)
    with pytest.raises(ValueError, match=r"symmetric"):
        frechet_distance_from_statistics(mu, sigma + np.triu(np.ones((3, 3)), 1), mu, sigma)
    with pytest.raises(ValueError, match=r"1-D array"):
        frechet_distance_from_statistics(sigma, sigma, mu, sigma)
