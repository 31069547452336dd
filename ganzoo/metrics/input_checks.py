"""Input checks shared by the NumPy metrics (internal; not re-exported).

Every metric takes plain arrays from a feature extractor or a classifier, and a
wrong shape there (a batch of images instead of features, a transposed matrix,
NaNs from a diverged generator) would otherwise surface as a confusing LAPACK
error or a silently wrong number. These checks turn it into a `ValueError` that
names what was received.
"""

import numpy as np


def as_feature_matrix(value, name, min_samples=1, flatten=False):
    """Returns `value` as a finite float64 matrix of shape `(n, d)`.

    Args:
        value: array-like of shape `(n, d)`, or `(n, ...)` when `flatten`.
        name: str, the argument name used in error messages.
        min_samples: int, the smallest accepted `n`.
        flatten: bool, reshape `(n, ...)` to `(n, prod(...))` instead of
            requiring rank 2.

    Returns:
        float64 array of shape `(n, d)`.

    Raises:
        ValueError: if `value` is not numeric, has the wrong rank, has fewer
            than `min_samples` rows or zero columns, or holds NaN or infinity.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`{name}` must be a numeric array. Received: {type(value).__name__} ({error})."
        ) from error
    if flatten:
        if array.ndim < 2:
            raise ValueError(
                f"`{name}` must have shape `(num_points, ...)` with at least 2 dimensions. "
                f"Received shape {array.shape}."
            )
        array = array.reshape(array.shape[0], -1)
    elif array.ndim != 2:
        raise ValueError(
            f"`{name}` must be a 2-D array of shape `(num_samples, feature_dim)`. "
            f"Received shape {array.shape}."
        )
    if array.shape[0] < min_samples:
        raise ValueError(
            f"`{name}` needs at least {min_samples} rows. Received shape {array.shape}."
        )
    if array.shape[1] == 0:
        raise ValueError(f"`{name}` has no feature columns. Received shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        count = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"`{name}` must hold finite values. Received shape {array.shape} "
            f"with {count} NaN or infinite entries."
        )
    return array


def check_same_feature_dim(array_a, name_a, array_b, name_b):
    """Raises `ValueError` unless two `(n, d)` matrices share `d`."""
    if array_a.shape[1] != array_b.shape[1]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same feature dimension. "
            f"Received shapes {array_a.shape} and {array_b.shape}."
        )


def check_int(value, name, minimum):
    """Returns `value` as an int, raising `ValueError` unless it is an int >= `minimum`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}. Received: {value!r}")
    return int(value)
