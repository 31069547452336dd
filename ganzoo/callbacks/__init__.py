"""Keras callbacks for GAN training: sample and translation grids, loss curves, evaluation."""

from ganzoo.callbacks.generator_evaluation import GeneratorEvaluation
from ganzoo.callbacks.loss_curves import LossCurves
from ganzoo.callbacks.sample_grid import SampleGrid
from ganzoo.callbacks.stop_on_non_finite_loss import NonFiniteLossError
from ganzoo.callbacks.stop_on_non_finite_loss import StopOnNonFiniteLoss
from ganzoo.callbacks.translation_grid import TranslationGrid

__all__ = [
    "GeneratorEvaluation",
    "LossCurves",
    "NonFiniteLossError",
    "SampleGrid",
    "StopOnNonFiniteLoss",
    "TranslationGrid",
]
