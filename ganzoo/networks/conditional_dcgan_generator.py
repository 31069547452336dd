"""The conditional DCGAN generator (Mirza & Osindero 2014, Radford et al. 2016)."""

import keras

from ganzoo.networks.conditional_batch_normalization import ConditionalBatchNormalization
from ganzoo.networks.dcgan_blocks import dcgan_generator_layers
from ganzoo.networks.dcgan_geometry import check_positive_ints
from ganzoo.networks.network import Network

GENERATOR_CONDITIONING_SCHEMES = ("concat", "batch_norm")
"""Accepted values of `ConditionalDCGANGenerator(conditioning=...)`."""


@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalDCGANGenerator(Network):
    """Conditional DCGAN generator: latent `z` and a class label to an image.

    The body is the DCGAN generator of `ganzoo.networks.DCGANGenerator`: a
    dense projection to an `initial_size x initial_size` map, strided
    transposed convolutions with batch normalization and ReLU, and `tanh` at
    the output (Radford et al. 2016, Sec. 3). The label enters in one of two
    ways (`conditioning`):

    - `"concat"`: the label is embedded into `embedding_dim` numbers (a
      learned table, i.e. a dense layer on the one-hot `y`, starting from
      `N(0, 1)`, the scale of `z`) and concatenated to `z`: "y and z are
      combined in a joint hidden representation" (Mirza & Osindero 2014,
      Sec. 3.2 and 4.1).
    - `"batch_norm"`: every batch normalization is class-conditional, with a
      per-class scale and offset (`ConditionalBatchNormalization`; Miyato &
      Koyama 2018, Sec. 4), and `z` alone enters the first layer. On
      Fashion-MNIST this keeps the samples of one class diverse, where
      `"concat"` learns to ignore `z` within a class (see the README).

    Convolution and dense weights start from `N(0, 0.02)`.

    Args:
        latent_dim: int, size of `z`. The paper uses 100.
        num_classes: int, number of classes; labels are in
            `[0, num_classes)`.
        image_shape: `(height, width, channels)` of the output, square, with a
            size such as 28, 32 or 64.
        base_filters: int, filters of the last hidden layer; each earlier
            layer has twice as many.
        kernel_size: int, transposed convolution kernel size (DCGAN: 5).
        embedding_dim: int, size of the label embedding (`"concat"` only).
        conditioning: `"concat"` or `"batch_norm"`, see above.
        synchronized_batch_norm: bool. If True, batch statistics are computed
            over the global batch under `tf.distribute`, so that a step on N
            replicas equals a step on one device.
        **kwargs: passed to `keras.Model` (e.g. `name`). The output stays
            float32 under a mixed-precision policy.

    Inputs:
        `z`: float32 tensor of shape `(batch, latent_dim)`, usually `N(0, I)`.
        `label`: int32 tensor of shape `(batch,)`, values in
        `[0, num_classes)`. Call with `[z, label]`.

    Outputs:
        float32 tensor of shape `(batch, height, width, channels)`, values in
        `[-1, 1]`.

    Raises:
        ValueError: if `image_shape` is not a square DCGAN size, a size
            argument is not a positive int, or `conditioning` is unknown.

    Reference:
        Mirza & Osindero, "Conditional Generative Adversarial Nets",
        arXiv:1411.1784, 2014, Eq. 2 and Sec. 4.1. Miyato & Koyama, "cGANs
        with Projection Discriminator", ICLR 2018, Sec. 4. Radford, Metz & Chintala,
        "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.

    Example:

    >>> generator = ConditionalDCGANGenerator(latent_dim=100, num_classes=10)
    >>> z = keras.random.normal((2, 100))
    >>> generator([z, keras.ops.array([3, 7], "int32")]).shape
    TensorShape([2, 28, 28, 1])
    """

    def __init__(
        self,
        latent_dim=100,
        num_classes=10,
        image_shape=(28, 28, 1),
        base_filters=64,
        kernel_size=5,
        embedding_dim=50,
        synchronized_batch_norm=True,
        conditioning="concat",
        **kwargs,
    ):
        check_positive_ints(
            latent_dim=latent_dim,
            num_classes=num_classes,
            base_filters=base_filters,
            kernel_size=kernel_size,
            embedding_dim=embedding_dim,
        )
        if conditioning not in GENERATOR_CONDITIONING_SCHEMES:
            raise ValueError(
                f"`conditioning` must be one of {GENERATOR_CONDITIONING_SCHEMES}. "
                f"Received: conditioning={conditioning!r}"
            )
        image_shape = tuple(image_shape)

        # === Layers ===
        if conditioning == "concat":
            label_embedding = keras.layers.Embedding(
                num_classes,
                embedding_dim,
                embeddings_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0),
                name="label_embedding",
            )
            joint = keras.layers.Concatenate(name="joint")
            batch_norm = None
        else:

            def batch_norm(name):
                return ConditionalBatchNormalization(
                    num_classes, synchronized=synchronized_batch_norm, name=name
                )

        stack = dcgan_generator_layers(
            image_shape, base_filters, kernel_size, synchronized_batch_norm, batch_norm
        )

        # === Functional model ===
        z = keras.Input(shape=(latent_dim,), name="z")
        label = keras.Input(shape=(), dtype="int32", name="label")
        images = joint([z, label_embedding(label)]) if conditioning == "concat" else z
        for layer in stack:
            if isinstance(layer, ConditionalBatchNormalization):
                images = layer([images, label])
            else:
                images = layer(images)

        # === Config ===
        config = {
            "latent_dim": latent_dim,
            "num_classes": num_classes,
            "image_shape": image_shape,
            "base_filters": base_filters,
            "kernel_size": kernel_size,
            "embedding_dim": embedding_dim,
            "synchronized_batch_norm": synchronized_batch_norm,
            "conditioning": conditioning,
        }
        super().__init__(inputs=[z, label], outputs=images, config=config, **kwargs)
