"""Training wrappers: `keras.Model` subclasses that override `train_step`."""

from ganzoo.models.gan import GAN

__all__ = ["GAN"]
