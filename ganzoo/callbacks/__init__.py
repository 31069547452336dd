"""Keras callbacks for GAN training: sample grids and loss curves."""

from ganzoo.callbacks.loss_curves import LossCurves
from ganzoo.callbacks.sample_grid import SampleGrid

__all__ = ["LossCurves", "SampleGrid"]
