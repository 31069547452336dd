"""A small CNN classifier whose penultimate layer gives domain features for FID."""

import keras

from ganzoo.networks.network import Network

FEATURES_LAYER_NAME = "features"
"""Name of the penultimate `Dense` layer whose output is the feature vector."""


@keras.saving.register_keras_serializable(package="ganzoo")
class DomainClassifier(Network):
    """A small CNN classifier on images in `[-1, 1]`, and its feature extractor.

    `num_blocks` convolution blocks, each `convolutions_per_block` times
    `Conv2D(3x3) -> BatchNormalization -> ReLU` with `base_filters * 2**block`
    filters, with a 2x2 max pooling (`padding="same"`, so odd sizes lose
    nothing) between blocks; then global
    average pooling, a `Dense(feature_dim)` layer with ReLU named `"features"`,
    dropout, and a `Dense(num_classes)` layer of logits. Global pooling makes
    the network work for any image size: 28x28x1 (MNIST, Fashion-MNIST),
    32x32x3 (CIFAR-10), or `(None, None, channels)` for variable sizes.

    The `"features"` activations are the "FID (domain features)" embedding: a
    Fréchet distance computed on them compares image sets by what a classifier
    of *this* domain has learned to tell apart, where the Inception-v3 pool
    features of `ganzoo.networks.InceptionFeatures` carry ImageNet's notion of
    similarity instead. Take them from `features_model`.

    Args:
        image_shape: `(height, width, channels)` of the input; height and
            width may be None for variable-size inputs.
        num_classes: int >= 2, the number of classes.
        base_filters: int >= 1, filters of the first convolution; each later
            block has twice as many.
        feature_dim: int >= 1, size of the `"features"` layer.
        dropout: float in `[0, 1)`, dropout rate between the features and the
            logits (active only in training).
        num_blocks: int >= 1, the number of convolution blocks. Three blocks
            take 28x28 down to 7x7 before the global pooling.
        convolutions_per_block: int >= 1, Conv-BN-ReLU layers per block. The
            Fashion-MNIST recipe uses 2 with `base_filters=16` (82k
            parameters, 0.916 test accuracy after 3 epochs).
        **kwargs: passed to `keras.Model` (e.g. `name`). The logits stay
            float32 under a mixed-precision policy.

    Inputs:
        `images`: float tensor of shape `(batch, height, width, channels)`,
        values in `[-1, 1]` (uint8 pixels `x` map to `x / 127.5 - 1`).

    Outputs:
        float32 tensor of shape `(batch, num_classes)`: logits, unbounded
        reals; apply a softmax for class probabilities. Train with
        `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.

    Raises:
        ValueError: if `image_shape` is not three sizes (positive ints, or None
            for height and width), or another argument is out of range.

    Batch normalization uses momentum 0.9, so its moving statistics settle
    within a few hundred steps.

    Example:

    >>> classifier = DomainClassifier(image_shape=(28, 28, 1), base_filters=8)
    >>> images = keras.ops.zeros((2, 28, 28, 1))
    >>> classifier(images).shape
    TensorShape([2, 10])
    >>> classifier.features_model(images).shape
    TensorShape([2, 128])
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        base_filters=32,
        feature_dim=128,
        dropout=0.3,
        num_blocks=3,
        convolutions_per_block=2,
        **kwargs,
    ):
        image_shape = _check_image_shape(image_shape)
        for name, value, minimum in (
            ("num_classes", num_classes, 2),
            ("base_filters", base_filters, 1),
            ("feature_dim", feature_dim, 1),
            ("num_blocks", num_blocks, 1),
            ("convolutions_per_block", convolutions_per_block, 1),
        ):
            if not _is_int(value) or value < minimum:
                raise ValueError(f"`{name}` must be an int >= {minimum}. Received: {value!r}.")
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float))
            or not 0.0 <= dropout < 1.0
        ):
            raise ValueError(f"`dropout` must be a float in [0, 1). Received: {dropout!r}.")

        # === Layers ===
        convolutions = [
            [
                keras.layers.Conv2D(
                    base_filters * 2**block,
                    3,
                    padding="same",
                    # Batch normalization supplies the offset.
                    use_bias=False,
                    name=f"block_{block}_conv_{index}",
                )
                for index in range(convolutions_per_block)
            ]
            for block in range(num_blocks)
        ]
        # Momentum 0.9 (Keras: 0.99) lets the moving statistics settle within a
        # few hundred steps, so that short runs already evaluate correctly.
        batch_norms = [
            [
                keras.layers.BatchNormalization(momentum=0.9, name=f"block_{block}_bn_{index}")
                for index in range(convolutions_per_block)
            ]
            for block in range(num_blocks)
        ]
        features_dense = keras.layers.Dense(
            feature_dim, activation="relu", name=FEATURES_LAYER_NAME
        )
        dropout_layer = keras.layers.Dropout(dropout, name="dropout")
        logits_dense = keras.layers.Dense(num_classes, dtype="float32", name="logits")

        # === Functional model ===
        images = keras.Input(shape=image_shape, name="images")
        x = images
        for block in range(num_blocks):
            if block > 0:
                x = keras.layers.MaxPooling2D(2, padding="same", name=f"block_{block}_pool")(x)
            for index in range(convolutions_per_block):
                x = batch_norms[block][index](convolutions[block][index](x))
                x = keras.layers.ReLU(name=f"block_{block}_relu_{index}")(x)
        x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
        features = features_dense(x)
        logits = logits_dense(dropout_layer(features))

        # === Config ===
        config = {
            "image_shape": image_shape,
            "num_classes": num_classes,
            "base_filters": base_filters,
            "feature_dim": feature_dim,
            "dropout": dropout,
            "num_blocks": num_blocks,
            "convolutions_per_block": convolutions_per_block,
        }
        super().__init__(inputs=images, outputs=logits, config=config, **kwargs)
        self._features_model = keras.Model(images, features, name=f"{self.name}_features")

    @property
    def features_model(self):
        """`keras.Model` from images to the `"features"` activations.

        It shares its layers (and weights) with the classifier, so it follows
        training. Input: float `(batch, height, width, channels)` in
        `[-1, 1]`; output: float `(batch, feature_dim)`, values >= 0 (after
        ReLU). Call it with `training=False` (the default of `predict`) to get
        the batch-normalization moving statistics.
        """
        return self._features_model


def _check_image_shape(image_shape):
    """Return `image_shape` as a tuple, or raise `ValueError`."""
    try:
        image_shape = tuple(image_shape)
    except TypeError:
        raise ValueError(
            f"`image_shape` must be (height, width, channels). Received: {image_shape!r}."
        ) from None
    if (
        len(image_shape) != 3
        or not all(size is None or (_is_int(size) and size > 0) for size in image_shape[:2])
        or not (_is_int(image_shape[2]) and image_shape[2] > 0)
    ):
        raise ValueError(
            "`image_shape` must be (height, width, channels) of positive ints, with "
            f"None allowed for height and width. Received: {image_shape!r}."
        )
    return image_shape


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)
