"""A callback that stops training at the first NaN or infinite loss, naming it."""

import math

import keras


class NonFiniteLossError(FloatingPointError):
    """Raised by `StopOnNonFiniteLoss`: a logged loss became NaN or infinite.

    Attributes:
        name: str, the log that became non-finite (e.g. `"d_loss"`).
        value: float, its value (`nan`, `inf` or `-inf`).
        step: int, the 1-based training step of this `fit` at which it was seen.
        epoch: int, the 0-based epoch.
    """

    def __init__(self, message, *, name, value, step, epoch):
        super().__init__(message)
        self.name = name
        self.value = value
        self.step = step
        self.epoch = epoch


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stops `fit` with `NonFiniteLossError` when a logged loss is NaN or infinite.

    Checked after every batch on every log whose name ends in `loss`
    (`d_loss`, `g_loss`, `cycle_loss`, ...). Unlike
    `keras.callbacks.TerminateOnNaN`, which watches only `loss` and ends the
    epoch normally, this raises: the epoch never ends, so no epoch-end
    callback (a `ModelCheckpoint`, a sample grid, an export) runs on the
    broken weights, and the last checkpoint stays the last good one. The
    message names the loss, its value and the step.

    Under a strategy the logged values are the reduced (global) ones, so
    every worker raises at the same step.

    Raises:
        NonFiniteLossError: from `on_train_batch_end`.

    Example:

    ```python
    gan.fit(dataset, callbacks=[StopOnNonFiniteLoss(), checkpoint])
    ```
    """

    def __init__(self):
        super().__init__()
        self._step = 0
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self._step = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        for name, value in (logs or {}).items():
            if not name.endswith("loss"):
                continue
            value = float(value)
            if not math.isfinite(value):
                raise NonFiniteLossError(
                    f"Training stopped: `{name}` became {value} at step {self._step} of this "
                    f"fit (epoch {self._epoch + 1}, batch {batch + 1}). The weights of this "
                    "epoch were not checkpointed; the last checkpoint is from before it. "
                    "Lower the learning rate, check the data for NaN or infinite values, "
                    "or use a loss with a penalty.",
                    name=name,
                    value=value,
                    step=self._step,
                    epoch=self._epoch,
                )
