"""Augmentations of the discriminator's inputs: DiffAugment and instance noise."""

from ganzoo.augmentation.diff_augment import DEFAULT_POLICY
from ganzoo.augmentation.diff_augment import diff_augment
from ganzoo.augmentation.diff_augment import rand_brightness
from ganzoo.augmentation.diff_augment import rand_contrast
from ganzoo.augmentation.diff_augment import rand_cutout
from ganzoo.augmentation.diff_augment import rand_saturation
from ganzoo.augmentation.diff_augment import rand_translation
from ganzoo.augmentation.instance_noise import add_instance_noise
from ganzoo.augmentation.instance_noise_schedule import InstanceNoiseSchedule

__all__ = [
    "DEFAULT_POLICY",
    "InstanceNoiseSchedule",
    "add_instance_noise",
    "diff_augment",
    "rand_brightness",
    "rand_contrast",
    "rand_cutout",
    "rand_saturation",
    "rand_translation",
]
