"""Generators, discriminators and feature extractors (functional subclassed `keras.Model`s)."""

from ganzoo.networks.conditional_dcgan_discriminator import ConditionalDCGANDiscriminator
from ganzoo.networks.conditional_dcgan_generator import ConditionalDCGANGenerator
from ganzoo.networks.dcgan_discriminator import DCGANDiscriminator
from ganzoo.networks.dcgan_generator import DCGANGenerator
from ganzoo.networks.domain_classifier import DomainClassifier
from ganzoo.networks.fid_inception import FIDInceptionV3
from ganzoo.networks.fid_inception import fid_inception_input
from ganzoo.networks.inception_features import InceptionFeatures
from ganzoo.networks.patchgan_discriminator import PatchGANDiscriminator
from ganzoo.networks.resnet_generator import ResNetGenerator
from ganzoo.networks.semi_supervised_discriminator import SemiSupervisedDiscriminator
from ganzoo.networks.standard_cnn_discriminator import StandardCNNDiscriminator
from ganzoo.networks.standard_cnn_generator import StandardCNNGenerator
from ganzoo.networks.unet_generator import UNetGenerator

__all__ = [
    "ConditionalDCGANDiscriminator",
    "ConditionalDCGANGenerator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "DomainClassifier",
    "FIDInceptionV3",
    "InceptionFeatures",
    "PatchGANDiscriminator",
    "ResNetGenerator",
    "SemiSupervisedDiscriminator",
    "StandardCNNDiscriminator",
    "StandardCNNGenerator",
    "UNetGenerator",
    "fid_inception_input",
]
