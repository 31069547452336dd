"""CycleGAN's learning rate: constant, then linear decay to zero (Zhu et al. 2017)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Keeps the learning rate for `decay_start_step` steps, then decays it linearly to 0.

    `lr(step) = initial_learning_rate` for `step <= decay_start_step`, then
    `initial_learning_rate * (1 - (step - decay_start_step) / decay_steps)`,
    reaching 0 at `decay_start_step + decay_steps` and staying there. Zhu et
    al. train 200 epochs: 100 at 2e-4, then 100 decaying to zero; the
    authors' code steps the rate once per epoch, this schedule once per
    optimizer step, which is the same line sampled more finely. `step` is the
    optimizer's `iterations`, so a resumed optimizer resumes the schedule.

    Args:
        initial_learning_rate: float > 0.
        decay_start_step: int >= 0, steps at the constant rate (paper: 100
            epochs' worth).
        decay_steps: int > 0, steps of the linear decay (paper: 100 epochs'
            worth).
        name: str, the schedule's name.

    Raises:
        ValueError: if an argument is out of range.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Sec. 4.

    Example:

    >>> schedule = ConstantThenLinearDecay(2e-4, decay_start_step=100, decay_steps=100)
    >>> [round(float(schedule(step)), 6) for step in (0, 100, 150, 200, 300)]
    [0.0002, 0.0002, 0.0001, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_start_step,
        decay_steps,
        name="constant_then_linear_decay",
    ):
        super().__init__()
        if not isinstance(initial_learning_rate, (int, float)) or not initial_learning_rate > 0:
            raise ValueError(
                f"`initial_learning_rate` must be a number > 0. Received: {initial_learning_rate!r}"
            )
        if not _is_int(decay_start_step) or decay_start_step < 0:
            raise ValueError(
                f"`decay_start_step` must be an int >= 0. Received: {decay_start_step!r}"
            )
        if not _is_int(decay_steps) or decay_steps < 1:
            raise ValueError(f"`decay_steps` must be an int >= 1. Received: {decay_steps!r}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_start_step = int(decay_start_step)
        self.decay_steps = int(decay_steps)
        self.name = name

    @classmethod
    def over_epochs(cls, initial_learning_rate, *, epochs, decay_epochs, steps_per_epoch):
        """The schedule of a run of `epochs` whose last `decay_epochs` decay to 0.

        Zhu et al.'s 200 epochs with 100 decaying are
        `over_epochs(2e-4, epochs=200, decay_epochs=100, steps_per_epoch=n)`.
        With `decay_epochs=0` the rate stays constant for the whole run.

        Args:
            initial_learning_rate: float > 0.
            epochs: int >= 1, the run's epochs.
            decay_epochs: int in `[0, epochs]`, the last epochs, decaying.
            steps_per_epoch: int >= 1, optimizer steps per epoch.

        Raises:
            ValueError: if `decay_epochs` is not an int in `[0, epochs]`, or as
                the constructor.
        """
        if not _is_int(decay_epochs) or not 0 <= decay_epochs <= epochs:
            raise ValueError(
                f"`decay_epochs` must be an int in [0, epochs={epochs}]. Received: {decay_epochs!r}"
            )
        return cls(
            initial_learning_rate,
            decay_start_step=(epochs - decay_epochs) * steps_per_epoch,
            decay_steps=max(1, decay_epochs * steps_per_epoch),
        )

    def __call__(self, step):
        step = ops.cast(step, "float32")
        progress = (step - self.decay_start_step) / self.decay_steps
        return self.initial_learning_rate * (1.0 - ops.clip(progress, 0.0, 1.0))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_start_step": self.decay_start_step,
            "decay_steps": self.decay_steps,
            "name": self.name,
        }


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)
