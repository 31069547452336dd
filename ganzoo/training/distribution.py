"""Which `tf.distribute` strategy a run uses, and which of its processes writes files.

The recipes' `--distribution` flag goes through `distribution_strategy`;
`is_chief` tells the one process of a multi-worker run that writes grids,
checkpoints and exports.
"""

import tensorflow as tf

DISTRIBUTIONS = ("default", "mirrored", "multi_worker", "tpu")
"""The `distribution` values of the recipes' configs."""


def distribution_strategy(name):
    """The `tf.distribute` strategy a recipe's `--distribution NAME` asks for.

    - `"default"`: no strategy (one device).
    - `"mirrored"`: `MirroredStrategy` over every local GPU (or the CPU).
    - `"multi_worker"`: `MultiWorkerMirroredStrategy`; start the same command
      on every host with `TF_CONFIG` naming the cluster and the host's task.
    - `"tpu"`: `TPUStrategy` on the TPU that `TPUClusterResolver()` finds
      (a Cloud TPU VM, or `TPU_NAME`).

    Batch sizes in the configs are global: each of N replicas gets 1/N.

    Raises:
        ValueError: if `name` is not one of `DISTRIBUTIONS`.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    raise ValueError(f"`distribution` must be one of {DISTRIBUTIONS}. Received: {name!r}")


def is_chief(strategy):
    """Whether this process writes the run's files (always, except other workers).

    Under `MultiWorkerMirroredStrategy` every worker runs the recipe, but only
    the chief (task `chief`, or worker 0 when the cluster has no chief)
    writes grids, checkpoints and exports; the others would overwrite them.
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) or resolver is None:
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type in (None, "chief"):
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def this_replica_rows(global_values, local_batch_size):
    """This replica's rows of a tensor that holds every replica's batch in order.

    Replica `r` of `n` gets rows `[r * local_batch_size, (r + 1) *
    local_batch_size)`; outside `strategy.run`, or with one replica, the
    tensor is returned whole. With it, one global draw (latents, noise,
    augmentation parameters) or one all-gathered batch gives each replica
    the values that a single device would use for the same rows, so a
    distributed step equals a single-device step on the global batch.

    Args:
        global_values: tensor of shape `(num_replicas * local_batch_size, ...)`.
        local_batch_size: int or int scalar tensor, rows per replica.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return global_values
    local_batch_size = tf.cast(local_batch_size, "int32")
    start = tf.cast(context.replica_id_in_sync_group, "int32") * local_batch_size
    return global_values[start : start + local_batch_size]


def draw_for_replica(draw, local_batch_size):
    """This replica's rows of `draw(global_batch_size)` (see `this_replica_rows`).

    Args:
        draw: callable `draw(num_rows) -> tensor` with `num_rows` leading rows.
        local_batch_size: int or int scalar tensor, rows per replica.
    """
    context = tf.distribute.get_replica_context()
    num_replicas = 1 if context is None else context.num_replicas_in_sync
    if num_replicas == 1:
        return draw(local_batch_size)
    return this_replica_rows(draw(local_batch_size * num_replicas), local_batch_size)
