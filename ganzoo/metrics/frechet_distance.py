"""The Fréchet distance between Gaussians fitted to two feature sets (FID), in NumPy.

With Inception-v3 pool features this is the Fréchet Inception Distance; with a
domain classifier's features (for example on Fashion-MNIST) it is the same
formula on other features, and numbers are only comparable between runs that
use the same extractor, the same preprocessing and the same sample counts.
"""

import numpy as np

from ganzoo.metrics.input_checks import as_feature_matrix
from ganzoo.metrics.input_checks import check_same_feature_dim


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two sets of features.

    Fits `N(mu, Sigma)` to each set (sample mean, and covariance with the
    `n - 1` denominator, as `np.cov` and the reference FID code use) and returns
    `||mu_a - mu_b||^2 + Tr(Sigma_a + Sigma_b - 2 (Sigma_a Sigma_b)^(1/2))`.
    Lower is better; it is 0 for identical sets and symmetric in its arguments.
    It is biased upwards for finite `n` (Chong & Forsyth, CVPR 2020), so compare
    values computed with the same numbers of samples.

    Args:
        features_a: float array of shape `(n_a, d)`, `n_a >= 2`, finite.
        features_b: float array of shape `(n_b, d)`, `n_b >= 2`, finite.

    Returns:
        float >= 0 (up to round-off), in squared feature units.

    Raises:
        ValueError: if either array is not 2-D, has fewer than 2 rows, holds
            NaN or infinity, or the feature dimensions differ.

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium", NeurIPS 2017, Eq. 6.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.standard_normal((500, 8))
    >>> abs(frechet_distance(real, real)) < 1e-9
    True
    >>> frechet_distance(real, real + 1.0) > 7.9  # ||shift||^2 = 8
    True
    """
    features_a = as_feature_matrix(features_a, "features_a", min_samples=2)
    features_b = as_feature_matrix(features_b, "features_b", min_samples=2)
    check_same_feature_dim(features_a, "features_a", features_b, "features_b")
    return _frechet_distance(
        features_a.mean(axis=0),
        np.cov(features_a, rowvar=False),
        features_b.mean(axis=0),
        np.cov(features_b, rowvar=False),
    )


def frechet_distance_from_statistics(mu_a, sigma_a, mu_b, sigma_b):
    """Fréchet distance between `N(mu_a, sigma_a)` and `N(mu_b, sigma_b)`.

    Use it with statistics computed once and stored (for example the real
    set's `mu = features.mean(0)` and `sigma = np.cov(features, rowvar=False)`),
    so an evaluation does not re-extract the real features.

    Args:
        mu_a: float array of shape `(d,)`, finite.
        sigma_a: float array of shape `(d, d)`, symmetric positive
            semi-definite (asymmetry within `rtol=1e-5` of round-off is
            accepted and the symmetric part is used).
        mu_b: float array of shape `(d,)`, finite.
        sigma_b: float array of shape `(d, d)`, like `sigma_a`.

    Returns:
        float >= 0 (up to round-off).

    Raises:
        ValueError: if a shape is wrong, the dimensions differ, a value is not
            finite, or a covariance is not symmetric.

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium", NeurIPS 2017, Eq. 6.
    """
    mu_a = _as_mean(mu_a, "mu_a")
    mu_b = _as_mean(mu_b, "mu_b")
    if mu_a.shape != mu_b.shape:
        raise ValueError(
            f"`mu_a` and `mu_b` must have the same shape. Received {mu_a.shape} and {mu_b.shape}."
        )
    sigma_a = _as_covariance(sigma_a, "sigma_a", mu_a.shape[0])
    sigma_b = _as_covariance(sigma_b, "sigma_b", mu_a.shape[0])
    return _frechet_distance(mu_a, sigma_a, mu_b, sigma_b)


def _frechet_distance(mu_a, sigma_a, mu_b, sigma_b):
    mean_term = float(np.sum(np.square(mu_a - mu_b)))
    trace_term = np.trace(sigma_a) + np.trace(sigma_b) - 2.0 * _trace_sqrt_product(sigma_a, sigma_b)
    return mean_term + float(trace_term)


def _trace_sqrt_product(sigma_a, sigma_b):
    """`Tr((sigma_a sigma_b)^(1/2))` for symmetric PSD matrices, without SciPy.

    `sigma_a sigma_b` is not symmetric, but it is similar to the symmetric PSD
    matrix `sqrt(sigma_a) sigma_b sqrt(sigma_a)`, so both share eigenvalues and
    the trace of the square root is the sum of their square roots. Two `eigh`
    calls on symmetric matrices are stable where `sqrtm` of the product can
    return complex values with spurious imaginary parts; eigenvalues that
    round-off makes slightly negative are clipped to 0.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(sigma_a)
    sqrt_a = (eigenvectors * np.sqrt(np.maximum(eigenvalues, 0.0))) @ eigenvectors.T
    product = sqrt_a @ sigma_b @ sqrt_a
    product = 0.5 * (product + product.T)
    return float(np.sum(np.sqrt(np.maximum(np.linalg.eigvalsh(product), 0.0))))


def _as_mean(value, name):
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1 or array.shape[0] == 0 or not np.all(np.isfinite(array)):
        raise ValueError(
            f"`{name}` must be a non-empty finite 1-D array of shape `(d,)`. "
            f"Received shape {array.shape}."
        )
    return array


def _as_covariance(value, name, dim):
    array = np.asarray(value, dtype=np.float64)
    if array.shape != (dim, dim):
        raise ValueError(
            f"`{name}` must have shape {(dim, dim)} to match the means. "
            f"Received shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must hold finite values. Received shape {array.shape}.")
    scale = float(np.max(np.abs(array)))
    if not np.allclose(array, array.T, rtol=1e-5, atol=1e-8 * scale):
        asymmetry = float(np.max(np.abs(array - array.T)))
        raise ValueError(
            f"`{name}` must be a symmetric covariance matrix. Received a matrix of shape "
            f"{array.shape} with max |sigma - sigma^T| = {asymmetry:.3g}."
        )
    return 0.5 * (array + array.T)
