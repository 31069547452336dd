"""Every private Keras / TensorFlow hook ganzoo relies on, in one place.

Each entry says what it works around and where upstream tracks it, so that a
Keras or TensorFlow upgrade is checked here and nowhere else. They were
checked on the versions in `CHECKED_VERSIONS`; `unchecked_versions()` names
an installed version outside them, and `tests/compat/test_keras_workarounds.py`
fails with that message, so an upgrade is a deliberate step: rerun the tests,
then add the version.

- `reduce_per_replica`: Keras' own reduction of per-replica step logs
  (`keras.src.backend.tensorflow.trainer`), so that the multi-step train
  function below logs exactly what Keras' single-step path logs.
- `TrainerWorkarounds.make_train_function`: several steps per execution on
  several replicas (keras-team/keras#19246).
- `TrainerWorkarounds._maybe_symbolic_build`: skipped for wrappers that are
  built in `__init__`/`compile`; under `MultiWorkerMirroredStrategy` Keras'
  symbolic build fails on a tuple batch such as CycleGAN's `(x, y)` (no
  upstream issue found; keras-team/keras#20329 is the closest report).
- `in_multi_worker_mode`: `strategy.extended._in_multi_worker_mode()`, the
  test Keras itself uses before the reduction that fails on scalar logs
  (keras-team/keras#20585).
- `all_layers`: `Layer._flatten_layers`, the only recursive walk over nested
  layers (Keras has no public one: keras-team/keras#4398).
- `set_initial_epoch`: `Model._initial_epoch`, which `fit` reads after
  `on_train_begin`; `keras.callbacks.BackupAndRestore` resumes the same way.
"""

import keras
import tensorflow as tf
from keras.src.backend.tensorflow.trainer import reduce_per_replica

CHECKED_VERSIONS = {"keras": ("3.15",), "tensorflow": ("2.21",)}
"""Major.minor versions on which every workaround here was tested."""

__all__ = [
    "CHECKED_VERSIONS",
    "TrainerWorkarounds",
    "all_layers",
    "in_multi_worker_mode",
    "reduce_per_replica",
    "set_initial_epoch",
    "unchecked_versions",
]


def unchecked_versions():
    """Messages naming each installed Keras/TF version not in `CHECKED_VERSIONS`."""
    installed = {"keras": keras.__version__, "tensorflow": tf.__version__}
    messages = []
    for package, version in installed.items():
        major_minor = ".".join(version.split(".")[:2])
        if major_minor not in CHECKED_VERSIONS[package]:
            messages.append(
                f"{package} {version} is installed, but ganzoo's workarounds of private "
                f"{package} hooks (ganzoo/compat/keras_workarounds.py) were checked on "
                f"{package} {', '.join(CHECKED_VERSIONS[package])} only: run the test suite "
                "on it, check each entry's upstream issue, then add the version to "
                "CHECKED_VERSIONS."
            )
    return messages


def in_multi_worker_mode(strategy):
    """True for a `MultiWorkerMirroredStrategy` that spans several workers."""
    return (
        isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        and strategy.extended._in_multi_worker_mode()
    )


def all_layers(network, include_self=True):
    """Every layer of `network`, nested ones included (depth first)."""
    return list(network._flatten_layers(include_self=include_self, recursive=True))


def set_initial_epoch(model, epoch):
    """Makes the next (or current, from `on_train_begin`) `fit` start at `epoch`.

    `None` restores `fit`'s own `initial_epoch` argument; Keras never clears
    the attribute itself, so a callback that sets it clears it at the end.
    """
    model._initial_epoch = epoch


class TrainerWorkarounds:
    """Mixin for `keras.Model` wrappers built in `__init__` and `compile`.

    `_maybe_symbolic_build` is skipped once the model is built and compiled:
    these wrappers build their networks, trackers and optimizer slots
    themselves, and under a multi-worker `MultiWorkerMirroredStrategy`
    Keras' symbolic build fails on a batch that is a tuple, such as
    CycleGAN's `(x, y)`: it reduces the first distributed batch with
    `strategy.reduce("MEAN", batch, axis=None)`, which cannot convert the
    `PerReplica` of a tuple ("Attempt to convert a value (PerReplica...)").
    """

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if not (self.built and self.compiled):
            super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def make_train_function(self, force=False):
        """Keras' train function, except for several steps per call on several replicas.

        With `steps_per_execution > 1`, Keras 3 runs each step of a call
        inside a `tf.cond` in a `tf.while_loop`; under a strategy with more
        than one replica the merge calls of `strategy.run` cannot sit in that
        cond, and the first call fails with "You must feed a value for
        placeholder tensor ... while/cond/Placeholder" (keras issue 19246;
        a plain `Sequential` fails the same way here). There the steps run in
        a `tf.range` loop instead, as TF-Keras 2 ran them; the end of a
        finite dataset raises `OutOfRangeError` inside the loop, which `fit`
        already takes as the end of the epoch.
        """
        strategy = self.distribute_strategy
        steps = self.steps_per_execution
        if steps == 1 or strategy.num_replicas_in_sync == 1 or self.run_eagerly:
            return super().make_train_function(force=force)
        if self.train_function is not None and not force:
            return self.train_function

        @tf.autograph.experimental.do_not_convert
        def one_step_on_data(data):
            outputs = strategy.run(self.train_step, args=(data,))
            return reduce_per_replica(outputs, strategy, reduction="auto")

        one_step_on_data = tf.function(
            one_step_on_data, reduce_retracing=True, jit_compile=self.jit_compile
        )

        @tf.function(reduce_retracing=True)
        def multi_step_on_iterator(iterator):
            outputs = one_step_on_data(next(iterator))
            for _ in tf.range(steps - 1):
                outputs = one_step_on_data(next(iterator))
            return outputs

        def function(iterator):
            if isinstance(iterator, (tf.data.Iterator, tf.distribute.DistributedIterator)):
                return multi_step_on_iterator(iterator)
            for _, data in zip(range(steps), iterator, strict=False):
                outputs = one_step_on_data(data)
            return outputs

        self.train_function = function
        return function
