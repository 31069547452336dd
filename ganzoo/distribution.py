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
