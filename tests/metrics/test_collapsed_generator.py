"""A mode-collapsed generator scores worse than real data on every metric."""

import numpy as np
import scipy.special

from ganzoo.metrics import frechet_distance
from ganzoo.metrics import inception_score
from ganzoo.metrics import kernel_inception_distance
from ganzoo.metrics import precision_recall
from tests.metrics.feature_samples import correlated_features


def _collapsed_features(real, seed):
    """Every 'generated' feature is one real feature plus tiny noise."""
    noise = np.random.default_rng(seed).normal(size=real.shape)
    return real[0] + 1e-4 * noise


def test_collapse_is_caught_by_fid_kid_and_recall():
    real_a = correlated_features(300, 8, seed=0)
    real_b = correlated_features(300, 8, seed=1)
    collapsed = _collapsed_features(real_a, seed=2)

    fid_real = frechet_distance(real_b, real_a)
    fid_collapsed = frechet_distance(real_b, collapsed)
    assert fid_collapsed > 10.0 * fid_real

    kid_real = kernel_inception_distance(real_b, real_a, num_subsets=10, subset_size=150)
    kid_collapsed = kernel_inception_distance(real_b, collapsed, num_subsets=10, subset_size=150)
    assert kid_collapsed.mean > 10.0 * abs(kid_real.mean)
    assert kid_collapsed.mean > 5.0 * kid_collapsed.std

    real_scores = precision_recall(real_b, real_a, k=3)
    collapsed_scores = precision_recall(real_b, collapsed, k=3)
    assert real_scores.recall > 0.8
    assert collapsed_scores.recall <= 0.01


def test_collapse_gives_an_inception_score_near_one():
    rng = np.random.default_rng(0)
    num_classes = 10
    # A classifier that is confident and spread over classes on real data...
    real_logits = 8.0 * np.eye(num_classes)[np.arange(500) % num_classes]
    real_logits += rng.normal(size=real_logits.shape)
    # ...and sees the same image, up to tiny noise, for every collapsed sample.
    collapsed_logits = real_logits[0] + 1e-3 * rng.normal(size=real_logits.shape)
    real_score = inception_score(scipy.special.softmax(real_logits, axis=1), num_splits=5)
    collapsed_score = inception_score(scipy.special.softmax(collapsed_logits, axis=1), num_splits=5)
    assert real_score.mean > 7.0
    assert abs(collapsed_score.mean - 1.0) < 1e-4
