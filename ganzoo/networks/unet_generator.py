"""The U-Net generator of pix2pix (Isola et al. 2017), also used by CycleGAN."""

import keras

from ganzoo.layers import InstanceNormalization
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers

MIN_DOWNSAMPLES = 5
"""The encoder's filters reach `8 * base_filters` at its fourth convolution."""


@keras.saving.register_keras_serializable(package="ganzoo")
class UNetGenerator(Network):
    """U-Net generator: an image in `[-1, 1]` to an image of the same size.

    An encoder of `num_downsamples` 4x4 convolutions with stride 2 and zero
    padding 1 takes the image down to `size / 2**num_downsamples` (1x1 for
    256x256 and the paper's 8); a decoder of as many 4x4 transposed
    convolutions with stride 2 takes it back up. Encoder level `i` has
    `base_filters * min(2**i, 8)` filters (64, 128, 256, 512, 512, ...), and
    its output is concatenated (skip first) to the decoder's output of the
    same size, so detail can bypass the bottleneck (Isola et al. 2017,
    Sec. 3.2.1 and Fig. 3).

    - Encoder: LeakyReLU 0.2 before every convolution but the first;
      instance normalization after every convolution but the first and the
      innermost.
    - Decoder: ReLU, transposed convolution, instance normalization, for
      every level but the outermost, whose transposed convolution maps to
      `channels` and ends in `tanh`. With `dropout > 0`, the levels between
      the fourth encoder level and the innermost (the 512-filter ones of
      pix2pix's `unet_256`, three for 8 downsamples) apply dropout after
      their normalization, as pix2pix does with rate 0.5. CycleGAN uses none.

    Layer for layer this is `UnetGenerator` / `UnetSkipConnectionBlock` of
    the authors' PyTorch code (junyanz/pytorch-CycleGAN-and-pix2pix,
    `models/networks.py`) with affine-free instance normalization: every
    convolution has a bias, weights start from `N(0, 0.02)`, and padding
    and skip order match PyTorch. With `num_downsamples=8`, 64 filters and 3
    channels it has 54,409,603 parameters (PyTorch's batch-normalized
    `unet_256` has 54,413,955: 9,856 batch norm scales and offsets, and no
    bias on the 5,504 convolution outputs a batch norm follows).

    The network is fully convolutional: height and width must be multiples
    of `2**num_downsamples` (256 for 8, 32 for 5); other sizes fail at the
    skip concatenations when the model is called, as the model cannot check
    sizes that are only known then. Instance normalization needs at least 2
    pixels to normalize, which multiples of `2**num_downsamples` give: the
    innermost, 1x1 level is not normalized.

    Args:
        channels: int >= 1, channels of the input and output images.
        num_downsamples: int >= 5, stride-2 levels (pix2pix: 8 for 256x256,
            7 for 128x128).
        base_filters: int >= 1, filters of the first convolution (paper: 64).
        dropout: float in `[0, 1)`, dropout rate of the intermediate
            512-filter decoder levels; 0 (CycleGAN) adds no dropout layers,
            pix2pix uses 0.5.
        **kwargs: passed to `keras.Model` (e.g. `name`). Mixed precision comes
            from the global `keras.mixed_precision` policy; the output stays
            float32.

    Inputs:
        `images`: float tensor of shape `(batch, height, width, channels)`,
        values in `[-1, 1]`, height and width multiples of
        `2**num_downsamples`.

    Outputs:
        float32 tensor of the input's shape, values in `[-1, 1]`.

    Raises:
        ValueError: if `channels`/`base_filters` is not a positive int,
            `num_downsamples` is not an int >= 5, or `dropout` is not in
            `[0, 1)`.

    Reference:
        Isola, Zhu, Zhou & Efros, "Image-to-Image Translation with
        Conditional Adversarial Networks", CVPR 2017, Sec. 3.2.1 and
        Appendix 6.1.1. Ronneberger, Fischer & Brox, "U-Net: Convolutional
        Networks for Biomedical Image Segmentation", MICCAI 2015.

    Example:

    >>> generator = UNetGenerator(num_downsamples=5, base_filters=4)
    >>> generator(keras.ops.zeros((2, 32, 64, 3))).shape
    TensorShape([2, 32, 64, 3])
    """

    def __init__(
        self,
        channels=3,
        num_downsamples=8,
        base_filters=64,
        dropout=0.0,
        **kwargs,
    ):
        check_positive_ints(
            channels=channels, num_downsamples=num_downsamples, base_filters=base_filters
        )
        if num_downsamples < MIN_DOWNSAMPLES:
            raise ValueError(
                f"`num_downsamples` must be at least {MIN_DOWNSAMPLES}. "
                f"Received: num_downsamples={num_downsamples}"
            )
        if isinstance(dropout, bool) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
        encoder_filters = [base_filters * min(2**level, 8) for level in range(num_downsamples)]
        innermost = num_downsamples - 1

        # === Layers ===
        encoder = []
        for level, filters in enumerate(encoder_filters):
            stage = []
            if level > 0:
                stage.append(
                    keras.layers.LeakyReLU(negative_slope=0.2, name=f"encoder_{level}_leaky_relu")
                )
            stage += [
                keras.layers.ZeroPadding2D(1, name=f"encoder_{level}_pad"),
                keras.layers.Conv2D(
                    filters,
                    4,
                    strides=2,
                    kernel_initializer=initializer,
                    name=f"encoder_{level}_conv",
                ),
            ]
            if 0 < level < innermost:
                stage.append(InstanceNormalization(name=f"encoder_{level}_norm"))
            encoder.append(stage)
        decoder = []
        for level in reversed(range(num_downsamples)):
            # A 4x4 transposed convolution with stride 2 and "same" padding
            # crops one pixel on each side, exactly as PyTorch's padding=1.
            stage = [
                keras.layers.ReLU(name=f"decoder_{level}_relu"),
                keras.layers.Conv2DTranspose(
                    encoder_filters[level - 1] if level > 0 else channels,
                    4,
                    strides=2,
                    padding="same",
                    kernel_initializer=initializer,
                    name=f"decoder_{level}_conv",
                ),
            ]
            if level > 0:
                stage.append(InstanceNormalization(name=f"decoder_{level}_norm"))
            if dropout > 0 and MIN_DOWNSAMPLES - 1 <= level < innermost:
                stage.append(keras.layers.Dropout(dropout, name=f"decoder_{level}_dropout"))
            if level > 0:
                stage.append(keras.layers.Concatenate(name=f"decoder_{level}_skip"))
            else:
                stage.append(
                    keras.layers.Activation("tanh", dtype="float32", name="translated_images")
                )
            decoder.append(stage)

        # === Functional model ===
        images = keras.Input(shape=(None, None, channels), name="images")
        x = images
        # PyTorch's in-place LeakyReLU turns a skip `x` into `LeakyReLU(x)`;
        # every concatenation is followed by a ReLU, so both give `ReLU(x)`.
        skips = []
        for stage in encoder:
            x = apply_layers(x, stage)
            skips.append(x)
        for level, stage in zip(reversed(range(num_downsamples)), decoder, strict=True):
            # Every stage ends in its skip concatenation, the outermost in tanh.
            *body, last = stage
            x = apply_layers(x, body)
            x = last([skips[level - 1], x]) if level > 0 else last(x)

        # === Config ===
        config = {
            "channels": channels,
            "num_downsamples": num_downsamples,
            "base_filters": base_filters,
            "dropout": dropout,
        }
        super().__init__(inputs=images, outputs=x, config=config, **kwargs)
