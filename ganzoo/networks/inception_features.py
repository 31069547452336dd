"""Keras' ImageNet Inception-v3 pool features of resized images (not the FID network)."""

import os

import keras

INCEPTION_SIZE = 299
"""Height and width Inception-v3 sees; inputs are resized to it."""

FEATURE_DIM = 2048
"""Size of Inception-v3's global-average-pool ("pool3") features."""

# The file `keras.applications.InceptionV3(include_top=False, weights="imagenet")`
# downloads, with Keras' own URL and MD5; fetching it here rather than inside
# Keras lets a failed download be reported with the offline remedy.
WEIGHTS_FILE_NAME = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + WEIGHTS_FILE_NAME
)
WEIGHTS_MD5 = "bcbd6486424b2319ff4ef7d526e38f63"


@keras.saving.register_keras_serializable(package="ganzoo")
class InceptionFeatures(keras.Model):
    """Keras' ImageNet Inception-v3 pool features of images in `[-1, 1]`.

    Images are resized to 299x299 with bilinear interpolation (no
    antialiasing), grayscale images are repeated to three channels, and
    `keras.applications.InceptionV3(include_top=False, pooling="avg")` maps
    them to its 2048-d global-average-pool features: the layer Heusel et al.
    compute the Fréchet Inception Distance on, but of another network (see
    the note). The input range `[-1, 1]`
    is exactly Inception's own preprocessing (`inception_v3.preprocess_input`
    maps `[0, 255]` to `[-1, 1]`), so no further scaling happens.

    With `weights="imagenet"` the weights file is fetched with
    `keras.utils.get_file` into Keras' cache,
    `~/.keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`
    (or under `$KERAS_HOME`). Offline, copy that file there first, or use the
    domain features of `ganzoo.networks.DomainClassifier` instead.

    Note: this is not the FID network. Keras' ImageNet Inception-v3 has other
    weights than the 2015 TF-slim Inception graph of the reference FID code
    (Heusel et al.'s `classify_image_graph_def.pb`, also in pytorch-fid),
    and this resize is not that code's: FIDs on these features are
    comparable with each other, not with published numbers. Call them
    `fid_keras_inception`, not FID.

    Args:
        weights: `"imagenet"`, None (random initialization, for tests), or the
            path of a weights file for `InceptionV3(include_top=False)`.
        image_shape: `(height, width, channels)` of the input, channels 1 or 3;
            height and width may be None (any size).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Inputs:
        `images`: float tensor of shape `(batch, height, width, channels)`,
        values in `[-1, 1]`.

    Outputs:
        float32 tensor of shape `(batch, 2048)`: pool features, values >= 0.

    Raises:
        ValueError: if `image_shape` is not `(height, width, 1 or 3)`, or
            `weights` is not `"imagenet"`, None or an existing file.
        RuntimeError: if `weights="imagenet"` and the weights file could not be
            downloaded; the message says where to put it by hand.

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium", NeurIPS 2017, Sec. 4 (FID); Szegedy et
        al., "Rethinking the Inception Architecture for Computer Vision", CVPR
        2016.

    Example:

    >>> extractor = InceptionFeatures(weights=None, image_shape=(28, 28, 1))
    >>> extractor(keras.ops.zeros((2, 28, 28, 1))).shape
    TensorShape([2, 2048])
    """

    def __init__(self, weights="imagenet", image_shape=(None, None, 3), **kwargs):
        image_shape = _check_image_shape(image_shape)
        weights_path = _weights_path(weights)

        # === Layers ===
        resize = keras.layers.Resizing(
            INCEPTION_SIZE, INCEPTION_SIZE, interpolation="bilinear", name="resize"
        )
        inception = keras.applications.InceptionV3(
            include_top=False,
            weights=weights_path,
            input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3),
            pooling="avg",
        )

        # === Functional model ===
        images = keras.Input(shape=image_shape, name="images")
        x = resize(images)
        if image_shape[-1] == 1:
            x = keras.layers.Concatenate(axis=-1, name="grayscale_to_rgb")([x, x, x])
        features = inception(x)
        super().__init__(inputs=images, outputs=features, **kwargs)

        # === Config ===
        self.weights_source = weights
        self.image_shape = image_shape

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "weights": self.weights_source,
            "image_shape": self.image_shape,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _weights_path(weights):
    """Return what to pass as `InceptionV3(weights=...)`: None or a file path."""
    if weights is None:
        return None
    if weights == "imagenet":
        try:
            return keras.utils.get_file(
                WEIGHTS_FILE_NAME, WEIGHTS_URL, cache_subdir="models", file_hash=WEIGHTS_MD5
            )
        except Exception as error:
            # `get_file` reports network failures as a bare `Exception`.
            cache = os.path.join(
                os.environ.get("KERAS_HOME", os.path.join("~", ".keras")), "models"
            )
            raise RuntimeError(
                "Could not download the ImageNet weights of Inception-v3 from "
                f"{WEIGHTS_URL} ({type(error).__name__}: {error}). Keras caches them as "
                f"'{os.path.join(cache, WEIGHTS_FILE_NAME)}'. Offline, copy that file "
                "there from a machine with network access (it is what "
                "`keras.applications.InceptionV3(include_top=False, weights='imagenet')` "
                "downloads), or compare images with the domain-classifier features of "
                "`ganzoo.networks.DomainClassifier` instead."
            ) from error
    if isinstance(weights, (str, os.PathLike)) and os.path.isfile(weights):
        return os.fspath(weights)
    raise ValueError(
        "`weights` must be 'imagenet', None or the path of an existing weights file. "
        f"Received: {weights!r}."
    )


def _check_image_shape(image_shape):
    """Return `image_shape` as a tuple, or raise `ValueError`."""
    try:
        image_shape = tuple(image_shape)
    except TypeError:
        image_shape = None
    if (
        image_shape is None
        or len(image_shape) != 3
        or not all(
            size is None or (isinstance(size, int) and not isinstance(size, bool) and size > 0)
            for size in image_shape[:2]
        )
        or image_shape[2] not in (1, 3)
        or isinstance(image_shape[2], bool)
    ):
        raise ValueError(
            "`image_shape` must be (height, width, channels) with 1 or 3 channels and "
            f"positive (or None) height and width. Received: {image_shape!r}."
        )
    return image_shape
