"""What every recipe does around `fit`: strategy, sample grids, loss curves, checkpoints, timing.

`fit_with_artifacts` runs `model.fit` with `SampleGrid`, `LossCurves` and a
weights checkpoint writing under `config.run_dir`, and times it;
`training_record` turns the config and the run into the `training_config`
stored in an export's manifest. The recipes in `recipes/` share these so that
their runs directories and manifests look the same.
"""

import dataclasses
import os
import time

import keras
import tensorflow as tf

from ganzoo.callbacks import LossCurves
from ganzoo.callbacks import SampleGrid
from ganzoo.callbacks import StopOnNonFiniteLoss

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


@dataclasses.dataclass(frozen=True)
class TrainingRun:
    """The outcome of `fit_with_artifacts`.

    Attributes:
        history: the `keras.callbacks.History` of the run.
        train_seconds: float, wall time of `fit` in seconds.
        extra_files: dict of export file name to path, the last sample grid
            (`"samples.png"`) and the loss curves (`"loss_curves.png"`); empty
            when the run wrote no artifacts.
    """

    history: keras.callbacks.History
    train_seconds: float
    extra_files: dict


def fit_with_artifacts(
    model, dataset, config, *, grid_samples=64, grid=None, curves=None, verbose=1, **fit_kwargs
):
    """Runs `model.fit(dataset)` for `config.epochs`, writing the run's artifacts.

    Under `config.run_dir` (nothing is written when it is empty):
    `samples/epoch_NNN.png` (by default from fixed latents seeded by
    `config.seed`, one row per class for conditional models),
    `loss_curves.png`, and `checkpoint.weights.h5` after every epoch. A NaN
    or infinite loss stops the run with `NonFiniteLossError` and leaves the
    last checkpoint as it was.

    Args:
        model: a ganzoo model; with `generate` and `latent_dim` unless `grid`
            is given.
        dataset: the training `tf.data.Dataset`.
        config: a recipe `Config` with `run_dir`, `seed`, `epochs` and
            `steps_per_epoch`.
        grid_samples: int, images in each sample grid.
        grid: optional callback with a `last_path` attribute writing the
            per-epoch grids (e.g. `TranslationGrid`) in place of `SampleGrid`;
            used only when `config.run_dir` is set.
        curves: optional `LossCurves` in place of the GAN's default (`d_loss`,
            `g_loss`, `d_real`, `d_fake`); used only when `config.run_dir` is set.
        verbose: passed to `fit`.
        **fit_kwargs: passed to `fit` (e.g. `validation_data`).

    Returns:
        `TrainingRun`.
    """
    # Stops at the first NaN/Inf loss before an epoch-end checkpoint can
    # overwrite the last good one.
    callbacks = [StopOnNonFiniteLoss()]
    sample_grid = loss_curves = None
    if config.run_dir:
        sample_grid = grid or SampleGrid(
            os.path.join(config.run_dir, "samples"), num_samples=grid_samples, seed=config.seed
        )
        loss_curves = curves or LossCurves(os.path.join(config.run_dir, "loss_curves.png"))
        checkpoint = keras.callbacks.ModelCheckpoint(
            os.path.join(config.run_dir, "checkpoint.weights.h5"), save_weights_only=True
        )
        callbacks += [sample_grid, loss_curves, checkpoint]
    start = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=config.epochs,
        steps_per_epoch=config.steps_per_epoch,
        callbacks=callbacks,
        verbose=verbose,
        **fit_kwargs,
    )
    train_seconds = time.perf_counter() - start
    print(f"Trained {config.epochs} epochs in {train_seconds:.1f} s.")
    extra_files = {}
    if sample_grid is not None:
        extra_files = {"samples.png": sample_grid.last_path, "loss_curves.png": loss_curves.path}
    return TrainingRun(history=history, train_seconds=train_seconds, extra_files=extra_files)


def training_record(config, recipe, run, **extra):
    """The manifest's `training_config`: the config, the recipe, time, final metrics.

    Args:
        config: the recipe's `Config` dataclass.
        recipe: str, the recipe's path, e.g. `"recipes/dcgan_fashion_mnist.py"`.
        run: the `TrainingRun`.
        **extra: more JSON-serializable entries.

    Returns:
        dict of JSON-serializable values.
    """
    return {
        **dataclasses.asdict(config),
        "recipe": recipe,
        "train_seconds": round(run.train_seconds, 1),
        "final_metrics": {
            key: round(float(values[-1]), 4) for key, values in run.history.history.items()
        },
        **extra,
    }
