"""The conditional DCGAN discriminator: label by projection or by an input channel."""

import keras

from ganzoo.layers.spectral_normalization import SpectralNormalization
from ganzoo.networks.dcgan_blocks import dcgan_discriminator_layers
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.dcgan_geometry import dcgan_geometry
from ganzoo.networks.network import Network
from ganzoo.networks.network import apply_layers

CONDITIONING_SCHEMES = ("projection", "concat")


@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalDCGANDiscriminator(Network):
    """Conditional DCGAN discriminator: an image and its label to one logit.

    The image path is the DCGAN discriminator of
    `ganzoo.networks.DCGANDiscriminator` (strided convolutions, LeakyReLU,
    batch normalization on all but the first layer, Radford et al. 2016,
    Sec. 3); `conditioning` chooses how the label enters:

    - `"projection"` (Miyato & Koyama 2018, Eq. 3): with `phi(x)` the
      flattened last convolutional features and `psi` a linear layer,
      `logit = psi(phi(x)) + <embed(y), phi(x)>`. The embedding therefore has
      the size of `phi(x)` (`initial_size**2 * base_filters *
      2**(num_downsamplings - 1)`, e.g. 7 * 7 * 128 for 28x28 and 64 filters)
      and `embedding_dim` is not used. It starts Glorot-uniform, as in the
      authors' code.
    - `"concat"`: the label embedding (`embedding_dim` numbers, from
      `N(0, 1)`) goes through a dense layer to an `(height, width, 1)` map
      that is concatenated to the image as an extra channel before the first
      convolution: the usual convolutional reading of Mirza & Osindero 2014,
      Sec. 4.1, where `y` is an extra input of the discriminator.

    Convolution and dense weights start from `N(0, 0.02)` as in DCGAN.

    Args:
        num_classes: int, number of classes; labels are in
            `[0, num_classes)`.
        image_shape: `(height, width, channels)` of the input, square, with a
            size such as 28, 32 or 64.
        base_filters: int, filters of the first convolution; each later layer
            has twice as many.
        kernel_size: int, convolution kernel size (DCGAN: 5).
        conditioning: `"projection"` or `"concat"`, see above.
        embedding_dim: int, size of the label embedding for `"concat"`.
        leaky_relu_slope: float, negative slope of the LeakyReLU (DCGAN: 0.2).
        synchronized_batch_norm: bool. If True, batch statistics are computed
            over the global batch under `tf.distribute`, so that a step on N
            replicas equals a step on one device.
        spectral_normalization: bool. If True, as in the SN-GAN projection
            discriminator (Miyato & Koyama 2018): every convolution and dense
            layer (`psi`, `label_map`, the output) is wrapped in
            `ganzoo.layers.SpectralNormalization` and batch normalization is
            dropped, so that the examples of a batch do not interact (what
            the gradient penalties need). The label embedding is not
            normalized.
        batch_normalization: bool. False drops batch normalization without
            spectral normalization, for the gradient penalties. Ignored when
            `spectral_normalization` is True.
        **kwargs: passed to `keras.Model` (e.g. `name`). The logits stay
            float32 under a mixed-precision policy.

    Inputs:
        `images`: float tensor of shape `(batch, height, width, channels)`,
        values in `[-1, 1]`.
        `label`: int32 tensor of shape `(batch,)`, values in
        `[0, num_classes)`. Call with `[images, label]`.

    Outputs:
        float32 tensor of shape `(batch, 1)`: logits, unbounded reals.

    Raises:
        ValueError: if `conditioning` is not one of the two schemes,
            `image_shape` is not a square DCGAN size, or a size argument is
            not a positive int.

    Reference:
        Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018,
        Eq. 3. Mirza & Osindero, "Conditional Generative Adversarial Nets",
        arXiv:1411.1784, 2014, Sec. 4.1. Radford, Metz & Chintala, ICLR 2016.

    Example:

    >>> discriminator = ConditionalDCGANDiscriminator(num_classes=10)
    >>> images = keras.ops.zeros((2, 28, 28, 1))
    >>> discriminator([images, keras.ops.array([3, 7], "int32")]).shape
    TensorShape([2, 1])
    """

    def __init__(
        self,
        num_classes=10,
        image_shape=(28, 28, 1),
        base_filters=64,
        kernel_size=5,
        conditioning="projection",
        embedding_dim=50,
        leaky_relu_slope=0.2,
        synchronized_batch_norm=True,
        spectral_normalization=False,
        batch_normalization=True,
        **kwargs,
    ):
        check_positive_ints(
            num_classes=num_classes,
            base_filters=base_filters,
            kernel_size=kernel_size,
            embedding_dim=embedding_dim,
        )
        if conditioning not in CONDITIONING_SCHEMES:
            raise ValueError(
                f"`conditioning` must be one of {CONDITIONING_SCHEMES}. "
                f"Received: conditioning={conditioning!r}"
            )
        image_shape = tuple(image_shape)
        final_size, num_downsamplings = dcgan_geometry(image_shape)
        height, width, _ = image_shape
        num_features = final_size * final_size * base_filters * 2 ** (num_downsamplings - 1)
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

        # === Layers ===
        if not isinstance(spectral_normalization, bool):
            raise TypeError(
                "`spectral_normalization` must be a bool. Received: "
                f"{spectral_normalization!r} of type {type(spectral_normalization).__name__}."
            )

        def normalized(layer):
            if not spectral_normalization:
                return layer
            name = layer.name
            layer.name = f"{name}_wrapped"
            return SpectralNormalization(layer, name=name)

        stack = dcgan_discriminator_layers(
            image_shape,
            base_filters,
            kernel_size,
            leaky_relu_slope,
            synchronized_batch_norm,
            spectral_normalization=spectral_normalization,
            batch_normalization=batch_normalization,
        )
        if conditioning == "projection":
            label_embedding = keras.layers.Embedding(
                num_classes,
                num_features,
                embeddings_initializer="glorot_uniform",
                dtype="float32",
                name="label_embedding",
            )
            psi = normalized(
                keras.layers.Dense(1, kernel_initializer=initializer, dtype="float32", name="psi")
            )
            projection = keras.layers.Dot(axes=1, dtype="float32", name="projection")
            output = keras.layers.Add(dtype="float32", name="logits")
        else:
            label_embedding = keras.layers.Embedding(
                num_classes,
                embedding_dim,
                embeddings_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0),
                name="label_embedding",
            )
            label_map = normalized(
                keras.layers.Dense(height * width, kernel_initializer=initializer, name="label_map")
            )
            label_reshape = keras.layers.Reshape((height, width, 1), name="label_map_reshape")
            concatenate = keras.layers.Concatenate(name="image_and_label")
            output = normalized(
                keras.layers.Dense(
                    1, kernel_initializer=initializer, dtype="float32", name="logits"
                )
            )

        # === Functional model ===
        images = keras.Input(shape=image_shape, name="images")
        label = keras.Input(shape=(), dtype="int32", name="label")
        x = images
        if conditioning == "concat":
            x = concatenate([x, label_reshape(label_map(label_embedding(label)))])
        phi = apply_layers(x, stack)
        if conditioning == "projection":
            # Eq. 3: the unconditional term plus the inner product of the
            # class embedding with the same features.
            logits = output([psi(phi), projection([label_embedding(label), phi])])
        else:
            logits = output(phi)

        # === Config ===
        config = {
            "num_classes": num_classes,
            "image_shape": image_shape,
            "base_filters": base_filters,
            "kernel_size": kernel_size,
            "conditioning": conditioning,
            "embedding_dim": embedding_dim,
            "leaky_relu_slope": leaky_relu_slope,
            "synchronized_batch_norm": synchronized_batch_norm,
            "spectral_normalization": spectral_normalization,
            "batch_normalization": batch_normalization,
        }
        super().__init__(inputs=[images, label], outputs=logits, config=config, **kwargs)
