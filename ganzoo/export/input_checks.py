"""In-graph checks of a SavedModel's inputs: the manifest's contracts, enforced.

The ONNX graph cannot hold assertions (tf2onnx drops `Assert`), so its
runtimes (`ganzoo.runtime`) check in NumPy and the manifest
states each contract for other onnxruntime users. The SavedModel checks in
its own graph: a call that breaks a contract fails with
`tf.errors.InvalidArgumentError` naming it, instead of returning a wrong
answer (label -1 read as label 9, a 30x30 image returned as 32x32).

`for_task` gives the checks of a task as one callable that takes the
signature's input tensors in order and returns a list of assertion ops, for
`ganzoo.export.saved_model.export_saved_model`.
"""

import pathlib
import shutil
import uuid

import numpy as np
import tensorflow as tf

from ganzoo.export.export_steps import publish
from ganzoo.export.manifest import CLASSIFICATION_TASK
from ganzoo.export.manifest import CONDITIONAL_TASK
from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.manifest import UNCONDITIONAL_TASK
from ganzoo.export.manifest import read_manifest
from ganzoo.images import RANGE_MARGIN
from ganzoo.latents import sample_latents


def for_task(task, *, num_classes=None, size_multiple=None, min_size=None):
    """The input checks of an export of `task`, with the manifest's fields.

    Args:
        task: a manifest task name (`ganzoo.export.manifest`).
        num_classes: int, for `"conditional_image_generation"`.
        size_multiple, min_size: int, for `"image_to_image_translation"`.

    Returns:
        callable from the input tensors (signature order) to assertion ops.

    Raises:
        ValueError: if `task` is unknown.
    """
    if task == UNCONDITIONAL_TASK:
        return finite_latents
    if task == CONDITIONAL_TASK:
        return lambda z, labels: finite_latents(z) + label_range(labels, num_classes)
    if task == CLASSIFICATION_TASK:
        return image_values
    if task == TRANSLATION_TASK:
        return lambda images: image_values(images) + image_size(images, size_multiple, min_size)
    raise ValueError(f"No input checks for task {task!r}.")


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
    # -inf for an empty batch, which passes.
    magnitude = tf.reduce_max(tf.abs(images))
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


def add_input_checks(export_dir):
    """Gives an export's SavedModel the in-graph input checks of its manifest.

    For exports written before the exporters added them: the SavedModel's
    `serving_default` is wrapped in a function that asserts the manifest's
    input contract (see `for_task`) and then calls it, so the weights and the
    arithmetic are those of the original. The new SavedModel must give the
    original's outputs exactly on seeded valid inputs before it replaces
    `saved_model/` (by rename: a failure leaves the original in place). The
    ONNX file and the manifest are not touched.

    Args:
        export_dir: `str` or `pathlib.Path` of an export directory.

    Returns:
        `pathlib.Path` of the rewritten SavedModel directory.

    Raises:
        FileNotFoundError: if the directory, manifest or SavedModel is missing.
        ValueError: if the manifest is malformed, or the rewrapped model's
            outputs differ from the original's.
    """
    export_dir = pathlib.Path(export_dir)
    manifest = read_manifest(export_dir / MANIFEST_FILE_NAME)
    path = export_dir / manifest["files"]["saved_model"]
    if not path.is_dir():
        raise FileNotFoundError(f"No SavedModel at '{path}'.")
    checks = for_task(
        manifest["task"],
        num_classes=manifest.get("num_classes"),
        size_multiple=manifest.get("size_multiple"),
        min_size=manifest.get("min_size"),
    )
    original = tf.saved_model.load(str(path))
    signature = original.signatures["serving_default"]
    names = [entry["name"] for entry in manifest["inputs"]]
    specs = [signature.structured_input_signature[1][name] for name in names]

    def serve(*inputs):
        with tf.control_dependencies(checks(*inputs)):
            inputs = [tf.identity(tensor) for tensor in inputs]
        return signature(**dict(zip(names, inputs, strict=True)))

    module = tf.Module()
    # ganzoo's SavedModels list their variables in `variables_to_save`; ones
    # written by `keras.Model.export` in `variables`.
    saved = getattr(original, "variables_to_save", None) or original.variables
    module.variables_to_save = list(saved)
    module.serve = tf.function(serve, input_signature=specs, autograph=False)
    concrete = module.serve.get_concrete_function()
    staging = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    tf.saved_model.save(
        module, str(staging), signatures={"serving_default": concrete, "serve": concrete}
    )
    try:
        feeds = _valid_inputs(manifest)
        expected = signature(**feeds)
        received = tf.saved_model.load(str(staging)).signatures["serving_default"](**feeds)
        for key, value in expected.items():
            difference = float(np.max(np.abs(value.numpy() - received[key].numpy())))
            if difference > 0.0:
                raise ValueError(
                    f"The rewrapped SavedModel's '{key}' differs from the original's by "
                    f"{difference:.3g}; '{path}' is left as it was."
                )
        publish(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def _valid_inputs(manifest):
    """Seeded inputs that meet the manifest's contract, as tensors by input name."""
    rng = np.random.default_rng(0)
    height, width, channels = manifest["image_shape"]
    if manifest["task"] in (CLASSIFICATION_TASK, TRANSLATION_TASK):
        images = rng.uniform(-1.0, 1.0, (3, height, width, channels)).astype(np.float32)
        return {"images": tf.constant(images)}
    feeds = {"z": tf.constant(sample_latents(3, manifest["latent_dim"], seed=0))}
    if manifest["task"] == CONDITIONAL_TASK:
        feeds["label"] = tf.constant(np.arange(3) % manifest["num_classes"], tf.int32)
    return feeds
