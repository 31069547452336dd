"""Training wrappers: `keras.Model` subclasses that override `train_step`."""

from ganzoo.models.conditional_gan import ConditionalGAN
from ganzoo.models.cycle_gan import CycleGAN
from ganzoo.models.gan import GAN
from ganzoo.models.semi_supervised_gan import SemiSupervisedGAN

__all__ = ["ConditionalGAN", "CycleGAN", "GAN", "SemiSupervisedGAN"]
