"""The ResNet generator of CycleGAN (Zhu et al. 2017; Johnson et al. 2016)."""

import keras

from ganzoo.layers import InstanceNormalization
from ganzoo.layers import ReflectionPadding2D
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers


def _check_non_negative_ints(**values):
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"`{name}` must be an int >= 0. Received: {value!r}")


@keras.saving.register_keras_serializable(package="ganzoo")
class ResNetGenerator(Network):
    """CycleGAN generator: an image in `[-1, 1]` to an image of the same size.

    The network of Johnson et al. 2016 as CycleGAN uses it (Zhu et al. 2017,
    Appendix 7.2): `c7s1-64, d128, d256, R256 x 9, u128, u64, c7s1-3` for
    `base_filters=64`, `num_downsamples=2`, `num_residual_blocks=9`.

    - `c7s1-k`: reflection padding 3, 7x7 convolution with `k` filters,
      instance normalization, ReLU.
    - `dk`: 3x3 convolution with stride 2 and zero padding 1, instance
      normalization, ReLU; halves the size, doubles the filters.
    - `Rk`: residual block, `x + IN(conv(pad(ReLU(IN(conv(pad(x)))))))` with
      reflection padding 1 and 3x3 convolutions.
    - `uk`: 3x3 transposed convolution with stride 2, instance normalization,
      ReLU; doubles the size, halves the filters.
    - the last `c7s1-3` has no normalization and ends in `tanh`.

    Layer for layer this is `ResnetGenerator` of the authors' PyTorch code
    (junyanz/pytorch-CycleGAN-and-pix2pix, `models/networks.py`) with its
    default affine-free instance normalization: every convolution has a bias,
    weights start from `N(0, 0.02)`, and the padding matches PyTorch pixel
    for pixel (the transposed convolutions are computed `valid` and cropped
    by their first row and column, as PyTorch's `padding=1,
    output_padding=1`; Keras' `padding="same"` would shift them by a
    pixel), so a PyTorch checkpoint's weights can be loaded into it.
    The paper uses 9 residual blocks at 256x256 and 6 at 128x128; with 64
    filters and 3 channels the 9-block network has 11,378,179 parameters.

    The network is fully convolutional: it takes any height and width that
    are multiples of `2**num_downsamples` (4 by default) and leave at least
    2 pixels at the lowest resolution, where the residual blocks reflect
    by 1 (so at least 8 by default; PyTorch has the same limits). Other
    sizes fail or come out a different size when the model is called; the
    model cannot check sizes that are only known then.

    Args:
        channels: int >= 1, channels of the input and output images.
        num_residual_blocks: int >= 0, residual blocks at the lowest
            resolution (paper: 9 at 256x256, 6 at 128x128).
        base_filters: int >= 1, filters of the first convolution (paper: 64).
        num_downsamples: int >= 0, stride-2 convolutions before the residual
            blocks and transposed convolutions after them (paper: 2).
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
        ValueError: if `channels`/`base_filters` is not a positive int, or
            `num_residual_blocks`/`num_downsamples` is not an int >= 0.

    Reference:
        Zhu, Park, Isola & Efros, "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Sec. 4 and
        Appendix 7.2. Johnson, Alahi & Fei-Fei, "Perceptual Losses for
        Real-Time Style Transfer and Super-Resolution", ECCV 2016.

    Example:

    >>> generator = ResNetGenerator(num_residual_blocks=2, base_filters=8)
    >>> generator(keras.ops.zeros((2, 32, 40, 3))).shape
    TensorShape([2, 32, 40, 3])
    """

    def __init__(
        self,
        channels=3,
        num_residual_blocks=9,
        base_filters=64,
        num_downsamples=2,
        **kwargs,
    ):
        check_positive_ints(channels=channels, base_filters=base_filters)
        _check_non_negative_ints(
            num_residual_blocks=num_residual_blocks, num_downsamples=num_downsamples
        )
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

        def conv(filters, kernel_size, name, strides=1):
            return keras.layers.Conv2D(
                filters,
                kernel_size,
                strides=strides,
                kernel_initializer=initializer,
                name=name,
            )

        # === Layers ===
        stem = [
            ReflectionPadding2D(3, name="stem_pad"),
            conv(base_filters, 7, name="stem_conv"),
            InstanceNormalization(name="stem_norm"),
            keras.layers.ReLU(name="stem_relu"),
        ]
        downsampling = []
        for index in range(num_downsamples):
            prefix = f"downsample_{index}"
            downsampling += [
                keras.layers.ZeroPadding2D(1, name=f"{prefix}_pad"),
                conv(base_filters * 2 ** (index + 1), 3, strides=2, name=f"{prefix}_conv"),
                InstanceNormalization(name=f"{prefix}_norm"),
                keras.layers.ReLU(name=f"{prefix}_relu"),
            ]
        residual_filters = base_filters * 2**num_downsamples
        residual_blocks = []
        for index in range(num_residual_blocks):
            prefix = f"residual_block_{index}"
            residual_blocks.append(
                (
                    [
                        ReflectionPadding2D(1, name=f"{prefix}_pad_0"),
                        conv(residual_filters, 3, name=f"{prefix}_conv_0"),
                        InstanceNormalization(name=f"{prefix}_norm_0"),
                        keras.layers.ReLU(name=f"{prefix}_relu"),
                        ReflectionPadding2D(1, name=f"{prefix}_pad_1"),
                        conv(residual_filters, 3, name=f"{prefix}_conv_1"),
                        InstanceNormalization(name=f"{prefix}_norm_1"),
                    ],
                    keras.layers.Add(name=f"{prefix}_add"),
                )
            )
        upsampling = []
        for index in range(num_downsamples):
            prefix = f"upsample_{index}"
            upsampling += [
                # A `valid` 3x3 transposed convolution with stride 2 gives
                # 2 * size + 1; dropping the first row and column leaves
                # 2 * size, aligned as PyTorch's padding=1, output_padding=1.
                keras.layers.Conv2DTranspose(
                    base_filters * 2 ** (num_downsamples - index - 1),
                    3,
                    strides=2,
                    kernel_initializer=initializer,
                    name=f"{prefix}_conv",
                ),
                keras.layers.Cropping2D(((1, 0), (1, 0)), name=f"{prefix}_crop"),
                InstanceNormalization(name=f"{prefix}_norm"),
                keras.layers.ReLU(name=f"{prefix}_relu"),
            ]
        head = [
            ReflectionPadding2D(3, name="head_pad"),
            conv(channels, 7, name="head_conv"),
            keras.layers.Activation("tanh", dtype="float32", name="translated_images"),
        ]

        # === Functional model ===
        images = keras.Input(shape=(None, None, channels), name="images")
        x = apply_layers(images, stem + downsampling)
        for block, add in residual_blocks:
            x = add([x, apply_layers(x, block)])
        translated_images = apply_layers(x, upsampling + head)

        # === Config ===
        config = {
            "channels": channels,
            "num_residual_blocks": num_residual_blocks,
            "base_filters": base_filters,
            "num_downsamples": num_downsamples,
        }
        super().__init__(inputs=images, outputs=translated_images, config=config, **kwargs)
