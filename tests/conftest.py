"""Session-wide test setup.

The CPU is split into two logical devices before TensorFlow initialises, so that
`tf.distribute.MirroredStrategy` can run real two-replica steps in tests. Code
that does not open a strategy keeps using `/CPU:0` as before.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0],
    [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()],
)


@pytest.fixture(autouse=True)
def _clear_keras_session():
    """Give every test fresh layer names and a fresh global seed state."""
    import keras

    keras.utils.clear_session()
    yield


@pytest.fixture(scope="session")
def mirrored_strategy():
    """One two-replica `MirroredStrategy` for the whole session.

    A second strategy over the same devices in one process can reuse collective
    keys of the first and abort with "Shape mismatch in the collective
    instance"; sharing one avoids that.
    """
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    return strategy
