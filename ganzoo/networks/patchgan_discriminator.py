"""The PatchGAN discriminator of pix2pix and CycleGAN (Isola et al. 2017)."""

import keras

from ganzoo.layers import InstanceNormalization
from ganzoo.layers import SpectralNormalization
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers

MAX_FILTER_MULTIPLIER = 8
"""Filters stop doubling at `8 * base_filters`, as in the authors' code."""


def patchgan_receptive_field(num_layers):
    """Side of the square input patch each PatchGAN logit sees, in pixels.

    Runs the receptive-field recursion `field = (field - 1) * stride + 4`
    back from one logit through the two stride-1 and the `num_layers`
    stride-2 4x4 convolutions: 16 for 1 layer, 34 for 2, 70 for 3 (the
    paper's 70x70 PatchGAN), 142 for 4.

    Args:
        num_layers: int >= 1, stride-2 convolutions of the discriminator.

    Returns:
        int, the receptive field in pixels along each side.

    Raises:
        ValueError: if `num_layers` is not a positive int.
    """
    check_positive_ints(num_layers=num_layers)
    field = 1
    for stride in [1, 1] + [2] * num_layers:
        field = (field - 1) * stride + 4
    return field


@keras.saving.register_keras_serializable(package="ganzoo")
class PatchGANDiscriminator(Network):
    """PatchGAN discriminator: an image in `[-1, 1]` to a map of logits.

    Each output logit says whether one overlapping `receptive_field`-pixel
    square patch of the image looks real (70x70 for `num_layers=3`), so the
    discriminator judges local texture and style and works on images of any
    size (Isola et al. 2017, Sec. 3.2.2; Zhu et al. 2017, Appendix 7.2:
    `C64-C128-C256-C512`).

    - `num_layers` 4x4 convolutions with stride 2, with `base_filters *
      min(2**n, 8)` filters for the n-th (from 0); instance normalization
      after all but the first; LeakyReLU after each.
    - a 4x4 convolution with stride 1 and `base_filters *
      min(2**num_layers, 8)` filters, instance normalization, LeakyReLU.
    - a 4x4 convolution with stride 1 to one channel: the logits.

    Every convolution has zero padding 1 and a bias. Layer for layer this is
    `NLayerDiscriminator` of the authors' PyTorch code
    (junyanz/pytorch-CycleGAN-and-pix2pix, `models/networks.py`) with its
    default affine-free instance normalization and `N(0, 0.02)` weights;
    with 64 filters, 3 layers and 3 channels it has 2,764,737 parameters.
    A 256x256 image gives a 30x30 map of logits, 128x128 a 14x14 map.

    The 70x70 window is that of the convolutions: instance normalization
    pools statistics over the whole image, so in the strict sense every
    logit depends on every pixel, as in the authors' code.

    With `spectral_normalization=True` every convolution, the last one
    included, is wrapped in `ganzoo.layers.SpectralNormalization` (Miyato et
    al. 2018), which keeps each layer's spectral norm near 1; instance
    normalization stays, as in the spectrally normalized PatchGAN of
    GauGAN (Park et al. 2019). Instance normalization works per image, so
    the gradient penalties of `ganzoo.losses.penalties` apply unchanged.
    Each wrapper takes its convolution's name (`"conv_<i>"`, `"logits"`);
    the convolution inside is `"<name>_wrapped"`. Each adds its output
    channels to the non-trainable parameters (the power-iteration vector).

    Args:
        channels: int >= 1, channels of the input images.
        base_filters: int >= 1, filters of the first convolution (paper: 64).
        num_layers: int >= 1, stride-2 convolutions (paper: 3, a 70x70
            receptive field).
        leaky_relu_slope: float, negative slope of the LeakyReLU (paper: 0.2).
        spectral_normalization: bool, spectrally normalize every convolution
            (default False: the paper's network).
        **kwargs: passed to `keras.Model` (e.g. `name`). The logits stay
            float32 under a mixed-precision policy.

    Inputs:
        `images`: float tensor of shape `(batch, height, width, channels)`,
        values in `[-1, 1]`, height and width at least `3 * 2**num_layers`
        (24 for 3 layers).

    Outputs:
        float32 tensor of shape `(batch, height', width', 1)`: logits,
        unbounded reals, one per patch, with
        `height' = floor(height / 2**num_layers) - 2` (same for the width).

    Raises:
        ValueError: if `channels`, `base_filters` or `num_layers` is not a
            positive int.
        TypeError: if `spectral_normalization` is not a bool.

    Reference:
        Isola, Zhu, Zhou & Efros, "Image-to-Image Translation with
        Conditional Adversarial Networks", CVPR 2017, Sec. 3.2.2 and
        Appendix 6.1.2. Zhu, Park, Isola & Efros, "Unpaired Image-to-Image
        Translation using Cycle-Consistent Adversarial Networks", ICCV 2017,
        Appendix 7.2. Miyato et al., "Spectral Normalization for Generative
        Adversarial Networks", ICLR 2018, and Park et al., "Semantic Image
        Synthesis with Spatially-Adaptive Normalization", CVPR 2019
        (`spectral_normalization`).

    Example:

    >>> discriminator = PatchGANDiscriminator(base_filters=8)
    >>> discriminator(keras.ops.zeros((2, 64, 64, 3))).shape
    TensorShape([2, 6, 6, 1])
    >>> discriminator.receptive_field
    70
    """

    def __init__(
        self,
        channels=3,
        base_filters=64,
        num_layers=3,
        leaky_relu_slope=0.2,
        spectral_normalization=False,
        **kwargs,
    ):
        check_positive_ints(channels=channels, base_filters=base_filters, num_layers=num_layers)
        if not isinstance(spectral_normalization, bool):
            raise TypeError(
                "`spectral_normalization` must be a bool. Received: "
                f"{spectral_normalization!r} of type {type(spectral_normalization).__name__}."
            )
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

        def convolution(filters, strides, name, dtype=None):
            layer = keras.layers.Conv2D(
                filters,
                4,
                strides=strides,
                kernel_initializer=initializer,
                dtype=dtype,
                name=f"{name}_wrapped" if spectral_normalization else name,
            )
            return SpectralNormalization(layer, name=name) if spectral_normalization else layer

        # === Layers ===
        stack = []
        for index in range(num_layers + 1):
            prefix = f"conv_{index}"
            stack += [
                keras.layers.ZeroPadding2D(1, name=f"{prefix}_pad"),
                convolution(
                    base_filters * min(2**index, MAX_FILTER_MULTIPLIER),
                    strides=2 if index < num_layers else 1,
                    name=prefix,
                ),
            ]
            if index > 0:
                stack.append(InstanceNormalization(name=f"{prefix}_norm"))
            stack.append(
                keras.layers.LeakyReLU(negative_slope=leaky_relu_slope, name=f"{prefix}_leaky_relu")
            )
        stack += [
            keras.layers.ZeroPadding2D(1, name="logits_pad"),
            convolution(1, strides=1, name="logits", dtype="float32"),
        ]

        # === Functional model ===
        images = keras.Input(shape=(None, None, channels), name="images")
        logits = apply_layers(images, stack)

        # === Config ===
        config = {
            "channels": channels,
            "base_filters": base_filters,
            "num_layers": num_layers,
            "leaky_relu_slope": leaky_relu_slope,
            "spectral_normalization": spectral_normalization,
        }
        super().__init__(inputs=images, outputs=logits, config=config, **kwargs)

    @property
    def receptive_field(self):
        """int, side in pixels of the input patch each logit sees (70 for 3 layers)."""
        return patchgan_receptive_field(self.num_layers)
