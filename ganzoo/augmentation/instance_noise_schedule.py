"""The annealed standard deviation of instance noise (Sønderby et al. 2016)."""

import numbers

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class InstanceNoiseSchedule:
    """Instance-noise standard deviation, annealed linearly over training.

    `stddev(step) = (1 - p) * initial_stddev + p * final_stddev` with
    `p = min(step / decay_steps, 1)`: `initial_stddev` at step 0,
    `final_stddev` (0 by default) from `decay_steps` on. Sønderby et al.
    anneal the noise to zero so that training ends on the noise-free
    distributions. Like a `keras.optimizers.schedules.LearningRateSchedule`
    it is called with the step (e.g. the discriminator optimizer's
    `iterations`, so a resumed run resumes the schedule) and serializes with
    `get_config`; it is not a learning rate, so it does not subclass one.

    Args:
        initial_stddev: float >= 0, the standard deviation at step 0 (for
            images in `[-1, 1]`, 0.1 is a mild blur of the pixel values).
        decay_steps: int >= 1, steps until `final_stddev` is reached.
        final_stddev: float >= 0, the standard deviation after
            `decay_steps`.
        name: str.

    Raises:
        ValueError: if an argument is out of range or of the wrong type.

    Reference:
        Sønderby, Caballero, Theis, Shi & Huszár, "Amortised MAP Inference
        for Image Super-resolution", ICLR 2017 (arXiv:1610.04490, 2016),
        "instance noise".

    Example:

    >>> schedule = InstanceNoiseSchedule(initial_stddev=0.1, decay_steps=100)
    >>> [round(float(schedule(step)), 6) for step in (0, 50, 100, 200)]
    [0.1, 0.05, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_stddev=0.1,
        decay_steps=10_000,
        final_stddev=0.0,
        name="instance_noise_schedule",
    ):
        for argument, value in (
            ("initial_stddev", initial_stddev),
            ("final_stddev", final_stddev),
        ):
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0:
                raise ValueError(f"`{argument}` must be a number >= 0. Received: {value!r}")
        if not isinstance(decay_steps, int) or isinstance(decay_steps, bool) or decay_steps < 1:
            raise ValueError(f"`decay_steps` must be an int >= 1. Received: {decay_steps!r}")
        self.initial_stddev = float(initial_stddev)
        self.decay_steps = decay_steps
        self.final_stddev = float(final_stddev)
        self.name = name

    def __call__(self, step):
        """The standard deviation at `step` (int, or int/float tensor): float32 scalar."""
        step = ops.cast(step, "float32")
        progress = ops.clip(step / self.decay_steps, 0.0, 1.0)
        return (1.0 - progress) * self.initial_stddev + progress * self.final_stddev

    def get_config(self):
        return {
            "initial_stddev": self.initial_stddev,
            "decay_steps": self.decay_steps,
            "final_stddev": self.final_stddev,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
