"""two_time_scale_optimizers: the TTUR pair (Heusel et al. 2017)."""

import doctest

import keras
import pytest

from ganzoo.training import optimizers
from ganzoo.training.optimizers import two_time_scale_optimizers


def test_the_discriminator_gets_its_own_rate_and_both_share_the_betas():
    d_optimizer, g_optimizer = two_time_scale_optimizers(1e-4, 4e-4, beta_1=0.0, beta_2=0.9)
    assert d_optimizer is not g_optimizer
    assert float(d_optimizer.learning_rate) == pytest.approx(4e-4)
    assert float(g_optimizer.learning_rate) == pytest.approx(1e-4)
    for optimizer in (d_optimizer, g_optimizer):
        assert (optimizer.beta_1, optimizer.beta_2) == (0.0, 0.9)


def test_none_means_one_time_scale_and_schedules_pass_through():
    schedule = keras.optimizers.schedules.ExponentialDecay(2e-4, 100, 0.5)
    d_optimizer, g_optimizer = two_time_scale_optimizers(schedule, None, beta_1=0.5)
    assert d_optimizer.learning_rate is not None
    assert float(d_optimizer.learning_rate) == float(g_optimizer.learning_rate)


@pytest.mark.parametrize(
    "arguments,message",
    [
        ({"generator_learning_rate": 0.0}, "generator_learning_rate"),
        ({"discriminator_learning_rate": -1e-4}, "discriminator_learning_rate"),
        ({"beta_1": 1.0}, "beta_1"),
        ({"beta_2": "0.9"}, "beta_2"),
    ],
)
def test_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        two_time_scale_optimizers(**arguments)


def test_docstring_example_runs():
    failures, _ = doctest.testmod(optimizers, verbose=False)
    assert failures == 0
