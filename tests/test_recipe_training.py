"""The recipes' strategy choice."""

import pytest
import tensorflow as tf

from ganzoo.distribution import distribution_strategy
from ganzoo.distribution import is_chief


def test_default_is_the_one_device_strategy():
    strategy = distribution_strategy("default")
    assert strategy is tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert is_chief(strategy)


def test_unknown_distribution_is_refused():
    with pytest.raises(ValueError, match="multi_worker"):
        distribution_strategy("horovod")
