"""The two optimizers' checks and the step logs of every training wrapper.

`GAN`, `ConditionalGAN`, `SemiSupervisedGAN` and `CycleGAN` each `compile`
with `d_optimizer` and `g_optimizer` (in `TwoPlayerModel.compile`); this
module checks those two and wraps them for float16 loss scaling, and shapes
the step logs so that `fit` works under `MultiWorkerMirroredStrategy`.
"""

import keras
import tensorflow as tf

from ganzoo.compat.keras_workarounds import in_multi_worker_mode


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
    # Keras takes the failing branch exactly for a collective all-reduce
    # strategy that spans several workers.
    return tf.distribute.has_strategy() and in_multi_worker_mode(tf.distribute.get_strategy())
