"""In-graph checks of a SavedModel's inputs: the manifest's contracts, enforced.

The ONNX graph cannot hold assertions (tf2onnx drops `Assert`), so its
runtimes (`ganzoo.export.runtime` and friends) check in NumPy and the manifest
states each contract for other onnxruntime users. The SavedModel checks in
its own graph: a call that breaks a contract fails with
`tf.errors.InvalidArgumentError` naming it, instead of returning a wrong
answer (label -1 read as label 9, a 30x30 image returned as 32x32).

Each function takes the signature's input tensors in order and returns a list
of assertion ops for `ganzoo.export.saved_model.export_saved_model`.
"""

import tensorflow as tf

from ganzoo.images import RANGE_MARGIN


def finite_latents(z):
    """`z` holds no NaN or infinity (which would give NaN images)."""
    return [
        tf.debugging.Assert(
            tf.reduce_all(tf.math.is_finite(z)),
            ["`z` must be finite; it holds NaN or infinity."],
        )
    ]


def label_range(labels, num_classes):
    """Every label lies in `[0, num_classes)`."""
    return [
        tf.debugging.Assert(
            tf.reduce_all((labels >= 0) & (labels < num_classes)),
            [
                f"`label` must be in [0, {num_classes - 1}]. Received labels in",
                tf.reduce_min(labels),
                tf.reduce_max(labels),
            ],
            summarize=2,
        )
    ]


def image_values(images):
    """`images` are finite and in `[-1, 1]` (to `RANGE_MARGIN`)."""
    finite = tf.reduce_all(tf.math.is_finite(images))
    magnitude = _max_abs(images)
    return [
        tf.debugging.Assert(finite, ["`images` must be finite; they hold NaN or infinity."]),
        tf.debugging.Assert(
            magnitude <= 1.0 + RANGE_MARGIN,
            [
                "`images` must have values in [-1, 1] (uint8 pixels: x / 127.5 - 1). "
                "Received values in",
                tf.reduce_min(images),
                tf.reduce_max(images),
            ],
        ),
    ]


def image_size(images, size_multiple, min_size):
    """Height and width are multiples of `size_multiple` and at least `min_size`."""
    height, width = tf.shape(images)[1], tf.shape(images)[2]
    fits = tf.logical_and(
        tf.logical_and(height % size_multiple == 0, width % size_multiple == 0),
        tf.logical_and(height >= min_size, width >= min_size),
    )
    return [
        tf.debugging.Assert(
            fits,
            [
                f"`images` height and width must be multiples of {size_multiple} and at "
                f"least {min_size}. Received height and width",
                height,
                width,
            ],
        )
    ]


def _max_abs(images):
    # An empty batch has no maximum; 0 keeps the check true for it.
    return tf.reduce_max(tf.concat([tf.reshape(tf.abs(images), [-1]), [0.0]], axis=0))
