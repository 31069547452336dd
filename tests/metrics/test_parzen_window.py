"""The Parzen-window log-likelihood against a SciPy Gaussian mixture."""

import numpy as np
import pytest
import scipy.special
import scipy.stats

from ganzoo.metrics import PAPER_SIGMAS
from ganzoo.metrics import ParzenEstimate
from ganzoo.metrics import parzen_log_likelihood
from ganzoo.metrics import parzen_window_estimate
from ganzoo.metrics import select_parzen_sigma


def _scipy_mixture_log_likelihood(samples, points, sigma):
    """log((1/N) sum_i N(x; s_i, sigma^2 I)) with scipy.stats.multivariate_normal."""
    covariance = sigma**2 * np.eye(samples.shape[1])
    components = np.stack(
        [scipy.stats.multivariate_normal(mean, covariance).logpdf(points) for mean in samples]
    )
    return scipy.special.logsumexp(components, axis=0) - np.log(samples.shape[0])


@pytest.mark.parametrize("sigma", [0.1, 0.35, 1.0])
def test_matches_scipy_gaussian_mixture(sigma):
    rng = np.random.default_rng(0)
    samples = rng.uniform(size=(50, 3))
    points = rng.uniform(size=(20, 3))
    np.testing.assert_allclose(
        parzen_log_likelihood(samples, points, sigma, batch_size=6),
        _scipy_mixture_log_likelihood(samples, points, sigma),
        rtol=1e-6,
    )


def test_flattens_images_and_ignores_the_batch_size():
    rng = np.random.default_rng(1)
    samples = rng.uniform(size=(30, 2, 2, 1))
    points = rng.uniform(size=(11, 2, 2, 1))
    flat = parzen_log_likelihood(samples.reshape(30, 4), points.reshape(11, 4), 0.2)
    for batch_size in (1, 4, 100):
        np.testing.assert_allclose(
            parzen_log_likelihood(samples, points, 0.2, batch_size=batch_size), flat, rtol=1e-12
        )
    assert flat.shape == (11,) and flat.dtype == np.float64


def test_far_points_stay_finite():
    # exp(-||x - s||^2 / (2 sigma^2)) underflows to 0 for every sample here;
    # the stable log-sum-exp keeps the exact value.
    samples = np.zeros((3, 2))
    value = parzen_log_likelihood(samples, np.full((1, 2), 10.0), sigma=0.1)[0]
    expected = -200.0 / (2 * 0.01) - np.log(2 * np.pi * 0.01)
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_sigma_selection_finds_the_analytic_optimum():
    # One sample at the origin and validation points at radius r in d = 2:
    # log p = -r^2 / (2 sigma^2) - log(2 pi sigma^2), maximal at sigma = r / sqrt(2).
    radius = 0.5
    validation = radius * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    best = radius / np.sqrt(2.0)
    sigmas = (0.1, 0.2, best, 0.5, 1.0)
    assert select_parzen_sigma(np.zeros((1, 2)), validation, sigmas) == best


def test_sigma_selection_maximises_the_mean_validation_log_likelihood():
    rng = np.random.default_rng(2)
    samples = rng.uniform(size=(40, 5))
    validation = rng.uniform(size=(25, 5))
    means = [parzen_log_likelihood(samples, validation, sigma).mean() for sigma in PAPER_SIGMAS]
    chosen = select_parzen_sigma(samples, validation, batch_size=7)
    assert chosen == PAPER_SIGMAS[int(np.argmax(means))]
    assert chosen not in (PAPER_SIGMAS[0], PAPER_SIGMAS[-1])


def test_estimate_reports_test_mean_and_standard_error_at_the_validation_sigma():
    # One sample at the origin, d = 2, sigma chosen as r / sqrt(2) = 0.5 from
    # validation points at radius 1 / sqrt(2). Test points at radii 0, 1, 2:
    # log p_i = -r_i^2 / (2 sigma^2) - log(2 pi sigma^2) = -2 r_i^2 - log(pi / 2).
    samples = np.zeros((1, 2))
    validation = np.array([[0.5, 0.5], [-0.5, 0.5], [0.5, -0.5]])
    test = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, -2.0]])
    estimate = parzen_window_estimate(samples, validation, test, sigmas=(0.25, 0.5, 1.0))
    log_likelihoods = -2.0 * np.array([0.0, 1.0, 4.0]) - np.log(np.pi / 2.0)
    mean = log_likelihoods.mean()
    standard_error = np.sqrt(np.sum((log_likelihoods - mean) ** 2) / 2.0) / np.sqrt(3.0)
    assert isinstance(estimate, ParzenEstimate)
    assert estimate.sigma == 0.5
    np.testing.assert_allclose(estimate.mean, mean, rtol=1e-12)
    np.testing.assert_allclose(estimate.standard_error, standard_error, rtol=1e-12)


def test_paper_sigmas_are_the_logspace_grid():
    np.testing.assert_allclose(PAPER_SIGMAS, np.logspace(-1.0, 0.0, 10), rtol=0)


def test_rejects_bad_inputs():
    samples = np.zeros((5, 4))
    with pytest.raises(ValueError, match=r"`sigma` must be a positive finite float. Received: 0"):
        parzen_log_likelihood(samples, samples, sigma=0.0)
    with pytest.raises(ValueError, match=r"same feature dimension.*\(5, 4\) and \(5, 3\)"):
        parzen_log_likelihood(samples, np.zeros((5, 3)), sigma=0.1)
    with pytest.raises(ValueError, match=r"at least 2 dimensions. Received shape \(4,\)"):
        parzen_log_likelihood(samples, np.zeros(4), sigma=0.1)
    with pytest.raises(ValueError, match=r"`sigmas` must be a non-empty 1-D"):
        select_parzen_sigma(samples, samples, sigmas=())
    with pytest.raises(ValueError, match=r"positive and finite"):
        select_parzen_sigma(samples, samples, sigmas=(0.1, -1.0))
    with pytest.raises(ValueError, match=r"`test_points` needs at least 2 rows"):
        parzen_window_estimate(samples, samples, np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"`batch_size` must be an int >= 1. Received: 0"):
        parzen_log_likelihood(samples, samples, 0.1, batch_size=0)
