"""The DCGAN generator (Radford et al. 2016)."""

import keras

from ganzoo.networks.dcgan_blocks import dcgan_generator_layers
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers


@keras.saving.register_keras_serializable(package="ganzoo")
class DCGANGenerator(Network):
    """DCGAN generator: latent `z` to an image in `[-1, 1]`.

    A dense projection of `z` to an `initial_size x initial_size` feature map,
    then strided transposed convolutions that double the size and halve the
    filters, batch normalization and ReLU after every layer but the last, and
    `tanh` at the output (Radford et al. 2016, Sec. 3 and Fig. 1). Weights are
    initialised from `N(0, 0.02)` as in the paper. With
    `image_shape=(64, 64, 3)` and `base_filters=128` this is the paper's
    LSUN generator (4x4x1024 -> 64x64x3); 28x28 starts from 7x7.

    Args:
        latent_dim: int, size of `z`. The paper uses 100.
        image_shape: `(height, width, channels)` of the output, square, with a
            size such as 28, 32 or 64.
        base_filters: int, filters of the last hidden layer; each earlier
            layer has twice as many.
        kernel_size: int, transposed convolution kernel size (paper: 5).
        synchronized_batch_norm: bool. If True, batch statistics are computed
            over the global batch under `tf.distribute`, so that a step on N
            replicas equals a step on one device; costs one all-reduce per
            batch normalization layer.
        **kwargs: passed to `keras.Model` (e.g. `name`). Mixed precision comes
            from the global `keras.mixed_precision` policy; the output stays
            float32.

    Inputs:
        `z`: float32 tensor of shape `(batch, latent_dim)`, usually `N(0, I)`.

    Outputs:
        float32 tensor of shape `(batch, height, width, channels)`, values in
        `[-1, 1]`.

    Raises:
        ValueError: if `image_shape` is not a square DCGAN size, or
            `latent_dim`/`base_filters`/`kernel_size` is not a positive int.

    Reference:
        Radford, Metz & Chintala, "Unsupervised Representation Learning with
        Deep Convolutional Generative Adversarial Networks", ICLR 2016.

    Example:

    >>> generator = DCGANGenerator(latent_dim=100, image_shape=(28, 28, 1))
    >>> generator(keras.random.normal((2, 100))).shape
    TensorShape([2, 28, 28, 1])
    """

    def __init__(
        self,
        latent_dim=100,
        image_shape=(28, 28, 1),
        base_filters=64,
        kernel_size=5,
        synchronized_batch_norm=True,
        **kwargs,
    ):
        check_positive_ints(
            latent_dim=latent_dim, base_filters=base_filters, kernel_size=kernel_size
        )
        image_shape = tuple(image_shape)

        # === Layers ===
        stack = dcgan_generator_layers(
            image_shape, base_filters, kernel_size, synchronized_batch_norm
        )

        # === Functional model ===
        z = keras.Input(shape=(latent_dim,), name="z")
        images = apply_layers(z, stack)

        # === Config ===
        config = {
            "latent_dim": latent_dim,
            "image_shape": image_shape,
            "base_filters": base_filters,
            "kernel_size": kernel_size,
            "synchronized_batch_norm": synchronized_batch_norm,
        }
        super().__init__(inputs=z, outputs=images, config=config, **kwargs)
