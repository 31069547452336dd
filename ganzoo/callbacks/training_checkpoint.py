"""Back up the whole training state during `fit`, and resume from it after a crash."""

import dataclasses
import os
import shutil
import warnings

import keras
import tensorflow as tf

from ganzoo.compat.keras_workarounds import set_initial_epoch
from ganzoo.training.distribution import is_chief

_EPOCH_KEY = "epoch/.ATTRIBUTES/VARIABLE_VALUE"
_STEP_KEY = "step/.ATTRIBUTES/VARIABLE_VALUE"


@dataclasses.dataclass(frozen=True)
class ResumePoint:
    """Where a backed-up run stopped.

    Attributes:
        epoch: int, the 0-based epoch to continue with.
        step: int, the steps of that epoch already trained (0 at an epoch
            boundary).
    """

    epoch: int = 0
    step: int = 0


class TrainingCheckpoint(keras.callbacks.Callback):
    """Backs up the training state every N steps and every epoch; restores it on restart.

    What a crash (a killed process, a preempted VM) must not lose is all of
    the state that the next step depends on, so the backup holds:

    - every network weight and statistic (batch-norm moving averages, the
      CycleGAN image pools, an EMA copy if the model keeps one);
    - both optimizers (or all of them): slots, step counts, loss scales;
    - the random state: every `keras.random.SeedGenerator` of the model and
      its layers (the latent `z` stream, the image pool's draws);
    - the position: epoch and step within the epoch.

    `keras.callbacks.BackupAndRestore` restores whole epochs only, and
    `model.save_weights` leaves the seed generators out. Here the state is a
    `tf.train.Checkpoint` of the model and of `model.variables` (which
    include the seed states), written through a `tf.train.CheckpointManager`:
    the checkpoint index is replaced atomically, so a crash during a save
    leaves the previous backup in force.

    On `on_train_begin` the newest backup, if any, is restored (once per
    callback), and `fit` continues from its epoch, as with
    `keras.callbacks.BackupAndRestore`. A plain `fit` then trains that epoch
    in full; to lose nothing and repeat nothing, finish the interrupted
    epoch first with `fit(dataset.skip(step), initial_epoch=epoch,
    epochs=epoch + 1, steps_per_epoch=steps - step)`, the callback counting
    that epoch's steps from `step`, then fit the remaining epochs.
    `resume_point()` reads the position without a model for this, and
    `ganzoo.training.recipe_training.fit_with_artifacts` does exactly this.

    Metric trackers are not backed up: Keras resets them at every epoch, so
    the logs of a resumed epoch average only the steps after the restart.
    The `tf.data` shuffle order is not backed up either: a resumed epoch
    skips as many batches of a fresh iteration as were trained.

    Under `MultiWorkerMirroredStrategy` every worker saves (a save may need
    collective reads), but only the chief into `directory`; the others write
    to a temporary directory inside it and delete it. Every worker restores
    from `directory`, which must be on a filesystem they share.

    Args:
        directory: str or path, where the backups go; used only by this
            callback.
        save_every_steps: int or None. Back up after every this many
            training steps as well as at the end of each epoch; None backs
            up at epoch ends only.
        max_to_keep: int, the number of backups kept (the newest ones).

    Raises:
        ValueError: if `save_every_steps` or `max_to_keep` is not a positive
            int, a backup does not match the model it is restored into, or
            `directory` lists backups and none of them can be read.

    Example:

    ```python
    backup = TrainingCheckpoint("runs/gan/backup", save_every_steps=200)
    gan.fit(dataset, epochs=10, callbacks=[StopOnNonFiniteLoss(), backup])
    ```
    """

    def __init__(self, directory, save_every_steps=None, max_to_keep=2):
        super().__init__()
        for name, value in (("save_every_steps", save_every_steps), ("max_to_keep", max_to_keep)):
            if value is None and name == "save_every_steps":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be a positive int. Received: {value!r}")
        self.directory = os.fspath(directory)
        self.save_every_steps = save_every_steps
        self.max_to_keep = max_to_keep
        self._manager = None
        self._restored = False
        self._epoch = 0
        self._epoch_offset = 0
        self._step = 0
        self._last_saved = None

    def resume_point(self):
        """The `ResumePoint` of the newest readable backup; `ResumePoint()` if none.

        A newest backup that cannot be read (truncated or corrupt files, e.g.
        a disk that filled up during the save) is skipped with a warning for
        the previous one kept (`max_to_keep`).

        Raises:
            ValueError: if `directory` lists backups and none of them can be
                read. Starting over would let the new run's saves delete
                them; the message names the directory to inspect or delete.
        """
        _, point = self._newest_readable()
        return point

    def _newest_readable(self):
        """`(path, ResumePoint)` of the newest backup that reads, or `(None, ResumePoint())`."""
        # The paths come back joined with `directory` already, relative when
        # it is relative: joining them again would name files that do not
        # exist (runs/x/backup/runs/x/backup/ckpt-1).
        state = tf.train.get_checkpoint_state(self.directory)
        paths = list(reversed(state.all_model_checkpoint_paths)) if state else []
        for index, path in enumerate(paths):
            try:
                reader = tf.train.load_checkpoint(path)
                point = ResumePoint(
                    int(reader.get_tensor(_EPOCH_KEY)), int(reader.get_tensor(_STEP_KEY))
                )
                # Every tensor, so that a truncated data file is found here.
                for key in reader.get_variable_to_shape_map():
                    reader.get_tensor(key)
            except (tf.errors.OpError, ValueError, IndexError, RuntimeError) as error:
                following = "the previous one" if index + 1 < len(paths) else "no other backup"
                warnings.warn(
                    f"The backup {path} cannot be read ({type(error).__name__}: "
                    f"{str(error).splitlines()[0] if str(error) else ''}); trying {following}.",
                    stacklevel=3,
                )
                continue
            return path, point
        if paths:
            raise ValueError(
                f"None of the {len(paths)} backups in '{self.directory}' can be read "
                f"({', '.join(paths)}). Training from the start would delete them: inspect "
                "them, or delete the directory (a recipe's --fresh does) to start over."
            )
        return None, ResumePoint()

    def delete(self):
        """Removes `directory` and the backups in it (after a finished run)."""
        shutil.rmtree(self.directory, ignore_errors=True)

    def on_train_begin(self, logs=None):
        if self._manager is None:
            self._position = (tf.Variable(0, dtype=tf.int64), tf.Variable(0, dtype=tf.int64))
            checkpoint = tf.train.Checkpoint(
                model=self.model,
                variables=list(self.model.variables),
                epoch=self._position[0],
                step=self._position[1],
            )
            self._manager = tf.train.CheckpointManager(
                checkpoint, self._write_directory(), max_to_keep=self.max_to_keep
            )
            self._checkpoint = checkpoint
        if self._restored:
            return
        self._restored = True
        path, point = self._newest_readable()
        if path is None:
            return
        try:
            status = self._checkpoint.read(path)
            status.assert_existing_objects_matched()
        except (AssertionError, ValueError) as error:
            raise ValueError(
                f"The backup {path} does not match this model (a different architecture "
                f"or compile?): {error}"
            ) from error
        # The save counter of the manager's own checkpoint is not needed.
        status.expect_partial()
        self._epoch, self._epoch_offset, self._step = point.epoch, point.step, point.step
        # As `keras.callbacks.BackupAndRestore` does: `fit` reads this after
        # `on_train_begin` and starts from the restored epoch.
        set_initial_epoch(self.model, point.epoch)
        print(f"Resumed from {path}: epoch {point.epoch + 1}, step {point.step}.")

    def on_train_end(self, logs=None):
        # Keras never clears it; a later `fit` must start where it is told.
        set_initial_epoch(self.model, None)

    def on_epoch_begin(self, epoch, logs=None):
        if epoch != self._epoch:
            self._epoch, self._epoch_offset, self._step = epoch, 0, 0

    def on_train_batch_end(self, batch, logs=None):
        self._step = self._epoch_offset + batch + 1
        if batch + 1 == self.params.get("steps"):
            return  # The epoch ends here: `on_epoch_end` saves.
        if self.save_every_steps and self._step % self.save_every_steps == 0:
            self._save(self._epoch, self._step)

    def on_epoch_end(self, epoch, logs=None):
        self._epoch, self._epoch_offset, self._step = epoch + 1, 0, 0
        self._save(epoch + 1, 0)

    def _save(self, epoch, step):
        if self._last_saved == (epoch, step):
            return
        self._position[0].assign(epoch)
        self._position[1].assign(step)
        self._manager.save()
        self._last_saved = (epoch, step)
        if self._write_directory() != self.directory:
            shutil.rmtree(self._write_directory(), ignore_errors=True)

    def _write_directory(self):
        strategy = tf.distribute.get_strategy()
        resolver = getattr(strategy, "cluster_resolver", None)
        if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) or not resolver:
            return self.directory
        if is_chief(strategy):
            return self.directory
        return os.path.join(self.directory, f"worker_temp_{resolver.task_id}")
