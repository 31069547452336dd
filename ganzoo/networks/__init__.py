"""Generators and discriminators (functional subclassed `keras.Model`s)."""

from ganzoo.networks.dcgan_discriminator import DCGANDiscriminator
from ganzoo.networks.dcgan_generator import DCGANGenerator

__all__ = ["DCGANDiscriminator", "DCGANGenerator"]
