"""What every wrapper with a generator optimizer and a discriminator optimizer shares.

`GAN`, `ConditionalGAN`, `SemiSupervisedGAN` (through `AdversarialModel`) and
`CycleGAN` each `compile` with `d_optimizer` and `g_optimizer`; this module
checks those two, wraps them for float16 loss scaling, and makes the compile
configuration (optimizers and loss identifiers) survive `model.save`, and
shapes the step logs so that `fit` works under `MultiWorkerMirroredStrategy`.
"""

import keras
import tensorflow as tf

# Keras' own reduction of the per-replica step logs, so that these steps log
# exactly what Keras' single-step path logs.
from keras.src.backend.tensorflow.trainer import reduce_per_replica


def check_optimizers(d_optimizer, g_optimizer):
    """Returns the two optimizers, loss-scaled under `mixed_float16`.

    Raises:
        TypeError: if either is not a `keras.optimizers.Optimizer`.
        ValueError: if both are the same object (each must keep its own slots
            and step count).
    """
    for argument, optimizer in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise TypeError(
                f"`{argument}` must be a keras.optimizers.Optimizer. "
                f"Received: {type(optimizer).__name__}"
            )
    if d_optimizer is g_optimizer:
        raise ValueError(
            "`d_optimizer` and `g_optimizer` must be two optimizer instances; the same "
            "object was passed for both."
        )
    if keras.mixed_precision.global_policy().name == "mixed_float16":
        # Keras wraps only `self.optimizer` automatically; float16 needs loss
        # scaling on both.
        d_optimizer = with_loss_scaling(d_optimizer)
        g_optimizer = with_loss_scaling(g_optimizer)
    return d_optimizer, g_optimizer


def with_loss_scaling(optimizer):
    """Wraps `optimizer` in a `LossScaleOptimizer` unless it is one (float16 training)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


class TwoOptimizerMixin:
    """Mixin of the training wrappers: compile config and `fit` under every strategy.

    `get_compile_config` / `compile_from_config` make a two-optimizer
    `compile` survive `model.save`: the model sets `d_optimizer`,
    `g_optimizer` and `_loss_identifiers` (a dict of the loss arguments
    `compile` was given) in its `compile`.

    `_maybe_symbolic_build` is skipped: these wrappers are built in
    `__init__` (networks, trackers) and `compile` (optimizer slots), so
    Keras' symbolic build has nothing to do, and under a multi-worker
    `MultiWorkerMirroredStrategy` it fails on a batch that is a tuple, such as
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

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            **{
                key: keras.saving.serialize_keras_object(value)
                for key, value in self._loss_identifiers.items()
            },
        }

    def compile_from_config(self, config):
        self.compile(
            **{key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        )


def step_logs(logs):
    """Returns `train_step` logs in the shape `fit` can reduce under the active strategy.

    Keras 3's `fit` reduces the logs of a multi-worker
    `MultiWorkerMirroredStrategy` step with `strategy.reduce("MEAN", v,
    axis=0)`, which fails on scalars ("Invalid reduction dimension 0 for input
    with 0 dimensions"; keras issue 20585). There each log becomes a
    shape-`(1,)` tensor, which that reduction turns back into the scalar mean
    over replicas; elsewhere the logs are returned unchanged.

    Args:
        logs: dict of metric name to scalar tensor.

    Returns:
        dict with the same keys.
    """
    if not _multi_worker():
        return logs
    return {name: tf.reshape(value, (1,)) for name, value in logs.items()}


def _multi_worker():
    if not tf.distribute.has_strategy():
        return False
    strategy = tf.distribute.get_strategy()
    # Keras takes the failing branch exactly for a collective all-reduce
    # strategy that spans several workers.
    return (
        isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        and strategy.extended._in_multi_worker_mode()
    )
