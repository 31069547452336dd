"""Learning-rate schedules of the published training recipes."""

from ganzoo.schedules.constant_then_linear_decay import ConstantThenLinearDecay

__all__ = ["ConstantThenLinearDecay"]
