"""ExponentialMovingAverage: shadow weights that follow the analytic average."""

import doctest

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.layers import ExponentialMovingAverage
from ganzoo.layers import exponential_moving_average


def test_shadows_follow_the_recursion_from_the_first_update():
    values = [np.array([1.0, -2.0]), np.array([3.0, 0.0]), np.array([-1.0, 5.0])]
    variable = keras.Variable(values[0], dtype="float32")
    average = ExponentialMovingAverage(decay=0.9, warmup=False)
    average.build_for([variable])
    expected = None
    for value in values:
        variable.assign(value)
        average.update([variable])
        expected = value if expected is None else 0.9 * expected + 0.1 * value
        np.testing.assert_allclose(average.shadows[0].numpy(), expected, rtol=1e-6)
    assert int(average.num_updates) == 3


@pytest.mark.parametrize("decay", [0.5, 0.999])
def test_warmup_ramps_the_decay_up_to_its_value(decay):
    rng = np.random.default_rng(0)
    values = rng.standard_normal((40, 3)).astype(np.float32)
    variable = keras.Variable(values[0])
    average = ExponentialMovingAverage(decay=decay)
    average.build_for([variable])
    expected = None
    for n, value in enumerate(values, start=1):
        variable.assign(value)
        average.update([variable])
        # tf.train.ExponentialMovingAverage's num_updates rule.
        d = 0.0 if n == 1 else min(decay, n / (9.0 + n))
        expected = value if expected is None else d * expected + (1.0 - d) * value
        np.testing.assert_allclose(average.shadows[0].numpy(), expected, rtol=1e-5, atol=1e-6)
    # At 0.999 the ramp is still on after 40 updates: the first value keeps
    # a weight of prod_{n=2..40} n / (9 + n), not 0.999**39.
    if decay == 0.999:
        first_weight = np.prod([n / (9.0 + n) for n in range(2, 41)])
        assert first_weight < 1e-5 < 0.999**39


def test_copy_to_waits_for_the_first_update():
    variable = keras.Variable([1.0, 2.0])
    target = keras.Variable([7.0, 7.0])
    average = ExponentialMovingAverage(decay=0.5)
    average.build_for([variable])
    average.copy_to([target])
    np.testing.assert_array_equal(target.numpy(), [7.0, 7.0])
    average.update([variable])
    average.copy_to([target])
    np.testing.assert_array_equal(target.numpy(), [1.0, 2.0])


def test_updates_inside_a_two_replica_step_match_one_device(mirrored_strategy):
    with mirrored_strategy.scope():
        variable = keras.Variable([2.0, 4.0])
        average = ExponentialMovingAverage(decay=0.5, warmup=False)
        average.build_for([variable])

    @tf.function
    def step(value):
        def replica_fn():
            variable.assign(value)  # identical on every replica, as after an all-reduce
            average.update([variable])

        mirrored_strategy.run(replica_fn)

    step(tf.constant([2.0, 4.0]))
    step(tf.constant([4.0, 0.0]))
    for replica_value in mirrored_strategy.experimental_local_results(average.shadows[0]):
        np.testing.assert_allclose(replica_value.numpy(), [3.0, 2.0])


def test_bad_arguments():
    for decay in (1.0, -0.1, "0.9", True):
        with pytest.raises(ValueError, match=r"`decay` must be a number in \[0, 1\)"):
            ExponentialMovingAverage(decay=decay)
    with pytest.raises(TypeError, match="`warmup` must be a bool"):
        ExponentialMovingAverage(warmup="yes")
    average = ExponentialMovingAverage()
    assert ExponentialMovingAverage.from_config(average.get_config()).warmup is True
    average.build_for([keras.Variable(1.0)])
    with pytest.raises(ValueError, match="takes the 1 variables"):
        average.update([keras.Variable(1.0), keras.Variable(2.0)])


def test_docstring_example_runs():
    failures, _ = doctest.testmod(
        exponential_moving_average, extraglobs={"keras": keras}, verbose=False
    )
    assert failures == 0
