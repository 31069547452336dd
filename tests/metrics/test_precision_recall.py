"""`precision_recall` on point clouds with answers derivable by hand."""

import numpy as np
import pytest
import scipy.spatial

from ganzoo.metrics import DensityCoverage
from ganzoo.metrics import PrecisionRecall
from ganzoo.metrics import density_coverage
from ganzoo.metrics import precision_recall


def _integer_grid(width, height):
    """The `width * height` points of `{0..width-1} x {0..height-1}` as float64 rows."""
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def _brute_force_precision_recall(real, fake, k):
    """The paper's definition with full SciPy distance matrices."""

    def radii(features):
        distances = scipy.spatial.distance.cdist(features, features)
        return np.sort(distances, axis=1)[:, k]  # column 0 is the point itself

    def inside(queries, centres, centre_radii):
        distances = scipy.spatial.distance.cdist(queries, centres)
        return np.any(distances <= centre_radii[None, :], axis=1)

    return (
        float(inside(fake, real, radii(real)).mean()),
        float(inside(real, fake, radii(fake)).mean()),
    )


def test_disjoint_clouds_give_zero_precision_and_recall():
    real = _integer_grid(10, 10)
    fake = real + 100.0
    assert precision_recall(real, fake) == PrecisionRecall(precision=0.0, recall=0.0)


def test_identical_clouds_give_one_and_one():
    real = _integer_grid(10, 10)
    assert precision_recall(real, real.copy()) == PrecisionRecall(precision=1.0, recall=1.0)


def test_fake_covering_half_of_real_has_full_precision_and_known_recall():
    # Real: the 10 x 10 integer grid; with k = 3 every ball has radius 1 (each
    # point has at least 3 grid neighbours at distance 1) except the four
    # corners (radius sqrt(2)). Fake: the left half, columns x = 0..4.
    # Precision: every fake point is a real point, so 1.
    # Recall: the fake balls have radius 1 except the corners of the half grid
    # (radius sqrt(2)). Real points in columns 0..4 are fake points; column 5
    # is at distance 1 from column 4; column 6 is at distance 2 from (4, y)
    # and sqrt(5) from (4, y +- 1), beyond every radius. So 60 of 100.
    real = _integer_grid(10, 10)
    fake = real[real[:, 0] <= 4]
    assert precision_recall(real, fake, k=3) == PrecisionRecall(precision=1.0, recall=0.6)


def test_ball_boundary_counts_as_inside():
    # Real: 0..99 on a line. Fake: 0..49. With k = 3, fake point 49's radius
    # is 3 (its neighbours 48, 47, 46), so real points 50, 51 and 52 (at
    # distance 1, 2 and exactly 3) are inside and 53 is not: recall 53 / 100.
    real = np.stack([np.arange(100.0), np.zeros(100)], axis=1)
    fake = real[:50]
    assert precision_recall(real, fake, k=3) == PrecisionRecall(precision=1.0, recall=0.53)


def test_fake_subset_of_real_has_full_precision():
    real = np.random.default_rng(0).normal(size=(80, 5))
    result = precision_recall(real, real[::3], k=3)
    assert result.precision == 1.0
    assert result.recall < 1.0


@pytest.mark.parametrize("k", [1, 3, 5])
def test_matches_brute_force_definition_whatever_the_batch_size(k):
    rng = np.random.default_rng(1)
    real = rng.normal(size=(70, 6))
    fake = rng.normal(size=(55, 6)) * 1.3 + 0.4
    expected = _brute_force_precision_recall(real, fake, k)
    for batch_size in (1, 7, 1000):
        result = precision_recall(real, fake, k=k, batch_size=batch_size)
        assert (result.precision, result.recall) == pytest.approx(expected, abs=1e-12)
    assert 0.0 < expected[0] < 1.0  # a non-trivial case, not all-in or all-out


def test_rejects_bad_arguments():
    points = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"`k` must be an int >= 1. Received: 0"):
        precision_recall(points, points, k=0)
    with pytest.raises(ValueError, match=r"at least 5 rows. Received shape \(4, 2\)"):
        precision_recall(np.zeros((10, 2)), points, k=4)
    with pytest.raises(ValueError, match=r"`batch_size` must be an int >= 1. Received: 0"):
        precision_recall(points, points, k=1, batch_size=0)
    with pytest.raises(ValueError, match=r"same feature dimension"):
        precision_recall(points, np.zeros((4, 3)), k=1)


@pytest.mark.parametrize("batch_size", [7, 1000])
def test_density_and_coverage_match_the_authors_prdc_package(batch_size):
    import prdc

    rng = np.random.default_rng(0)
    real = rng.standard_normal((120, 6))
    # A shifted, narrower fake set: density and coverage both away from 1.
    fake = 0.7 * rng.standard_normal((90, 6)) + 0.5
    expected = prdc.compute_prdc(real, fake, nearest_k=5)
    result = density_coverage(real, fake, k=5, batch_size=batch_size)
    assert isinstance(result, DensityCoverage)
    assert result.density == pytest.approx(expected["density"], rel=1e-12)
    assert result.coverage == pytest.approx(expected["coverage"], rel=1e-12)
    assert 0.0 < result.coverage < 1.0 and result.density != pytest.approx(1.0, abs=0.05)


def test_density_and_coverage_of_real_against_itself_and_far_away():
    grid = _integer_grid(8, 8) + np.random.default_rng(1).uniform(-0.01, 0.01, (64, 2))
    far = density_coverage(grid, grid + 100.0, k=3)
    assert (far.density, far.coverage) == (0.0, 0.0)
    with pytest.raises(ValueError, match="k"):
        density_coverage(grid, grid, k=0)
