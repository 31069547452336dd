"""The "standard CNN" generator of SN-GAN, as StudioGAN's DCGAN (`deep_conv`) builds it."""

import keras

from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers

# PyTorch's BatchNorm2d(eps=1e-4, momentum=0.1), StudioGAN's `batchnorm_2d`:
# Keras' momentum is the weight of the old statistics, 1 - PyTorch's.
BATCH_NORM_EPSILON = 1e-4
BATCH_NORM_MOMENTUM = 0.9


def check_standard_cnn_shape(image_shape):
    """Raises `ValueError` unless `image_shape` is square with a size divisible by 8.

    Returns:
        The shape as a tuple of ints.
    """
    image_shape = tuple(image_shape)
    if (
        len(image_shape) != 3
        or any(not isinstance(dim, int) or isinstance(dim, bool) or dim <= 0 for dim in image_shape)
        or image_shape[0] != image_shape[1]
        or image_shape[0] % 8
    ):
        raise ValueError(
            "`image_shape` must be (size, size, channels) with size a positive multiple of 8 "
            f"(32 for CIFAR-10, 48 for STL-10). Received: image_shape={image_shape!r}"
        )
    return image_shape


def standard_cnn_batch_norm(name, synchronized):
    """Batch normalization with StudioGAN's epsilon and momentum."""
    return keras.layers.BatchNormalization(
        momentum=BATCH_NORM_MOMENTUM,
        epsilon=BATCH_NORM_EPSILON,
        synchronized=synchronized,
        name=name,
    )


@keras.saving.register_keras_serializable(package="ganzoo")
class StandardCNNGenerator(Network):
    """The standard CNN generator: latent `z` to an image in `[-1, 1]`.

    The CIFAR-10 generator of Miyato et al. 2018 (Table 3 (a), "standard
    CNN"), in the form of StudioGAN's DCGAN backbone
    (`src/models/deep_conv.py`, config `src/configs/CIFAR10/DCGAN.yaml`): a
    dense layer from `z` to a `size/8 x size/8 x 8*base_filters` map (no
    normalization or activation after it, as in StudioGAN), three 4x4
    transposed convolutions of stride 2 to `4, 2, 1 x base_filters`
    channels, each followed by batch normalization and ReLU, then a 3x3
    convolution to the image channels and `tanh`. Every convolution and the
    dense layer have a bias; their kernels start orthogonal and the biases
    at zero (StudioGAN's `ortho` initialisation); batch normalization uses
    PyTorch's momentum 0.1 and StudioGAN's epsilon 1e-4. With the defaults
    this is StudioGAN's network for 32x32 RGB (4x4x512 -> 32x32x3).

    Args:
        latent_dim: int, size of `z` (StudioGAN: 128).
        image_shape: `(size, size, channels)` of the output; size a multiple
            of 8.
        base_filters: int, channels of the last transposed convolution; the
            earlier ones have 2x and 4x, the dense map 8x (StudioGAN: 64).
        synchronized_batch_norm: bool. If True, batch statistics are computed
            over the global batch under `tf.distribute`, so that a step on N
            replicas equals a step on one device.
        **kwargs: passed to `keras.Model` (e.g. `name`). Mixed precision comes
            from the global policy; the output stays float32.

    Inputs:
        `z`: float32 tensor of shape `(batch, latent_dim)`, usually `N(0, I)`.

    Outputs:
        float32 tensor of shape `(batch, size, size, channels)`, values in
        `[-1, 1]`.

    Raises:
        ValueError: if `image_shape` is not square with a size divisible by
            8, or `latent_dim`/`base_filters` is not a positive int.

    Reference:
        Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for
        Generative Adversarial Networks", ICLR 2018, Appendix B.4, Table 3.
        Kang et al., "StudioGAN: A Taxonomy and Benchmark of GANs for Image
        Synthesis", TPAMI 2023 (the DCGAN row).

    Example:

    >>> generator = StandardCNNGenerator()
    >>> generator(keras.random.normal((2, 128))).shape
    TensorShape([2, 32, 32, 3])
    """

    def __init__(
        self,
        latent_dim=128,
        image_shape=(32, 32, 3),
        base_filters=64,
        synchronized_batch_norm=True,
        **kwargs,
    ):
        check_positive_ints(latent_dim=latent_dim, base_filters=base_filters)
        image_shape = check_standard_cnn_shape(image_shape)
        initial_size = image_shape[0] // 8

        # === Layers ===
        stack = [
            keras.layers.Dense(
                initial_size * initial_size * 8 * base_filters,
                kernel_initializer="orthogonal",
                name="projection",
            ),
            keras.layers.Reshape((initial_size, initial_size, 8 * base_filters), name="reshape"),
        ]
        for index, multiple in enumerate((4, 2, 1)):
            stack += [
                keras.layers.Conv2DTranspose(
                    multiple * base_filters,
                    4,
                    strides=2,
                    padding="same",
                    kernel_initializer="orthogonal",
                    name=f"upsample_{index}",
                ),
                standard_cnn_batch_norm(f"upsample_{index}_bn", synchronized_batch_norm),
                keras.layers.ReLU(),
            ]
        stack += [
            keras.layers.Conv2D(
                image_shape[-1], 3, padding="same", kernel_initializer="orthogonal", name="to_image"
            ),
            keras.layers.Activation("tanh", dtype="float32", name="images"),
        ]

        # === Functional model ===
        z = keras.Input(shape=(latent_dim,), name="z")
        images = apply_layers(z, stack)

        # === Config ===
        config = {
            "latent_dim": latent_dim,
            "image_shape": image_shape,
            "base_filters": base_filters,
            "synchronized_batch_norm": synchronized_batch_norm,
        }
        super().__init__(inputs=z, outputs=images, config=config, **kwargs)
