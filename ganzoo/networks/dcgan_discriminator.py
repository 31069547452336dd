"""The DCGAN discriminator (Radford et al. 2016)."""

import keras

from ganzoo.networks.dcgan_blocks import dcgan_discriminator_layers
from ganzoo.networks.dcgan_geometry import check_positive_ints


@keras.saving.register_keras_serializable(package="ganzoo")
class DCGANDiscriminator(keras.Model):
    """DCGAN discriminator: an image in `[-1, 1]` to one real/fake logit.

    Strided convolutions that halve the size and double the filters, LeakyReLU
    (slope 0.2) everywhere, batch normalization on every layer but the first,
    no pooling, and a single linear output (Radford et al. 2016, Sec. 3). The
    output is a logit: apply a sigmoid for `D(x)`, or feed it to the losses in
    `ganzoo.losses`, which take logits. Weights start from `N(0, 0.02)`.

    Args:
        image_shape: `(height, width, channels)` of the input, square, with a
            size such as 28, 32 or 64.
        base_filters: int, filters of the first convolution; each later layer
            has twice as many.
        kernel_size: int, convolution kernel size (paper: 5).
        leaky_relu_slope: float, negative slope of the LeakyReLU (paper: 0.2).
        synchronized_batch_norm: bool. If True, batch statistics are computed
            over the global batch under `tf.distribute`, so that a step on N
            replicas equals a step on one device.
        **kwargs: passed to `keras.Model` (e.g. `name`). The logits stay
            float32 under a mixed-precision policy.

    Inputs:
        `images`: float tensor of shape `(batch, height, width, channels)`,
        values in `[-1, 1]`.

    Outputs:
        float32 tensor of shape `(batch, 1)`: logits, unbounded reals.

    Raises:
        ValueError: if `image_shape` is not a square DCGAN size, or
            `base_filters`/`kernel_size` is not a positive int.

    Reference:
        Radford, Metz & Chintala, "Unsupervised Representation Learning with
        Deep Convolutional Generative Adversarial Networks", ICLR 2016.

    Example:

    >>> discriminator = DCGANDiscriminator(image_shape=(28, 28, 1))
    >>> discriminator(keras.ops.zeros((2, 28, 28, 1))).shape
    TensorShape([2, 1])
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        base_filters=64,
        kernel_size=5,
        leaky_relu_slope=0.2,
        synchronized_batch_norm=True,
        **kwargs,
    ):
        check_positive_ints(base_filters=base_filters, kernel_size=kernel_size)
        image_shape = tuple(image_shape)

        # === Layers ===
        stack = dcgan_discriminator_layers(
            image_shape, base_filters, kernel_size, leaky_relu_slope, synchronized_batch_norm
        )
        output_dense = keras.layers.Dense(
            1,
            kernel_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=0.02),
            dtype="float32",
            name="logits",
        )

        # === Functional model ===
        images = keras.Input(shape=image_shape, name="images")
        x = images
        for layer in stack:
            x = layer(x)
        logits = output_dense(x)
        super().__init__(inputs=images, outputs=logits, **kwargs)

        # === Config ===
        self.image_shape = image_shape
        self.base_filters = base_filters
        self.kernel_size = kernel_size
        self.leaky_relu_slope = leaky_relu_slope
        self.synchronized_batch_norm = synchronized_batch_norm

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "image_shape": self.image_shape,
            "base_filters": self.base_filters,
            "kernel_size": self.kernel_size,
            "leaky_relu_slope": self.leaky_relu_slope,
            "synchronized_batch_norm": self.synchronized_batch_norm,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
