import keras
import numpy as np
import tensorflow as tf

from ganzoo.compat import keras_workarounds
from ganzoo.compat.keras_workarounds import all_layers
from ganzoo.compat.keras_workarounds import in_multi_worker_mode


def test_installed_keras_and_tensorflow_are_versions_the_workarounds_were_checked_on():
    messages = keras_workarounds.unchecked_versions()
    assert not messages, "\n".join(messages)


def test_an_unchecked_version_is_named_with_what_to_do(monkeypatch):
    monkeypatch.setattr(keras, "__version__", "3.99.0")
    (message,) = keras_workarounds.unchecked_versions()
    assert "keras 3.99.0 is installed" in message and "3.15" in message
    assert "CHECKED_VERSIONS" in message


def test_all_layers_walks_nested_models_and_in_multi_worker_mode_is_false_locally():
    inner = keras.Sequential([keras.layers.Dense(2, name="inner_dense")], name="inner")
    inputs = keras.Input((3,))
    outer = keras.Model(inputs, keras.layers.Dense(1, name="head")(inner(inputs)), name="outer")
    names = [layer.name for layer in all_layers(outer)]
    assert names[0] == "outer" and {"inner", "inner_dense", "head"} <= set(names)
    assert "outer" not in [layer.name for layer in all_layers(outer, include_self=False)]
    assert not in_multi_worker_mode(tf.distribute.get_strategy())


def test_set_initial_epoch_from_on_train_begin_is_where_fit_starts():
    class StartAt(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            keras_workarounds.set_initial_epoch(self.model, 2)

        def on_epoch_begin(self, epoch, logs=None):
            epochs.append(epoch)

        def on_train_end(self, logs=None):
            keras_workarounds.set_initial_epoch(self.model, None)

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    data = (np.zeros((4, 1), "float32"), np.zeros((4, 1), "float32"))
    epochs = []
    model.fit(*data, epochs=4, verbose=0, callbacks=[StartAt()])
    assert epochs == [2, 3]
    # Cleared at the end: the next fit starts from its own initial_epoch.
    epochs.clear()
    model.fit(
        *data,
        epochs=2,
        verbose=0,
        callbacks=[
            keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs.append(epoch))
        ],
    )
    assert epochs == [0, 1]
