"""Blocks of squared Euclidean distances, in NumPy (internal; not re-exported)."""

import numpy as np


def pairwise_squared_distances(rows, columns, row_norms=None, column_norms=None):
    """`||rows[i] - columns[j]||^2` for every pair, by the dot-product expansion.

    `||a||^2 + ||b||^2 - 2 a.b` costs one matrix product instead of a
    `(n, m, d)` difference tensor, which is what lets the k-NN and Parzen
    metrics work in memory-bounded blocks. In float64 the cancellation error is
    about `1e-16 * (||a||^2 + ||b||^2)`; results are clipped at 0 so that it
    never yields a negative distance.

    Args:
        rows: float64 array of shape `(n, d)`.
        columns: float64 array of shape `(m, d)`.
        row_norms: optional float64 array of shape `(n,)`, the squared norms of
            `rows` when the caller reuses them across blocks.
        column_norms: optional float64 array of shape `(m,)`, likewise.

    Returns:
        float64 array of shape `(n, m)`, non-negative.
    """
    if row_norms is None:
        row_norms = np.einsum("ij,ij->i", rows, rows)
    if column_norms is None:
        column_norms = np.einsum("ij,ij->i", columns, columns)
    distances = row_norms[:, None] + column_norms[None, :] - 2.0 * (rows @ columns.T)
    return np.maximum(distances, 0.0)
