"""Building blocks: reflection padding, instance normalization, the image pool."""

from ganzoo.layers.image_pool import ImagePool
from ganzoo.layers.instance_normalization import InstanceNormalization
from ganzoo.layers.reflection_padding_2d import ReflectionPadding2D

__all__ = [
    "ImagePool",
    "InstanceNormalization",
    "ReflectionPadding2D",
]
