"""Synthetic feature sets for the metric tests."""

import numpy as np


def correlated_features(num_samples, feature_dim, seed, mixing_seed=0, shift=0.0):
    """float64 `(num_samples, feature_dim)` Gaussian features with correlated columns.

    The same `mixing_seed` gives the same covariance, so two calls with different
    `seed`s are two samples of one distribution; `shift` moves the mean.
    """
    mixing = np.random.default_rng(mixing_seed).normal(size=(feature_dim, feature_dim))
    mixing /= np.sqrt(feature_dim)
    offset = np.linspace(-1.0, 1.0, feature_dim)
    noise = np.random.default_rng(seed).standard_normal((num_samples, feature_dim))
    return noise @ mixing + offset + shift
