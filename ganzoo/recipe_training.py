"""What every recipe does around `fit`: sample grids, loss curves, checkpoints, resume, timing.

`fit_with_artifacts` runs `model.fit` with `SampleGrid`, `LossCurves`, a
weights checkpoint and a `TrainingCheckpoint` backup writing under
`config.run_dir`, resumes from that backup after a crash, and times it;
`training_record` turns the config and the run into the `training_config`
stored in an export's manifest. The recipes in `recipes/` share these so that
their runs directories and manifests look the same.
"""

import dataclasses
import os
import time

import keras
import tensorflow as tf

from ganzoo.augmentation import InstanceNoiseSchedule
from ganzoo.callbacks import LossCurves
from ganzoo.callbacks import SampleGrid
from ganzoo.callbacks import StopOnNonFiniteLoss
from ganzoo.callbacks.training_checkpoint import ResumePoint
from ganzoo.callbacks.training_checkpoint import TrainingCheckpoint
from ganzoo.distribution import is_chief


@dataclasses.dataclass(frozen=True)
class TrainingRun:
    """The outcome of `fit_with_artifacts`.

    Attributes:
        history: the `keras.callbacks.History` of the run.
        train_seconds: float, wall time of `fit` in seconds.
        extra_files: dict of export file name to path, the last sample grid
            (`"samples.png"`) and the loss curves (`"loss_curves.png"`); empty
            when the run wrote no artifacts.
        optimizer_steps: int, the generator optimizer's step count at the
            end, counting the steps trained before a resume; None for a model
            without `g_optimizer`.
    """

    history: keras.callbacks.History
    train_seconds: float
    extra_files: dict
    optimizer_steps: int | None = None


def fit_with_artifacts(
    model, dataset, config, *, grid_samples=64, grid=None, curves=None, verbose=1, **fit_kwargs
):
    """Runs `model.fit(dataset)` for `config.epochs`, writing the run's artifacts and backups.

    Under `config.run_dir` (nothing is written when it is empty), by the
    chief only (`ganzoo.distribution.is_chief`): `samples/epoch_NNN.png` (by
    default from fixed latents seeded by `config.seed`, one row per class for
    conditional models), `loss_curves.png`, and `checkpoint.weights.h5`
    after every epoch.

    `backup/` holds a `TrainingCheckpoint` of the whole training state
    (weights, optimizers, image pools, seed generators, epoch and step),
    written every `config.backup_every_steps` steps (if set) and at every
    epoch end, and deleted when the run finishes. If the same command runs
    again after a crash, training continues from the newest backup: the
    interrupted epoch is finished with its remaining steps (skipping as many
    batches as were trained), then the remaining epochs run. Every worker of
    a multi-worker run restores from it; they must share the filesystem.

    A NaN or infinite loss stops the run with `NonFiniteLossError` before
    anything is saved, so the last checkpoint and backup stay as they were.

    Args:
        model: a ganzoo model; with `generate` and `latent_dim` unless `grid`
            is given.
        dataset: the training `tf.data.Dataset`.
        config: a recipe `Config` with `run_dir`, `seed`, `epochs`,
            `steps_per_epoch` and optionally `backup_every_steps`.
        grid_samples: int, images in each sample grid.
        grid: optional callback with a `last_path` attribute writing the
            per-epoch grids (e.g. `TranslationGrid`) in place of `SampleGrid`;
            used only when `config.run_dir` is set.
        curves: optional `LossCurves` in place of the GAN's default (`d_loss`,
            `g_loss`, `d_real`, `d_fake`); used only when `config.run_dir` is set.
        verbose: passed to `fit`.
        **fit_kwargs: passed to `fit` (e.g. `validation_data`).

    Returns:
        `TrainingRun`; its history covers the epochs trained by this process.

    Raises:
        ValueError: when resuming inside an epoch whose length is unknown
            (an infinite dataset without `config.steps_per_epoch`).
    """
    # Stops at the first NaN/Inf loss before an epoch-end checkpoint or a
    # backup can overwrite the last good one.
    callbacks = [StopOnNonFiniteLoss()]
    sample_grid = loss_curves = backup = None
    if config.run_dir:
        backup = TrainingCheckpoint(
            os.path.join(config.run_dir, "backup"),
            save_every_steps=getattr(config, "backup_every_steps", None) or None,
        )
        callbacks.append(backup)
    if config.run_dir and is_chief(tf.distribute.get_strategy()):
        sample_grid = grid or SampleGrid(
            os.path.join(config.run_dir, "samples"), num_samples=grid_samples, seed=config.seed
        )
        loss_curves = curves or LossCurves(os.path.join(config.run_dir, "loss_curves.png"))
        checkpoint = keras.callbacks.ModelCheckpoint(
            os.path.join(config.run_dir, "checkpoint.weights.h5"), save_weights_only=True
        )
        callbacks += [sample_grid, loss_curves, checkpoint]

    resume = backup.resume_point() if backup else ResumePoint()
    fit_kwargs = dict(callbacks=callbacks, verbose=verbose, **fit_kwargs)
    histories = []
    start = time.perf_counter()
    next_epoch = resume.epoch
    if resume.step and resume.epoch < config.epochs:
        # Finish the interrupted epoch: its remaining steps, on as many
        # batches as it had left.
        steps = _steps_per_epoch(dataset, config.steps_per_epoch)
        histories.append(
            model.fit(
                dataset.skip(resume.step),
                initial_epoch=resume.epoch,
                epochs=resume.epoch + 1,
                steps_per_epoch=steps - resume.step,
                **fit_kwargs,
            )
        )
        next_epoch += 1
    histories.append(
        model.fit(
            dataset,
            initial_epoch=next_epoch,
            epochs=config.epochs,
            steps_per_epoch=config.steps_per_epoch,
            **fit_kwargs,
        )
    )
    train_seconds = time.perf_counter() - start
    if backup is not None:
        backup.delete()
    if resume.epoch or resume.step:
        print(
            f"Trained epochs {resume.epoch + 1}-{config.epochs} (resumed at step "
            f"{resume.step} of epoch {resume.epoch + 1}) in {train_seconds:.1f} s."
        )
    else:
        print(f"Trained {config.epochs} epochs in {train_seconds:.1f} s.")
    extra_files = {}
    if sample_grid is not None and sample_grid.last_path:
        extra_files = {"samples.png": sample_grid.last_path, "loss_curves.png": loss_curves.path}
    optimizer = getattr(model, "g_optimizer", None)
    return TrainingRun(
        history=_merged_history(histories),
        train_seconds=train_seconds,
        extra_files=extra_files,
        optimizer_steps=(
            None if optimizer is None else int(keras.ops.convert_to_numpy(optimizer.iterations))
        ),
    )


def instance_noise_schedule(config, dataset):
    """The recipe's instance noise: `config.instance_noise` annealed to 0 over the run.

    The schedule counts discriminator steps (`epochs * steps_per_epoch *
    discriminator_steps`), as the models call it with the discriminator
    optimizer's `iterations`.

    Returns:
        `ganzoo.augmentation.InstanceNoiseSchedule`, or None when
        `config.instance_noise` is 0.
    """
    if not config.instance_noise:
        return None
    steps = config.epochs * _steps_per_epoch(dataset, config.steps_per_epoch)
    return InstanceNoiseSchedule(
        initial_stddev=config.instance_noise,
        decay_steps=max(1, steps * getattr(config, "discriminator_steps", 1)),
    )


def _steps_per_epoch(dataset, steps_per_epoch):
    if steps_per_epoch:
        return steps_per_epoch
    cardinality = int(dataset.cardinality())
    if cardinality <= 0:
        raise ValueError(
            "The length of an epoch is unknown (it is needed to resume inside an epoch "
            f"and to anneal instance noise): the dataset's cardinality is {cardinality} "
            "and `steps_per_epoch` is not set. Set `steps_per_epoch`."
        )
    return cardinality


def _merged_history(histories):
    """The last `History`, extended with the epochs of the ones before it."""
    merged = histories[-1]
    for earlier in reversed(histories[:-1]):
        merged.epoch = earlier.epoch + merged.epoch
        for key, values in earlier.history.items():
            merged.history[key] = values + merged.history.get(key, [])
    return merged


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
        "optimizer_steps": run.optimizer_steps,
        "final_metrics": {
            key: round(float(values[-1]), 4) for key, values in run.history.history.items()
        },
        **extra,
    }
