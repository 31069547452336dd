"""Improved precision and recall of a generator, from k-NN manifolds of features."""

import dataclasses

import numpy as np

from ganzoo.metrics.input_checks import as_feature_matrix
from ganzoo.metrics.input_checks import check_int
from ganzoo.metrics.input_checks import check_same_feature_dim
from ganzoo.metrics.pairwise_squared_distances import pairwise_squared_distances


@dataclasses.dataclass(frozen=True)
class PrecisionRecall:
    """Improved precision and recall, both in `[0, 1]`.

    Attributes:
        precision: float, the share of generated samples inside the real
            manifold (sample quality).
        recall: float, the share of real samples inside the generated
            manifold (coverage; a collapsed generator has recall near 0).
    """

    precision: float
    recall: float


def precision_recall(real_features, fake_features, k=3, batch_size=1000):
    """Improved precision and recall with k-nearest-neighbour manifolds.

    Each set's manifold is the union of balls centred on its samples, the
    radius of each ball being the distance to that sample's `k`-th nearest
    neighbour in the same set (the sample itself not counted). A point is
    inside a manifold when it lies within (`<=`) at least one ball.
    Precision is the share of `fake_features` inside the real manifold; recall
    the share of `real_features` inside the fake manifold. Duplicate rows
    count as neighbours at distance 0.

    Distances are computed in float64, `batch_size` x `batch_size` blocks at a
    time, so memory stays at `8 * batch_size^2` bytes (plus the inputs)
    whatever the set sizes; time is quadratic in them. The paper uses
    `k = 3` and 50,000 samples per set.

    Args:
        real_features: float array of shape `(n_real, d)`, `n_real > k`, finite.
        fake_features: float array of shape `(n_fake, d)`, `n_fake > k`, finite.
        k: int >= 1, the neighbour whose distance sets each radius.
        batch_size: int >= 1, rows per distance block.

    Returns:
        `PrecisionRecall(precision, recall)` of Python floats in `[0, 1]`.

    Raises:
        ValueError: if either array is not 2-D, has `k` rows or fewer, holds
            NaN or infinity, the feature dimensions differ, or `k` /
            `batch_size` is not a positive int.

    Reference:
        Kynkäänniemi et al., "Improved Precision and Recall Metric for
        Assessing Generative Models", NeurIPS 2019, Sec. 2, Eq. 1 (the
        manifold indicator) and Eq. 2 (precision and recall).

    Example:

    >>> grid = np.stack(np.meshgrid(np.arange(10.0), np.arange(10.0)), -1).reshape(-1, 2)
    >>> precision_recall(grid, grid[grid[:, 0] < 5])  # fake covers the left half
    PrecisionRecall(precision=1.0, recall=0.6)
    """
    k = check_int(k, "k", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    real_features = as_feature_matrix(real_features, "real_features", min_samples=k + 1)
    fake_features = as_feature_matrix(fake_features, "fake_features", min_samples=k + 1)
    check_same_feature_dim(real_features, "real_features", fake_features, "fake_features")

    real_radii = _kth_neighbour_squared_radii(real_features, k, batch_size)
    fake_radii = _kth_neighbour_squared_radii(fake_features, k, batch_size)
    precision = _inside_manifold(fake_features, real_features, real_radii, batch_size).mean()
    recall = _inside_manifold(real_features, fake_features, fake_radii, batch_size).mean()
    return PrecisionRecall(precision=float(precision), recall=float(recall))


def _kth_neighbour_squared_radii(features, k, batch_size):
    """Squared distance from each row to its `k`-th nearest other row.

    Keeps, per row, the `k + 1` smallest squared distances seen so far (the
    row's own distance, 0, among them) while walking over column blocks; the
    largest of those at the end is the `k`-th neighbour's.
    """
    num_rows = features.shape[0]
    norms = np.einsum("ij,ij->i", features, features)
    radii = np.empty(num_rows, dtype=np.float64)
    for row_start in range(0, num_rows, batch_size):
        row_stop = min(row_start + batch_size, num_rows)
        nearest = np.full((row_stop - row_start, k + 1), np.inf)
        for column_start in range(0, num_rows, batch_size):
            column_stop = column_start + batch_size
            distances = pairwise_squared_distances(
                features[row_start:row_stop],
                features[column_start:column_stop],
                norms[row_start:row_stop],
                norms[column_start:column_stop],
            )
            merged = np.concatenate([nearest, distances], axis=1)
            nearest = np.partition(merged, k, axis=1)[:, : k + 1]
        radii[row_start:row_stop] = nearest.max(axis=1)
    return radii


def _inside_manifold(queries, centres, squared_radii, batch_size):
    """Boolean `(n_queries,)`: within `sqrt(squared_radii[j])` of some `centres[j]`."""
    inside = np.zeros(queries.shape[0], dtype=bool)
    for rows, columns, distances in _distance_blocks(queries, centres, batch_size):
        inside[rows] |= np.any(distances <= squared_radii[None, columns], axis=1)
    return inside


def _distance_blocks(rows, columns, batch_size):
    """Yields `(row_slice, column_slice, squared_distances)` block by block."""
    row_norms = np.einsum("ij,ij->i", rows, rows)
    column_norms = np.einsum("ij,ij->i", columns, columns)
    for row_start in range(0, rows.shape[0], batch_size):
        row_slice = slice(row_start, row_start + batch_size)
        for column_start in range(0, columns.shape[0], batch_size):
            column_slice = slice(column_start, column_start + batch_size)
            yield (
                row_slice,
                column_slice,
                pairwise_squared_distances(
                    rows[row_slice],
                    columns[column_slice],
                    row_norms[row_slice],
                    column_norms[column_slice],
                ),
            )


@dataclasses.dataclass(frozen=True)
class DensityCoverage:
    """Density (>= 0, about 1 when fake matches real) and coverage (in `[0, 1]`).

    Attributes:
        density: float, how many real k-NN balls contain a generated sample,
            per sample and divided by `k`: above 1 when samples crowd where
            real data is dense, below 1 when they lie outside it.
        coverage: float, the share of real samples whose ball contains at
            least one generated sample.
    """

    density: float
    coverage: float


def density_coverage(real_features, fake_features, k=5, batch_size=1000):
    """Density and coverage (Naeem et al. 2020), from the real samples' k-NN balls only.

    With `B_i` the ball around real sample `X_i` whose radius is the distance
    to its `k`-th nearest real neighbour, and `Y_j` the `M` generated samples:

        density  = 1 / (k M) * sum_j sum_i 1[Y_j in B_i]             (Eq. 2)
        coverage = 1 / N * sum_i 1[some Y_j in B_i]                   (Eq. 3)

    Unlike precision and recall, no ball is built around the generated
    samples, so outliers among them cannot inflate either number. A point is
    inside a ball when strictly closer than its radius, as in the authors'
    `prdc` package. Distances in float64, in `batch_size` blocks (memory
    `8 * batch_size^2` bytes).

    Args:
        real_features: float array `(n_real, d)`, `n_real > k`, finite.
        fake_features: float array `(n_fake, d)`, `n_fake >= 1`, finite.
        k: int >= 1 (the paper: 5).
        batch_size: int >= 1, rows per distance block.

    Returns:
        `DensityCoverage(density, coverage)` of Python floats.

    Raises:
        ValueError: as `precision_recall`.

    Reference:
        Naeem, Oh, Uh, Choi & Yoo, "Reliable Fidelity and Diversity Metrics
        for Generative Models", ICML 2020, Sec. 3, Eq. 2 and 3.

    Example:

    >>> grid = np.stack(np.meshgrid(np.arange(10.0), np.arange(10.0)), -1).reshape(-1, 2)
    >>> density_coverage(grid, grid[grid[:, 0] < 5] + 0.1, k=4).coverage
    0.6
    """
    k = check_int(k, "k", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    real_features = as_feature_matrix(real_features, "real_features", min_samples=k + 1)
    fake_features = as_feature_matrix(fake_features, "fake_features", min_samples=1)
    check_same_feature_dim(real_features, "real_features", fake_features, "fake_features")

    radii = _kth_neighbour_squared_radii(real_features, k, batch_size)
    balls_containing = 0
    nearest_fake = np.full(real_features.shape[0], np.inf)
    for rows, _, distances in _distance_blocks(real_features, fake_features, batch_size):
        balls_containing += int(np.sum(distances < radii[rows, None]))
        nearest_fake[rows] = np.minimum(nearest_fake[rows], distances.min(axis=1))
    density = balls_containing / (k * fake_features.shape[0])
    coverage = float(np.mean(nearest_fake < radii))
    return DensityCoverage(density=float(density), coverage=coverage)
