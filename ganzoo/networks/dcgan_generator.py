"""The DCGAN generator (Radford et al. 2016)."""

import keras

from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.dcgan_geometry import dcgan_geometry


@keras.saving.register_keras_serializable(package="ganzoo")
class DCGANGenerator(keras.Model):
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
        initial_size, num_upsamplings = dcgan_geometry(image_shape)
        channels = image_shape[-1]
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

        # === Layers ===
        initial_filters = base_filters * 2 ** (num_upsamplings - 1)
        projection = keras.layers.Dense(
            initial_size * initial_size * initial_filters,
            use_bias=False,
            kernel_initializer=initializer,
            name="projection",
        )
        reshape = keras.layers.Reshape(
            (initial_size, initial_size, initial_filters),
            name="reshape",
        )
        blocks = []
        for index in range(num_upsamplings - 1):
            filters = base_filters * 2 ** (num_upsamplings - 2 - index)
            blocks.append(
                keras.layers.Conv2DTranspose(
                    filters,
                    kernel_size,
                    strides=2,
                    padding="same",
                    use_bias=False,
                    kernel_initializer=initializer,
                    name=f"upsample_{index}",
                )
            )
        output_conv = keras.layers.Conv2DTranspose(
            channels,
            kernel_size,
            strides=2,
            padding="same",
            kernel_initializer=initializer,
            name=f"upsample_{num_upsamplings - 1}",
        )

        def batch_norm(name):
            return keras.layers.BatchNormalization(
                synchronized=synchronized_batch_norm,
                gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
                name=name,
            )

        # === Functional model ===
        z = keras.Input(shape=(latent_dim,), name="z")
        x = reshape(projection(z))
        x = keras.layers.ReLU()(batch_norm("projection_bn")(x))
        for index, block in enumerate(blocks):
            x = block(x)
            x = batch_norm(f"upsample_{index}_bn")(x)
            x = keras.layers.ReLU()(x)
        x = output_conv(x)
        # The output stays float32 under mixed precision: images leave here.
        images = keras.layers.Activation("tanh", dtype="float32", name="images")(x)
        super().__init__(inputs=z, outputs=images, **kwargs)

        # === Config ===
        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.base_filters = base_filters
        self.kernel_size = kernel_size
        self.synchronized_batch_norm = synchronized_batch_norm

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "latent_dim": self.latent_dim,
            "image_shape": self.image_shape,
            "base_filters": self.base_filters,
            "kernel_size": self.kernel_size,
            "synchronized_batch_norm": self.synchronized_batch_norm,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
