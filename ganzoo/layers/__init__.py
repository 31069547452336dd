"""Building blocks: reflection padding, instance and spectral normalization, the image pool,
and the exponential moving average of weights."""

from ganzoo.layers.exponential_moving_average import ExponentialMovingAverage
from ganzoo.layers.image_pool import ImagePool
from ganzoo.layers.instance_normalization import InstanceNormalization
from ganzoo.layers.reflection_padding_2d import ReflectionPadding2D
from ganzoo.layers.spectral_normalization import SpectralNormalization

__all__ = [
    "ExponentialMovingAverage",
    "ImagePool",
    "InstanceNormalization",
    "ReflectionPadding2D",
    "SpectralNormalization",
]
