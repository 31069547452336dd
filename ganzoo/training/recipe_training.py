"""What every recipe does around `fit`: sample grids, loss curves, checkpoints, resume, timing.

`fit_with_artifacts` runs `model.fit` with `SampleGrid`, `LossCurves`, a
weights checkpoint and a `TrainingCheckpoint` backup writing under
`config.run_dir`, resumes from that backup after a crash, and times it;
`training_record` turns the config and the run into the `training_config`
stored in an export's manifest. The recipes in `recipes/` share these so that
their runs directories and manifests look the same.
"""

import dataclasses
import json
import os
import pathlib
import sys
import time

import keras
import tensorflow as tf

from ganzoo.augmentation import InstanceNoiseSchedule
from ganzoo.callbacks import LossCurves
from ganzoo.callbacks import SampleGrid
from ganzoo.callbacks import StopOnNonFiniteLoss
from ganzoo.callbacks.training_checkpoint import ResumePoint
from ganzoo.callbacks.training_checkpoint import TrainingCheckpoint
from ganzoo.export.export_steps import export_directory
from ganzoo.files import atomic_output
from ganzoo.training.distribution import distribution_strategy
from ganzoo.training.distribution import is_chief
from ganzoo.training.precision import global_dtype_policy
from ganzoo.training.recipe_files import RUN_CONFIG_FILE_NAME
from ganzoo.training.recipe_files import recipes_dir


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
        best_epoch: int or None, the 1-based epoch whose generator the model
            ends with when a callback chose one (`GeneratorEvaluation`).
        dtype_policy: str, the Keras dtype policy the networks were built and
            trained with (what `"auto"` resolved to, for example).
        backup: the run's `TrainingCheckpoint`, or None without `run_dir`.
            It is kept after training, so that a failed export costs no
            training: the same command restores the finished state and
            exports again. Call `discard_backup()` once the export succeeded.
    """

    history: keras.callbacks.History
    train_seconds: float
    extra_files: dict
    optimizer_steps: int | None = None
    best_epoch: int | None = None
    dtype_policy: str | None = None
    backup: TrainingCheckpoint | None = None

    def discard_backup(self):
        """Deletes the run's backup; call it after the export has succeeded."""
        if self.backup is not None:
            self.backup.delete()


def fit_with_artifacts(
    model,
    dataset,
    config,
    *,
    grid_samples=64,
    grid=None,
    curves=None,
    callbacks=(),
    export_paths=(),
    verbose=1,
    **fit_kwargs,
):
    """Runs `model.fit(dataset)` for `config.epochs`, writing the run's artifacts and backups.

    Under `config.run_dir` (nothing is written when it is empty), by the
    chief only (`ganzoo.training.distribution.is_chief`): `samples/epoch_NNN.png` (by
    default from fixed latents seeded by `config.seed`, one row per class for
    conditional models), `loss_curves.png`, and `checkpoint.weights.h5`
    after every epoch.

    `backup/` holds a `TrainingCheckpoint` of the whole training state
    (weights, optimizers, image pools, seed generators, epoch and step),
    written every `config.backup_every_steps` steps (if set) and at every
    epoch end, and kept until the caller's `TrainingRun.discard_backup()`
    (after its export succeeded). If the same command runs again after a
    crash, training continues from the newest backup: the interrupted epoch
    is finished with its remaining steps (skipping as many batches as were
    trained), then the remaining epochs run; after a failed export, the
    finished state is restored and no epoch runs. Every worker of a
    multi-worker run restores from it; they must share the filesystem.

    Before anything is trained, every path in `export_paths` is checked as
    the export will check it (`config.overwrite`, not a file, a writable
    parent), so that a bad export path fails in seconds, not after the run.

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
            `g_loss`, and `d_real`, `d_fake` or, for critic losses,
            `critic_real`, `critic_fake`); used only when `config.run_dir` is set.
        callbacks: more callbacks, run before the artifact writers so that
            what they add to the epoch logs (e.g. `GeneratorEvaluation`'s
            scores) reaches the loss curves and the history. Those with a
            `restore_best()` method (`GeneratorEvaluation`) are called once
            after the last `fit`: a resumed run fits twice, and the best
            weights must not be put back between the two.
        export_paths: the directories the caller will export to.
        verbose: passed to `fit`.
        **fit_kwargs: passed to `fit` (e.g. `validation_data`).

    Returns:
        `TrainingRun`; its history covers the epochs trained by this process.

    Raises:
        ValueError: if `config.epochs < 1`, when resuming inside an epoch
            whose length is unknown (an infinite dataset without
            `config.steps_per_epoch`), or an export path names no directory.
        FileExistsError: if an export path is a file, or exists while
            `config.overwrite` is False.
        PermissionError: if an export path's parent cannot be written.
    """
    epochs = config.epochs
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(
            f"`epochs` must be an int >= 1: with none, the export would publish an untrained "
            f"network. Received: {epochs!r}."
        )
    for path in export_paths:
        check_export_path(path, getattr(config, "overwrite", False))
    # Stops at the first NaN/Inf loss before an epoch-end checkpoint or a
    # backup can overwrite the last good one.
    callbacks = [StopOnNonFiniteLoss(), *callbacks]
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
        loss_curves = curves or _default_loss_curves(model, config.run_dir)
        checkpoint = keras.callbacks.ModelCheckpoint(
            os.path.join(config.run_dir, "checkpoint.weights.h5"), save_weights_only=True
        )
        callbacks += [sample_grid, loss_curves, checkpoint]

    resume = ResumePoint()
    if backup is not None:
        resume = _resume_point(config, backup)
    fit_kwargs = dict(callbacks=callbacks, verbose=verbose, **fit_kwargs)
    histories = []
    start = time.perf_counter()
    next_epoch = resume.epoch
    if resume.step and resume.epoch < config.epochs:
        # Finish the interrupted epoch: its remaining steps, on as many
        # batches as it had left.
        steps = epoch_length(dataset, config.steps_per_epoch)
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
    best_epoch = None
    for callback in callbacks:
        if hasattr(callback, "restore_best"):
            callback.restore_best()
            best_epoch = callback.best_epoch
    if resume.epoch >= config.epochs:
        print(
            f"Restored the finished run ({config.epochs} epochs) from its backup: no epoch "
            "left to train."
        )
    elif resume.epoch or resume.step:
        print(
            f"Trained epochs {resume.epoch + 1}-{config.epochs} (resumed at step "
            f"{resume.step} of epoch {resume.epoch + 1}) in {train_seconds:.1f} s."
        )
    else:
        print(f"Trained {config.epochs} epochs in {train_seconds:.1f} s.")
    extra_files = {}
    if sample_grid is not None and sample_grid.last_path:
        grid_path = sample_grid.last_path
        if best_epoch is not None:
            # The export ships the chosen epoch's generator: show its grid.
            best_grid = os.path.join(os.path.dirname(grid_path), f"epoch_{best_epoch:03d}.png")
            grid_path = best_grid if os.path.exists(best_grid) else grid_path
        extra_files = {"samples.png": grid_path, "loss_curves.png": loss_curves.path}
        # The model selection's record ships with the model it selected.
        for callback in callbacks:
            for name, attribute in (
                ("evaluation.json", "state_path"),
                ("evaluation.png", "plot_path"),
            ):
                path = getattr(callback, attribute, None)
                if path is not None and os.path.exists(path):
                    extra_files[name] = path
    optimizer = getattr(model, "g_optimizer", None)
    return TrainingRun(
        history=_merged_history(histories),
        train_seconds=train_seconds,
        extra_files=extra_files,
        optimizer_steps=(
            None if optimizer is None else int(keras.ops.convert_to_numpy(optimizer.iterations))
        ),
        best_epoch=best_epoch,
        # The recipes fit inside `global_dtype_policy(config.dtype_policy)`.
        dtype_policy=keras.config.dtype_policy().name,
        backup=backup,
    )


# Settings a resumed run may change: where it runs, where and whether it exports, how often
# it backs up. Every other field must equal the backup's.
RESUME_MAY_CHANGE = (
    "run_dir",
    "export_dir",
    "export",
    "overwrite",
    "force",
    "fresh",
    "backup_every_steps",
)


def train_and_export(
    config,
    recipe,
    *,
    load_dataset,
    build,
    export,
    check_samples=None,
    evaluate=None,
    artifacts=None,
    callbacks=(),
    export_paths=None,
    grid_samples=64,
    **fit_kwargs,
):
    """The body every training recipe's `train` shares; returns `(model, result)`.

    Seeds everything with `config.seed`, opens `config.distribution`'s
    strategy, loads the data, builds the compiled model under
    `config.dtype_policy` in the strategy's scope, and trains it with
    `fit_with_artifacts` (which checks `export_paths` before the first
    step). A finite dataset with `config.steps_per_epoch` set is repeated,
    so that epochs of that length never run out of batches. Then `evaluate`
    runs on every worker (it may need all of them), and on the chief only,
    unless `config.export` is False: the samples are checked
    (`check_samples_before_export`: a diverged or collapsed generator is
    refused unless `config.force`), the model is exported, and the run's
    backup is deleted once the export succeeded (a failed export keeps it, so
    the same command exports again without training).

    Args:
        config: the recipe's `Config` (`ganzoo.training.recipe_config.RecipeConfig`).
        recipe: str, the recipe's path for the training record
            (`"recipes/dcgan_fashion_mnist.py"`).
        load_dataset: callable `() -> tf.data.Dataset` of training batches.
        build: callable `(steps_per_epoch) -> compiled model`.
        export: callable `(model, training_config, extra_files) -> path(s)`:
            writes under `config.export_dir` (with `config.overwrite`).
        check_samples: optional callable `(model) -> samples`, checked by
            `check_before_export` (images, or a dict of subject to images).
        evaluate: optional callable `(model) -> dict` of JSON-serializable
            scores, added to `result` and to the export's training record.
        artifacts: optional callable `(model, steps_per_epoch) -> dict` with
            `grid` and/or `curves` for `fit_with_artifacts` (the per-epoch
            image grid and loss curves), called on the chief with a
            `config.run_dir`.
        callbacks: extra Keras callbacks (e.g. `generator_selection_callbacks`).
        export_paths: the directories `export` writes; `[config.export_dir]`
            by default.
        grid_samples: int, images in each epoch's default sample grid.
        **fit_kwargs: passed to `fit_with_artifacts` (`verbose`,
            `validation_data`).

    Returns:
        `(model, result)`: `result` holds `train_seconds`, the `evaluate`
        scores and `export_path`, what `export` returned (None when nothing
        was exported, e.g. on the other workers of a multi-worker run).
    """
    keras.utils.set_random_seed(config.seed)
    strategy = distribution_strategy(config.distribution)
    chief = is_chief(strategy)
    exporting = chief and getattr(config, "export", True)
    dataset = load_dataset()
    steps_per_epoch = epoch_length(dataset, config.steps_per_epoch)
    if config.steps_per_epoch and dataset.cardinality() != tf.data.INFINITE_CARDINALITY:
        dataset = dataset.repeat()
    with global_dtype_policy(config.dtype_policy), strategy.scope():
        model = build(steps_per_epoch)
        if artifacts is not None and chief and config.run_dir:
            fit_kwargs.update(artifacts(model, steps_per_epoch))
        run = fit_with_artifacts(
            model,
            dataset,
            config,
            grid_samples=grid_samples,
            callbacks=callbacks,
            export_paths=(export_paths or [config.export_dir]) if exporting else [],
            **fit_kwargs,
        )
    result = {"train_seconds": round(run.train_seconds, 1)}
    if evaluate is not None:
        result.update(evaluate(model))
    result["export_path"] = None
    if exporting:
        if check_samples is not None:
            check_before_export(check_samples(model), config)
        scores = {key: value for key, value in result.items() if key != "train_seconds"}
        record = training_record(config, recipe, run, **scores)
        del record["export_path"]
        result["export_path"] = export(model, record, run.extra_files)
        paths = result["export_path"]
        paths = paths if isinstance(paths, (list, tuple)) else [paths]
        print(f"Exported the trained model to {', '.join(str(path) for path in paths)}")
    if chief:
        run.discard_backup()
    return model, result


def check_before_export(samples, config):
    """`check_samples_before_export` on a recipe's samples, with `config.force`.

    Args:
        samples: images of `config.dataset` (their class balance is checked
            too, with the zoo's domain classifier when it has one), or a dict
            of a subject (e.g. `"G (sneaker -> ankle boot)"`) to its images
            (translations into one domain: checked without classes).
        config: the recipe's `Config`, with `force` and `dataset`.

    Raises:
        CollapsedGeneratorError: unless `config.force` (then it prints).
    """
    if isinstance(samples, dict):
        for subject, images in samples.items():
            check_samples_before_export(images, force=config.force, subject=subject)
    else:
        check_samples_before_export(samples, force=config.force, dataset=config.dataset)


def _recipe_name(config):
    """The recipe a `Config` belongs to: its file's stem in `recipes/`, else its path."""
    module = sys.modules.get(type(config).__module__)
    path = pathlib.Path(getattr(module, "__file__", None) or "unknown")
    return path.stem if path.parent.resolve() == recipes_dir().resolve() else str(path)


def _resume_point(config, backup):
    """The backup's `ResumePoint`, after checking the run's settings against the backup's.

    `<run_dir>/config.json` records the recipe and the settings a backup was
    trained with (what `ganzoo export RUN_DIR` builds the run from).
    With `config.fresh`, the backup is deleted and training starts over.

    Raises:
        ValueError: if a backup exists and its recorded settings differ from
            `config` outside `RESUME_MAY_CHANGE` (a field the record lacks,
            added to the recipe since, is compared at its default); the
            message names the fields and `--fresh`.
    """
    path = os.path.join(config.run_dir, RUN_CONFIG_FILE_NAME)
    current = json.loads(json.dumps(dataclasses.asdict(config)))
    if getattr(config, "fresh", False):
        backup.delete()
    resume = backup.resume_point()
    if (resume.epoch or resume.step) and os.path.exists(path):
        with open(path, encoding="utf-8") as file:
            saved = json.load(file)["config"]
        # A field added to the recipe since the backup was written counts as
        # unchanged at its default; a field removed since is no setting.
        defaults = {
            field.name: field.default
            for field in dataclasses.fields(config)
            if field.default is not dataclasses.MISSING
        }
        changed = [
            f"{key} {saved.get(key, defaults.get(key))!r} -> {current[key]!r}"
            for key in sorted(current)
            if key not in RESUME_MAY_CHANGE and saved.get(key, defaults.get(key)) != current[key]
        ]
        if changed:
            raise ValueError(
                f"'{backup.directory}' holds a run at epoch {resume.epoch + 1}, step "
                f"{resume.step}, trained with other settings: {'; '.join(changed)}. Run with "
                "the backup's settings to resume it, or pass --fresh to discard it and start "
                "over."
            )
    if is_chief(tf.distribute.get_strategy()):
        record = {"recipe": _recipe_name(config), "config": current}
        with atomic_output(path) as temp_path, open(temp_path, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=2)
    return resume


def check_export_path(path, overwrite):
    """Checks before training that an export to `path` can succeed.

    Raises:
        ValueError: if `path` names no directory.
        FileExistsError: if `path` is a file, or exists and `overwrite` is False.
        PermissionError: if its nearest existing ancestor is not writable.
    """
    directory = export_directory(path, overwrite)
    ancestor = directory
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise PermissionError(
            f"Cannot create the export directory '{directory}': '{ancestor}' is not a "
            "writable directory. Choose another --export-dir before training."
        )


class CollapsedGeneratorError(ValueError):
    """A trained generator's samples say it collapsed or diverged; it is not exported."""


# Mean over pixels of the per-pixel standard deviation across samples, in
# the [-1, 1] image range: a trained Fashion-MNIST DCGAN gives about 0.6, a
# generator that ignores z gives 0.
MIN_PIXEL_STD = 0.02
# Share of pixels within 1e-3 of -1 or 1 above which the outputs are saturated.
MAX_SATURATED_SHARE = 0.98
# Below this share of log2(num_classes) bits of class entropy, samples lack most classes.
MIN_CLASS_ENTROPY_SHARE = 0.5


def check_samples_before_export(
    images, force=False, *, dataset=None, class_probabilities=None, subject="the generator"
):
    """Refuses to export a generator whose samples are constant, saturated or not finite.

    A diverged run (e.g. `--learning-rate 1000`: every pixel at -1), one
    that collapsed to a single image (per-pixel standard deviation across
    samples near 0: the generator ignores `z`, the extreme of the "Helvetica
    scenario" of Goodfellow et al. 2014, Sec. 6 and Goodfellow 2016, Sec.
    5.1.1), or one that dropped most classes (with `class_probabilities`:
    the entropy of the predicted classes under half the `log2(num_classes)`
    of a balanced dataset, i.e. fewer than about the square root of the
    classes are drawn) trains without an error; this check stops it at the
    export. The run's backup is kept, so the same command with `--force`
    exports it anyway, without training again.

    Args:
        images: float array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`, from fixed latents; at least 2.
        force: bool, only warn.
        dataset: optional str; when the zoo has a domain classifier for it
            (`exported/classifiers/<dataset>`), its class probabilities for
            `images` are the `class_probabilities`.
        class_probabilities: optional float array `(num_samples,
            num_classes)`, a domain classifier's class probabilities for
            `images`.
        subject: str naming the network in the message, e.g. `"G (sneaker
            -> ankle boot)"`.

    Returns:
        dict with `pixel_std` (mean over pixels of the per-pixel standard
        deviation across samples), `saturated_share` and `class_entropy_bits`
        (None without `class_probabilities`).

    Raises:
        CollapsedGeneratorError: (a `ValueError`) naming the failed check,
            unless `force`.
    """
    import numpy as np

    from ganzoo.metrics import class_entropy_bits

    if class_probabilities is None and dataset is not None:
        class_probabilities = domain_class_probabilities(images, dataset)
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 4 or len(images) < 2:
        raise ValueError(
            f"`images` must have shape (num_samples >= 2, height, width, channels). "
            f"Received shape {images.shape}."
        )
    stats = {"pixel_std": None, "saturated_share": None, "class_entropy_bits": None}
    problem = None
    finite = np.isfinite(images).all(axis=(1, 2, 3))
    if not finite.all():
        problem = f"{int((~finite).sum())} of {len(images)} samples hold NaN or infinity"
    else:
        stats["pixel_std"] = float(images.std(axis=0).mean())
        stats["saturated_share"] = float((np.abs(images) > 1 - 1e-3).mean())
        if class_probabilities is not None:
            stats["class_entropy_bits"] = class_entropy_bits(class_probabilities)
            balanced = float(np.log2(np.shape(class_probabilities)[1]))
        if stats["saturated_share"] > MAX_SATURATED_SHARE:
            problem = (
                f"{stats['saturated_share']:.1%} of the pixels of {len(images)} samples are "
                f"at -1 or 1: {subject} diverged"
            )
        elif stats["pixel_std"] < MIN_PIXEL_STD:
            problem = (
                f"the {len(images)} samples are nearly the same image (per-pixel std "
                f"{stats['pixel_std']:.4f} < {MIN_PIXEL_STD}): {subject} collapsed"
            )
        elif (
            stats["class_entropy_bits"] is not None
            and stats["class_entropy_bits"] < MIN_CLASS_ENTROPY_SHARE * balanced
        ):
            problem = (
                f"the classes of {len(images)} samples have an entropy of "
                f"{stats['class_entropy_bits']:.2f} bits, under {MIN_CLASS_ENTROPY_SHARE:.0%} "
                f"of the {balanced:.2f} of a balanced dataset: {subject} dropped most classes"
            )
    if problem is not None:
        message = f"Not exporting: {problem}."
        if not force:
            raise CollapsedGeneratorError(
                f"{message} The run's backup is kept: rerun the same command with "
                "--force to export it anyway, or change the training setup."
            )
        print(f"Warning: {message} Exporting because of --force.")
    return stats


def domain_class_probabilities(images, dataset):
    """The zoo's domain classifier's class probabilities for `images`, if it has one.

    Args:
        images: float32 array `(num_samples, height, width, channels)` in
            `[-1, 1]`.
        dataset: str, the dataset name (`exported/classifiers/<dataset>`).

    Returns:
        float32 array `(num_samples, num_classes)`, or None when the zoo has no
        classifier for `dataset` or it takes images of another shape.
    """
    import numpy as np

    from ganzoo.export.manifest import MANIFEST_FILE_NAME
    from ganzoo.runtime import OnnxClassifier
    from ganzoo.zoo import default_zoo_dir

    directory = default_zoo_dir() / "classifiers" / dataset
    if not (directory / MANIFEST_FILE_NAME).is_file():
        return None
    classifier = OnnxClassifier(directory)
    images = np.asarray(images, dtype=np.float32)
    if images.shape[1:] != classifier.image_shape:
        return None
    return classifier.predict(images)[0]


def generator_selection_callbacks(config, classifier_dir):
    """Callbacks that choose the best epoch on validation images, and stop when it stalls.

    With `config.validation_split` set (images of `config.dataset` the
    generator never trains on, e.g. `"train[50000:]"` beside a
    `config.train_split` of `"train[:50000]"`), a `GeneratorEvaluation`
    scores `config.evaluation_samples` fixed-z samples after every epoch by
    FID on the domain classifier's features (logged as `fid_domain`), with
    precision, recall and class entropy, keeps the best generator in
    `<run_dir>/best_generator.weights.h5` and restores it at the end, so
    the export is the best epoch's. Its state survives a crash
    (`<run_dir>/evaluation.json`), and `<run_dir>/evaluation.png` plots it
    against the epoch; a run that starts without a backup, or with
    `config.fresh`, starts the selection afresh. With `config.early_stopping_patience`, a
    `keras.callbacks.EarlyStopping` ends training after that many epochs
    without a lower `fid_domain`.

    Args:
        config: a recipe `Config` with `dataset`, `data_source`,
            `validation_split`, `evaluation_samples`,
            `early_stopping_patience`, `seed` and `run_dir`.
        classifier_dir: the domain classifier's export directory.

    Returns:
        list of callbacks; empty when `config.validation_split` is None.

    Raises:
        ValueError: if a validation split is set without `run_dir`, or
            overlaps the test split (model selection on test images).
        FileNotFoundError: if `classifier_dir` holds no classifier export.
    """
    from ganzoo.callbacks import GeneratorEvaluation
    from ganzoo.data import load_image_arrays
    from ganzoo.data.image_arrays import parse_split
    from ganzoo.runtime import OnnxClassifier

    if config.validation_split is None:
        return []
    if parse_split(config.validation_split)[0] == "test":
        raise ValueError(
            "validation_split must not be a part of the test split: the best epoch would "
            f"be chosen on test images. Received {config.validation_split!r}; carve it "
            "from the training images, e.g. 'train[50000:]' with train_split='train[:50000]'."
        )
    if not config.run_dir:
        raise ValueError("validation_split needs a run_dir for the best generator's weights.")
    classifier = OnnxClassifier(classifier_dir)
    images, _ = load_image_arrays(
        config.dataset, config.validation_split, source=config.data_source
    )
    _, real_features = classifier.predict(images.astype("float32") / 127.5 - 1.0)
    state_path = os.path.join(config.run_dir, "evaluation.json")
    best_path = os.path.join(config.run_dir, "best_generator.weights.h5")
    if getattr(config, "fresh", False) or not os.path.isdir(os.path.join(config.run_dir, "backup")):
        # A fresh run: an earlier run's choice must not carry over.
        for path in (state_path, best_path):
            if os.path.exists(path):
                os.remove(path)
    callbacks = [
        GeneratorEvaluation(
            real_features,
            feature_extractor=lambda images: classifier.predict(images)[1],
            classifier=lambda images: classifier.predict(images)[0],
            metric="fid",
            score_name="fid_domain",
            num_samples=config.evaluation_samples,
            seed=config.seed,
            best_weights_path=best_path,
            state_path=state_path,
            plot_path=os.path.join(config.run_dir, "evaluation.png"),
            # fit_with_artifacts restores them after its last fit.
            restore_best_weights=False,
            precision_and_recall=True,
        )
    ]
    if config.early_stopping_patience:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="fid_domain", mode="min", patience=config.early_stopping_patience
            )
        )
    return callbacks


def instance_noise_schedule(config, steps_per_epoch):
    """The recipe's instance noise: `config.instance_noise` annealed to 0 over the run.

    The schedule counts discriminator steps (`epochs * steps_per_epoch *
    discriminator_steps`), as the models call it with the discriminator
    optimizer's `iterations`.

    Args:
        config: a recipe `Config` with `instance_noise`, `epochs` and
            optionally `discriminator_steps`.
        steps_per_epoch: int, generator steps per epoch (`epoch_length`).

    Returns:
        `ganzoo.augmentation.InstanceNoiseSchedule`, or None when
        `config.instance_noise` is 0.
    """
    if not config.instance_noise:
        return None
    return InstanceNoiseSchedule(
        initial_stddev=config.instance_noise,
        decay_steps=max(
            1, config.epochs * steps_per_epoch * getattr(config, "discriminator_steps", 1)
        ),
    )


def _default_loss_curves(model, run_dir):
    """Losses, and `sigmoid(D)` or raw critic outputs as the model logs them."""
    path = os.path.join(run_dir, "loss_curves.png")
    if getattr(model, "discriminator_outputs_probabilities", True):
        return LossCurves(path)
    return LossCurves(path, probability_keys=(), output_keys=("critic_real", "critic_fake"))


def epoch_length(dataset, steps_per_epoch=None):
    """Steps in an epoch: `steps_per_epoch` if set, else the dataset's cardinality.

    Raises:
        ValueError: if neither is known (an infinite or unknown-length dataset
            without `steps_per_epoch`).
    """
    if steps_per_epoch:
        return steps_per_epoch
    cardinality = int(dataset.cardinality())
    if cardinality <= 0:
        raise ValueError(
            "The length of an epoch is unknown (it is needed to resume inside an epoch, "
            "to anneal instance noise and to schedule learning rates): the dataset's "
            f"cardinality is {cardinality} and `steps_per_epoch` is not set. Set "
            "`steps_per_epoch`."
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
        "best_epoch": run.best_epoch,
        "dtype_policy_used": run.dtype_policy,
        "final_metrics": {
            key: round(float(values[-1]), 4) for key, values in run.history.history.items()
        },
        **extra,
    }
