"""The DCGAN discriminator (Radford et al. 2016)."""

import keras

from ganzoo.layers.spectral_normalization import SpectralNormalization
from ganzoo.networks.dcgan_blocks import dcgan_discriminator_layers
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers


@keras.saving.register_keras_serializable(package="ganzoo")
class DCGANDiscriminator(Network):
    """DCGAN discriminator: an image in `[-1, 1]` to one real/fake logit.

    Strided convolutions that halve the size and double the filters, LeakyReLU
    (slope 0.2) everywhere, batch normalization on every layer but the first,
    no pooling, and a single linear output (Radford et al. 2016, Sec. 3). The
    output is a logit: apply a sigmoid for `D(x)`, or feed it to the losses in
    `ganzoo.losses`, which take logits. Weights start from `N(0, 0.02)`.

    With `spectral_normalization=True` the discriminator is SN-GAN's (Miyato
    et al. 2018): every convolution and the output layer are wrapped in
    `ganzoo.layers.SpectralNormalization`, which bounds each layer's
    spectral norm near 1 and so the network's Lipschitz constant, and batch
    normalization is dropped (every convolution gets a bias instead), as in
    the SN-GAN discriminators. Without batch normalization the examples of a
    batch do not interact, which the gradient penalties of
    `ganzoo.losses.penalties` require; `synchronized_batch_norm` is then
    unused. Each wrapped layer adds its output size to the non-trainable
    parameters (the power-iteration vector `u`, kept in checkpoints).

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
        spectral_normalization: bool. If True, spectrally normalized layers
            and no batch normalization (SN-GAN); False (the default) is the
            DCGAN of the paper.
        batch_normalization: bool. False drops batch normalization without
            spectral normalization (every convolution gets a bias): the
            WGAN-GP critic (Gulrajani et al. 2017, Sec. 4), for the gradient
            penalties. Ignored when `spectral_normalization` is True.
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
        TypeError: if `spectral_normalization` is not a bool.

    Reference:
        Radford, Metz & Chintala, "Unsupervised Representation Learning with
        Deep Convolutional Generative Adversarial Networks", ICLR 2016.
        Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for
        Generative Adversarial Networks", ICLR 2018 (`spectral_normalization`).

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
        spectral_normalization=False,
        batch_normalization=True,
        **kwargs,
    ):
        check_positive_ints(base_filters=base_filters, kernel_size=kernel_size)
        if not isinstance(spectral_normalization, bool):
            raise TypeError(
                "`spectral_normalization` must be a bool. Received: "
                f"{spectral_normalization!r} of type {type(spectral_normalization).__name__}."
            )
        image_shape = tuple(image_shape)

        # === Layers ===
        stack = dcgan_discriminator_layers(
            image_shape,
            base_filters,
            kernel_size,
            leaky_relu_slope,
            synchronized_batch_norm,
            spectral_normalization=spectral_normalization,
            batch_normalization=batch_normalization,
        )
        output_dense = keras.layers.Dense(
            1,
            kernel_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=0.02),
            dtype="float32",
            name="logits_wrapped" if spectral_normalization else "logits",
        )
        if spectral_normalization:
            output_dense = SpectralNormalization(output_dense, name="logits")

        # === Functional model ===
        images = keras.Input(shape=image_shape, name="images")
        logits = output_dense(apply_layers(images, stack))

        # === Config ===
        config = {
            "image_shape": image_shape,
            "base_filters": base_filters,
            "kernel_size": kernel_size,
            "leaky_relu_slope": leaky_relu_slope,
            "synchronized_batch_norm": synchronized_batch_norm,
            "spectral_normalization": spectral_normalization,
            "batch_normalization": batch_normalization,
        }
        super().__init__(inputs=images, outputs=logits, config=config, **kwargs)
