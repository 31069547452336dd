"""A run interrupted mid-epoch and resumed from its backup ends where an uninterrupted one does."""

import dataclasses
import json
import pathlib
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.callbacks import ResumePoint
from ganzoo.callbacks import TrainingCheckpoint
from ganzoo.data import load_image_arrays
from ganzoo.models import GAN
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator
from ganzoo.training.recipe_training import fit_with_artifacts

STEPS_PER_EPOCH = 6


@dataclasses.dataclass(frozen=True)
class Config:
    run_dir: str
    seed: int = 0
    epochs: int = 3
    steps_per_epoch: int | None = None
    backup_every_steps: int | None = 4
    learning_rate: float = 1e-3
    fresh: bool = False


class Crash(Exception):
    pass


class CrashAt(keras.callbacks.Callback):
    """Raises after `epoch`'s `step`-th step (1-based), like a process dying there."""

    def __init__(self, epoch, step):
        super().__init__()
        self.epoch, self.step = epoch, step

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.current_epoch, batch + 1) == (self.epoch, self.step):
            raise Crash


@pytest.fixture(scope="module")
def dataset():
    """Real Fashion-MNIST images in a fixed order: every epoch sees the same batches."""
    images, _ = load_image_arrays("fashion_mnist", split="train", source="idx")
    images = images[: STEPS_PER_EPOCH * 8].astype("float32") / 127.5 - 1.0
    return tf.data.Dataset.from_tensor_slices(images).batch(8, drop_remainder=True)


def _gan(base_filters=4):
    keras.utils.set_random_seed(0)
    gan = GAN(
        DCGANGenerator(8, (28, 28, 1), base_filters=base_filters),
        DCGANDiscriminator((28, 28, 1), base_filters=base_filters),
        latent_dim=8,
        seed=1,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    return gan


def _state(gan):
    """Every variable the next step depends on: weights, seed states, both optimizers."""
    variables = gan.variables + gan.d_optimizer.variables + gan.g_optimizer.variables
    return [np.asarray(variable) for variable in variables]


def test_a_run_resumed_mid_epoch_ends_with_the_uninterrupted_runs_state(tmp_path, dataset):
    reference = _gan()
    fit_with_artifacts(reference, dataset, Config(str(tmp_path / "reference")), verbose=0)

    crashed = _gan()
    backup = TrainingCheckpoint(tmp_path / "run" / "backup", save_every_steps=4)
    with pytest.raises(Crash):
        crashed.fit(dataset, epochs=3, verbose=0, callbacks=[backup, CrashAt(epoch=1, step=5)])
    # Backups at epoch 0 step 4, the end of epoch 0, and epoch 1 step 4.
    assert backup.resume_point() == ResumePoint(epoch=1, step=4)

    resumed = _gan()
    run = fit_with_artifacts(resumed, dataset, Config(str(tmp_path / "run")), verbose=0)

    assert run.optimizer_steps == 3 * STEPS_PER_EPOCH
    # Epoch 2 (the interrupted one) and epoch 3.
    assert len(run.history.history["d_loss"]) == 2
    reference_state, resumed_state = _state(reference), _state(resumed)
    assert len(reference_state) == len(resumed_state)
    for expected, actual in zip(reference_state, resumed_state, strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)
    # The backup outlives training (a failed export must not cost the run)
    # until the caller discards it after its export.
    assert backup.resume_point() == ResumePoint(epoch=3, step=0)
    run.discard_backup()
    assert not (tmp_path / "run" / "backup").exists()


def test_restoring_puts_back_the_seed_generators_and_optimizer_steps(tmp_path, dataset):
    trained = _gan()
    backup = TrainingCheckpoint(tmp_path / "backup")
    trained.fit(dataset, epochs=1, verbose=0, callbacks=[backup])

    fresh = _gan()
    # Different from the trained state before the restore: the test can fail.
    assert not np.array_equal(np.asarray(fresh.seed_generator.state), trained.seed_generator.state)
    fresh.fit(
        dataset,
        epochs=1,
        initial_epoch=1,
        verbose=0,
        callbacks=[TrainingCheckpoint(tmp_path / "backup")],
    )

    np.testing.assert_array_equal(fresh.seed_generator.state, trained.seed_generator.state)
    assert (
        int(fresh.g_optimizer.iterations) == int(trained.g_optimizer.iterations) == STEPS_PER_EPOCH
    )
    for expected, actual in zip(_state(trained), _state(fresh), strict=True):
        np.testing.assert_array_equal(actual, expected)


def test_a_backup_of_another_architecture_is_refused(tmp_path, dataset):
    _gan().fit(dataset.take(2), epochs=1, verbose=0, callbacks=[TrainingCheckpoint(tmp_path)])
    with pytest.raises(ValueError, match="does not match this model"):
        _gan(base_filters=8).fit(
            dataset.take(2), epochs=2, verbose=0, callbacks=[TrainingCheckpoint(tmp_path)]
        )


def test_no_backup_means_a_fresh_start(tmp_path):
    assert TrainingCheckpoint(tmp_path / "none").resume_point() == ResumePoint(0, 0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"save_every_steps": 0}, "save_every_steps"),
        ({"save_every_steps": 2.5}, "save_every_steps"),
        ({"max_to_keep": 0}, "max_to_keep"),
    ],
)
def test_bad_arguments_are_named(tmp_path, arguments, message):
    with pytest.raises(ValueError, match=message):
        TrainingCheckpoint(tmp_path, **arguments)


def test_resuming_with_other_settings_names_them_and_fresh_starts_over(tmp_path, dataset, capsys):
    config = Config(str(tmp_path / "run"), epochs=1)
    fit_with_artifacts(_gan(), dataset, config, verbose=0)  # the backup is kept
    with pytest.raises(ValueError) as error:
        fit_with_artifacts(
            _gan(), dataset, dataclasses.replace(config, epochs=2, learning_rate=0.1), verbose=0
        )
    message = str(error.value)
    assert "epochs 1 -> 2; learning_rate 0.001 -> 0.1" in message and "--fresh" in message
    # Backup cadence may change; the same settings resume (nothing left to train).
    fit_with_artifacts(
        _gan(), dataset, dataclasses.replace(config, backup_every_steps=2), verbose=0
    )
    assert "no epoch left to train" in capsys.readouterr().out
    run = fit_with_artifacts(
        _gan(), dataset, dataclasses.replace(config, epochs=2, fresh=True), verbose=0
    )
    assert run.optimizer_steps == 2 * STEPS_PER_EPOCH  # both epochs, from the start


def test_a_corrupt_newest_backup_falls_back_to_the_previous_one(tmp_path, dataset, capsys):
    backup = TrainingCheckpoint(tmp_path / "run" / "backup", save_every_steps=4)
    _gan().fit(dataset, epochs=1, verbose=0, callbacks=[backup])
    assert backup.resume_point() == ResumePoint(epoch=1, step=0)
    # The epoch-end save was cut short: its data file holds half its bytes.
    newest = pathlib.Path(tf.train.latest_checkpoint(tmp_path / "run" / "backup"))
    (data_file,) = newest.parent.glob(newest.name + ".data-*")
    data_file.write_bytes(data_file.read_bytes()[: data_file.stat().st_size // 2])

    with pytest.warns(UserWarning, match="cannot be read.*trying the previous one"):
        assert backup.resume_point() == ResumePoint(epoch=0, step=4)
    resumed = _gan()
    with pytest.warns(UserWarning, match="cannot be read"):
        run = fit_with_artifacts(resumed, dataset, Config(str(tmp_path / "run"), epochs=1))
    assert "epoch 1, step 4" in capsys.readouterr().out
    # The 4 steps of the readable backup, then the 2 the epoch had left.
    assert run.optimizer_steps == STEPS_PER_EPOCH


def _truncate(checkpoint_prefix):
    """Cuts a backup's data file to half its bytes, as a save cut short would."""
    prefix = pathlib.Path(checkpoint_prefix)
    (data_file,) = prefix.parent.glob(prefix.name + ".data-*")
    data_file.write_bytes(data_file.read_bytes()[: data_file.stat().st_size // 2])


def test_when_no_backup_can_be_read_nothing_trains_and_nothing_is_deleted(tmp_path, dataset):
    directory = tmp_path / "run" / "backup"
    _gan().fit(dataset, epochs=1, verbose=0, callbacks=[TrainingCheckpoint(directory, 4)])
    for prefix in tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths:
        _truncate(prefix)
    files = sorted(path.name for path in directory.iterdir())

    with pytest.warns(UserWarning, match="cannot be read"):
        with pytest.raises(ValueError, match=r"None of the 2 backups .* can be read.*--fresh"):
            fit_with_artifacts(_gan(), dataset, Config(str(tmp_path / "run")), verbose=0)
    # A fresh start here would have saved over them (max_to_keep).
    assert sorted(path.name for path in directory.iterdir()) == files


def test_a_relative_backup_directory_resumes(tmp_path, dataset, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _gan().fit(dataset, epochs=1, verbose=0, callbacks=[TrainingCheckpoint("run/backup")])
    # tf.train.get_checkpoint_state returns the paths joined with the
    # relative directory already; joining again found nothing, and the run
    # started over.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert TrainingCheckpoint("run/backup").resume_point() == ResumePoint(epoch=1, step=0)


def test_a_field_added_since_the_backup_resumes_at_its_default_only(tmp_path, dataset, capsys):
    config = Config(str(tmp_path / "run"), epochs=1)
    fit_with_artifacts(_gan(), dataset, config, verbose=0)
    # The backup's record predates `learning_rate`.
    record_path = tmp_path / "run" / "config.json"
    record = json.loads(record_path.read_text())
    del record["config"]["learning_rate"]
    record_path.write_text(json.dumps(record))

    with pytest.raises(ValueError, match=r"learning_rate 0\.001 -> 0\.1"):
        fit_with_artifacts(_gan(), dataset, dataclasses.replace(config, learning_rate=0.1))
    fit_with_artifacts(_gan(), dataset, config, verbose=0)
    assert "no epoch left to train" in capsys.readouterr().out
