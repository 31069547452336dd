"""Generators, discriminators and feature extractors (functional subclassed `keras.Model`s)."""

from ganzoo.networks.conditional_dcgan_discriminator import ConditionalDCGANDiscriminator
from ganzoo.networks.conditional_dcgan_generator import ConditionalDCGANGenerator
from ganzoo.networks.dcgan_discriminator import DCGANDiscriminator
from ganzoo.networks.dcgan_generator import DCGANGenerator
from ganzoo.networks.domain_classifier import DomainClassifier
from ganzoo.networks.inception_features import InceptionFeatures
from ganzoo.networks.semi_supervised_discriminator import SemiSupervisedDiscriminator

__all__ = [
    "ConditionalDCGANDiscriminator",
    "ConditionalDCGANGenerator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "DomainClassifier",
    "InceptionFeatures",
    "SemiSupervisedDiscriminator",
]
