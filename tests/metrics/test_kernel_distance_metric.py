"""The buffered `KernelDistance` metric equals `kernel_inception_distance`."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.metrics import KernelDistance
from ganzoo.metrics import kernel_inception_distance
from tests.metrics.feature_samples import correlated_features

FEATURE_DIM = 5
SETTINGS = {"num_subsets": 6, "subset_size": 25, "seed": 3}


def _feature_sets():
    # float32, the precision the metric stores, so both sides see equal inputs.
    real = correlated_features(60, FEATURE_DIM, seed=0).astype(np.float32)
    fake = correlated_features(45, FEATURE_DIM, seed=1, shift=0.4).astype(np.float32)
    return real, fake


def _expected(real, fake):
    return kernel_inception_distance(real, fake, **SETTINGS).mean


def test_batched_updates_equal_the_function():
    real, fake = _feature_sets()
    metric = KernelDistance(FEATURE_DIM, max_samples=64, **SETTINGS)
    metric.update_state(real_features=real[:20], fake_features=fake[:30])
    metric.update_state(real_features=real[20:])
    metric.update_state(fake_features=fake[30:])
    result = metric.result()
    assert result.dtype == tf.float64 and result.shape == ()
    np.testing.assert_allclose(float(result), _expected(real, fake), rtol=1e-12)


def test_inside_tf_function():
    real, fake = _feature_sets()
    metric = KernelDistance(FEATURE_DIM, max_samples=64, **SETTINGS)

    @tf.function
    def update_and_read(real_batch, fake_batch):
        metric.update_state(real_features=real_batch, fake_features=fake_batch)
        return metric.result()

    update_and_read(tf.constant(real[:30]), tf.constant(fake[:30]))
    value = update_and_read(tf.constant(real[30:]), tf.constant(fake[30:]))
    assert value.shape == ()
    np.testing.assert_allclose(float(value), _expected(real, fake), rtol=1e-12)


def test_reset_state_empties_the_buffers():
    real, fake = _feature_sets()
    metric = KernelDistance(FEATURE_DIM, max_samples=64, **SETTINGS)
    metric.update_state(real_features=real, fake_features=fake)
    metric.reset_state()
    assert all(not np.any(np.asarray(variable)) for variable in metric.variables)
    assert np.isnan(float(metric.result()))
    metric.update_state(real_features=fake, fake_features=real[:50])
    np.testing.assert_allclose(float(metric.result()), _expected(fake, real[:50]), rtol=1e-12)


def test_overflow_raises_instead_of_dropping_features():
    metric = KernelDistance(2, max_samples=4)
    metric.update_state(real_features=np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"to 5 features, more than `max_samples` = 4"):
        metric.update_state(real_features=np.zeros((2, 2)))
    assert int(metric.real_count) == 3

    traced_metric = KernelDistance(2, max_samples=4)
    update = tf.function(lambda features: traced_metric.update_state(fake_features=features))
    update(tf.zeros((3, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="overflow max_samples=4"):
        update(tf.zeros((2, 2)))


def test_config_round_trip():
    metric = KernelDistance(
        8, max_samples=100, num_subsets=4, subset_size=50, seed=7, name="kid_small"
    )
    expected = {
        "name": "kid_small",
        "feature_dim": 8,
        "max_samples": 100,
        "num_subsets": 4,
        "subset_size": 50,
        "seed": 7,
    }
    assert metric.get_config() == expected
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric))
    assert type(restored) is KernelDistance
    assert restored.get_config() == expected


def test_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"`max_samples` must be an int >= 2. Received: 1"):
        KernelDistance(4, max_samples=1)
    metric = KernelDistance(FEATURE_DIM, max_samples=8)
    with pytest.raises(ValueError, match=r"shape `\(batch, 5\)`. Received shape \(4,\)"):
        metric.update_state(fake_features=np.zeros(4))
    with pytest.raises(ValueError, match=r"Received neither"):
        metric.update_state()


def test_refuses_per_replica_updates_but_works_in_cross_replica_context(mirrored_strategy):
    real, fake = _feature_sets()
    with mirrored_strategy.scope():
        metric = KernelDistance(FEATURE_DIM, max_samples=64, **SETTINGS)
    with pytest.raises(ValueError, match=r"on a replica of 2 replicas"):
        mirrored_strategy.run(lambda: metric.update_state(real_features=tf.constant(real)))
    metric.update_state(real_features=real, fake_features=fake)
    np.testing.assert_allclose(float(metric.result()), _expected(real, fake), rtol=1e-12)
