"""The streaming `FrechetDistance` metric equals `frechet_distance` on the same features."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.metrics import FrechetDistance
from ganzoo.metrics import frechet_distance
from tests.metrics.feature_samples import correlated_features

FEATURE_DIM = 6


def _feature_sets():
    real = correlated_features(90, FEATURE_DIM, seed=0)
    fake = correlated_features(70, FEATURE_DIM, seed=1, mixing_seed=4, shift=0.5)
    return real, fake


def _feed_in_uneven_batches(metric, real, fake):
    metric.update_state(real_features=real[:10], fake_features=fake[:25])
    metric.update_state(real_features=real[10:47])
    metric.update_state(fake_features=fake[25:])
    metric.update_state(real_features=real[47:])


def test_batched_updates_equal_the_function():
    real, fake = _feature_sets()
    metric = FrechetDistance(FEATURE_DIM)
    _feed_in_uneven_batches(metric, real, fake)
    result = metric.result()
    assert result.dtype == tf.float64 and result.shape == ()
    np.testing.assert_allclose(float(result), frechet_distance(real, fake), rtol=1e-9)


def test_float32_features_inside_tf_function():
    real, fake = (features.astype(np.float32) for features in _feature_sets())
    metric = FrechetDistance(FEATURE_DIM)

    @tf.function
    def update_and_read(real_batch, fake_batch):
        metric.update_state(real_features=real_batch, fake_features=fake_batch)
        return metric.result()

    update_and_read(tf.constant(real[:40]), tf.constant(fake[:40]))
    value = update_and_read(tf.constant(real[40:]), tf.constant(fake[40:]))
    np.testing.assert_allclose(float(value), frechet_distance(real, fake), rtol=1e-9)


def test_reset_state_zeroes_everything():
    real, fake = _feature_sets()
    metric = FrechetDistance(FEATURE_DIM)
    _feed_in_uneven_batches(metric, real, fake)
    metric.reset_state()
    assert all(not np.any(np.asarray(variable)) for variable in metric.variables)
    assert np.isnan(float(metric.result()))
    metric.update_state(real_features=fake, fake_features=real[:30])
    np.testing.assert_allclose(float(metric.result()), frechet_distance(fake, real[:30]), rtol=1e-9)


def test_result_is_nan_until_both_sets_have_two_features():
    metric = FrechetDistance(2)
    assert np.isnan(float(metric.result()))
    metric.update_state(real_features=np.ones((5, 2)), fake_features=np.ones((1, 2)))
    assert np.isnan(float(metric.result()))


def test_config_round_trip():
    metric = FrechetDistance(feature_dim=12, name="fid_fashion")
    assert metric.get_config() == {"name": "fid_fashion", "feature_dim": 12}
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric))
    assert type(restored) is FrechetDistance
    assert restored.get_config() == metric.get_config()
    assert FrechetDistance.from_config(metric.get_config()).feature_dim == 12


def test_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"`feature_dim` must be an int >= 1. Received: 0"):
        FrechetDistance(0)
    metric = FrechetDistance(FEATURE_DIM)
    with pytest.raises(ValueError, match=r"shape `\(batch, 6\)`. Received shape \(4, 5\)"):
        metric.update_state(real_features=np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"Received neither"):
        metric.update_state()


def test_sums_across_replicas(mirrored_strategy):
    real, fake = _feature_sets()
    with mirrored_strategy.scope():
        metric = FrechetDistance(FEATURE_DIM)
    # Each replica sees its own half of every batch, as with a distributed dataset.
    halves = {"real": np.array_split(real, 2), "fake": np.array_split(fake, 2)}

    def replica_batch(kind):
        return mirrored_strategy.experimental_distribute_values_from_function(
            lambda context: tf.constant(halves[kind][context.replica_id_in_sync_group])
        )

    @tf.function
    def step(real_batch, fake_batch):
        mirrored_strategy.run(
            lambda r, f: metric.update_state(real_features=r, fake_features=f),
            args=(real_batch, fake_batch),
        )

    step(replica_batch("real"), replica_batch("fake"))
    np.testing.assert_allclose(float(metric.result()), frechet_distance(real, fake), rtol=1e-9)
