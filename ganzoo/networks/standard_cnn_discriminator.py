"""The "standard CNN" discriminator of SN-GAN, as StudioGAN's DCGAN (`deep_conv`) builds it."""

import keras

from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers
from ganzoo.networks.standard_cnn_generator import check_standard_cnn_shape
from ganzoo.networks.standard_cnn_generator import standard_cnn_batch_norm


@keras.saving.register_keras_serializable(package="ganzoo")
class StandardCNNDiscriminator(Network):
    """The standard CNN discriminator: an image in `[-1, 1]` to one real/fake logit.

    The CIFAR-10 discriminator of Miyato et al. 2018 (Table 3 (b), "standard
    CNN") in the form of StudioGAN's DCGAN backbone (`src/models/deep_conv.py`):
    three blocks of a 3x3 convolution of stride 1 and a 4x4 convolution of
    stride 2 (`1, 2, 4 x base_filters` channels), then a 3x3 convolution to
    `8 x base_filters`; batch normalization and the activation after every
    convolution; the sum over height and width; a dense layer to one logit.
    StudioGAN keeps batch normalization and ReLU in this discriminator where
    Miyato et al. have LeakyReLU 0.1 and spectral normalization; it is the
    default here, `leaky_relu_slope=0.1` gives Miyato et al.'s activation.
    Every layer has a bias; kernels start orthogonal, biases at zero; batch
    normalization uses PyTorch's momentum 0.1 and StudioGAN's epsilon 1e-4.

    Args:
        image_shape: `(size, size, channels)` of the input; size a multiple
            of 8.
        base_filters: int, channels of the first block (StudioGAN: 64).
        leaky_relu_slope: float >= 0, negative slope of the activation; 0 is
            ReLU (StudioGAN's default `d_act_fn`).
        synchronized_batch_norm: bool. If True, batch statistics are computed
            over the global batch under `tf.distribute`.
        **kwargs: passed to `keras.Model` (e.g. `name`). The logits stay
            float32 under a mixed-precision policy.

    Inputs:
        `images`: float tensor of shape `(batch, size, size, channels)`,
        values in `[-1, 1]`.

    Outputs:
        float32 tensor of shape `(batch, 1)`: logits, unbounded reals.

    Raises:
        ValueError: if `image_shape` is not square with a size divisible by
            8, `base_filters` is not a positive int or `leaky_relu_slope` is
            negative.

    Reference:
        Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for
        Generative Adversarial Networks", ICLR 2018, Appendix B.4, Table 3.
        Kang et al., "StudioGAN: A Taxonomy and Benchmark of GANs for Image
        Synthesis", TPAMI 2023 (the DCGAN row).

    Example:

    >>> discriminator = StandardCNNDiscriminator()
    >>> discriminator(keras.ops.zeros((2, 32, 32, 3))).shape
    TensorShape([2, 1])
    """

    def __init__(
        self,
        image_shape=(32, 32, 3),
        base_filters=64,
        leaky_relu_slope=0.0,
        synchronized_batch_norm=True,
        **kwargs,
    ):
        check_positive_ints(base_filters=base_filters)
        image_shape = check_standard_cnn_shape(image_shape)
        if (
            not isinstance(leaky_relu_slope, (int, float))
            or isinstance(leaky_relu_slope, bool)
            or leaky_relu_slope < 0
        ):
            raise ValueError(
                f"`leaky_relu_slope` must be a float >= 0. Received: {leaky_relu_slope!r}"
            )

        # === Layers ===
        convolutions = []
        for index, multiple in enumerate((1, 2, 4)):
            convolutions += [
                (f"block_{index}_conv", multiple * base_filters, 3, 1),
                (f"block_{index}_downsample", multiple * base_filters, 4, 2),
            ]
        convolutions.append(("conv", 8 * base_filters, 3, 1))
        stack = []
        for name, filters, kernel_size, strides in convolutions:
            stack += [
                keras.layers.Conv2D(
                    filters,
                    kernel_size,
                    strides=strides,
                    padding="same",
                    kernel_initializer="orthogonal",
                    name=name,
                ),
                standard_cnn_batch_norm(f"{name}_bn", synchronized_batch_norm),
                keras.layers.LeakyReLU(negative_slope=leaky_relu_slope),
            ]
        output_dense = keras.layers.Dense(
            1, kernel_initializer="orthogonal", dtype="float32", name="logits"
        )

        # === Functional model ===
        images = keras.Input(shape=image_shape, name="images")
        # StudioGAN's torch.sum(h, dim=[2, 3]): a sum, not a mean, over space.
        features = keras.ops.sum(apply_layers(images, stack), axis=(1, 2))
        logits = output_dense(features)

        # === Config ===
        config = {
            "image_shape": image_shape,
            "base_filters": base_filters,
            "leaky_relu_slope": leaky_relu_slope,
            "synchronized_batch_norm": synchronized_batch_norm,
        }
        super().__init__(inputs=images, outputs=logits, config=config, **kwargs)
