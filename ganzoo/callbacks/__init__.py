"""Keras callbacks for GAN training: grids, loss curves, evaluation, NaN stops, backups."""

from ganzoo.callbacks.generator_evaluation import GeneratorEvaluation
from ganzoo.callbacks.generator_evaluation import plot_evaluation
from ganzoo.callbacks.loss_curves import LossCurves
from ganzoo.callbacks.sample_grid import SampleGrid
from ganzoo.callbacks.stop_on_non_finite_loss import NonFiniteLossError
from ganzoo.callbacks.stop_on_non_finite_loss import StopOnNonFiniteLoss
from ganzoo.callbacks.training_checkpoint import ResumePoint
from ganzoo.callbacks.training_checkpoint import TrainingCheckpoint
from ganzoo.callbacks.translation_grid import TranslationGrid

__all__ = [
    "GeneratorEvaluation",
    "LossCurves",
    "NonFiniteLossError",
    "ResumePoint",
    "SampleGrid",
    "StopOnNonFiniteLoss",
    "TrainingCheckpoint",
    "TranslationGrid",
    "plot_evaluation",
]
