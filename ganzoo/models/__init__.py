"""Training wrappers: `keras.Model` subclasses that override `train_step`."""

from ganzoo.models.conditional_gan import ConditionalGAN
from ganzoo.models.gan import GAN

__all__ = ["ConditionalGAN", "GAN"]
