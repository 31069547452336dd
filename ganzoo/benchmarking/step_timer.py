"""`StepTimer`: the wall-clock end of every training step of a `fit` call, and what it times.

`time_fit_steps` times one block of steps of one `fit` call;
`train_interleaved` trains several models side by side on the same batches
in `ganzoo.benchmarking.interleaved_rounds` of such blocks. Unlike the other
modules of `ganzoo.benchmarking`, this one imports Keras (and with it
TensorFlow) when it is imported: the timer is a Keras callback.
"""

import functools
import math
import time

import keras
import numpy as np

from ganzoo.benchmarking.interleaved_rounds import interleaved_rounds
from ganzoo.benchmarking.latency_statistics import speedups


class StepTimer(keras.callbacks.Callback):
    """Records the time at the end of every step, after the step has finished.

    Reading a step's logs as floats waits for its results, so the times are
    those of finished steps even where the step runs asynchronously.

    Attributes:
        times: list of `time.perf_counter()` values, one per finished step.
        logs: dict from log name to float, the last step's logs.

    Example:

    >>> timer = StepTimer()  # doctest: +SKIP
    >>> model.fit(dataset, steps_per_epoch=4, callbacks=[timer])  # doctest: +SKIP
    >>> seconds_of_the_last_three = timer.times[-1] - timer.times[0]  # doctest: +SKIP
    """

    def __init__(self):
        super().__init__()
        self.times = []
        self.logs = {}

    def on_train_batch_end(self, batch, logs=None):
        self.logs = {
            name: float(keras.ops.convert_to_numpy(value)) for name, value in (logs or {}).items()
        }
        self.times.append(time.perf_counter())


def time_fit_steps(model, dataset, steps):
    """Trains `steps + 1` steps in one `fit` call and times the last `steps`.

    The first step of the call, which starts a new iterator over `dataset`,
    is not timed.

    Args:
        model: a compiled `keras.Model`.
        dataset: what `model.fit` takes, with at least `steps + 1` batches
            (a repeated `tf.data.Dataset`).
        steps: int >= 1, timed steps.

    Returns:
        `(seconds, logs)`: the wall time of the timed steps, and the last
        step's logs as floats (the epoch's running means, for Keras' own
        metrics).

    Raises:
        ValueError: if `steps` is below 1.
    """
    if steps < 1:
        raise ValueError(f"`steps` must be at least 1. Received: {steps!r}.")
    timer = StepTimer()
    model.fit(
        dataset,
        epochs=1,
        steps_per_epoch=steps + 1,
        callbacks=[timer],
        shuffle=False,
        verbose=0,
    )
    return timer.times[-1] - timer.times[0], timer.logs


def train_interleaved(models, dataset, rounds, block_steps, warmup_steps, reference=None):
    """Trains several compiled models side by side on the same batches and times their steps.

    Each model first trains `warmup_steps` untimed steps (tracing, XLA
    compilation, kernel selection), then the models take turns in
    `interleaved_rounds`, one `time_fit_steps` block of `block_steps` steps
    each per round.

    Args:
        models: dict from a name (any hashable) to `(model, networks)`: a
            compiled `keras.Model` and a dict of the networks it trains.
        dataset: what every model's `fit` takes, repeated.
        rounds: int >= 1, blocks per model.
        block_steps: int >= 1, timed steps per block.
        warmup_steps: int >= 1, untimed steps per model before the first round.
        reference: optional name in `models`, the model the ratios are to.

    Returns:
        dict from each name to a dict with `block_ms` (mean milliseconds per
        step of each block, one per round), `warmup_seconds`, `logs` (the last
        block's, as floats), `finite_losses` (every one of those logs is
        finite), `weights_changed` (some weight of `networks` differs from
        before the warm-up) and, with a `reference`, `ratio_vs_reference`
        (median over rounds of `reference ms / ms`, `speedups`) with
        `ratio_min` and `ratio_max` over rounds.

    Raises:
        ValueError: if `reference` is not a name of `models`, or as
            `interleaved_rounds` and `time_fit_steps`.
    """
    if reference is not None and reference not in models:
        raise ValueError(f"`reference` must be one of {list(models)}. Received: {reference!r}.")
    warmup_seconds, initial_weights = {}, {}
    for name, (model, networks) in models.items():
        initial_weights[name] = _weights(networks)
        start = time.perf_counter()
        time_fit_steps(model, dataset, warmup_steps)
        warmup_seconds[name] = time.perf_counter() - start
    blocks = interleaved_rounds(
        {
            name: functools.partial(time_fit_steps, model, dataset, block_steps)
            for name, (model, _) in models.items()
        },
        rounds,
    )
    block_ms = {
        name: [1000.0 * seconds / block_steps for seconds, _ in blocks[name]] for name in models
    }
    timings = {}
    for name, (_, networks) in models.items():
        logs = blocks[name][-1][1]
        timings[name] = {
            "block_ms": block_ms[name],
            "warmup_seconds": warmup_seconds[name],
            "logs": logs,
            "finite_losses": all(math.isfinite(value) for value in logs.values()),
            "weights_changed": any(
                not np.array_equal(before, after)
                for before, after in zip(initial_weights[name], _weights(networks), strict=True)
            ),
        }
        if reference is not None:
            ratios = speedups(block_ms[reference], block_ms[name])
            timings[name].update(
                ratio_vs_reference=float(np.median(ratios)),
                ratio_min=float(ratios.min()),
                ratio_max=float(ratios.max()),
            )
    return timings


def _weights(networks):
    return [np.array(weight) for network in networks.values() for weight in network.weights]
