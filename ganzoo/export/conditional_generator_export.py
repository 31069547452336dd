"""Export a class-conditional generator: SavedModel, ONNX, manifest and parity check."""

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from ganzoo.export import input_checks
from ganzoo.export.export_plan import ExportPlan
from ganzoo.export.export_settings import DEFAULT_FORMATS
from ganzoo.export.export_settings import ExportSettings
from ganzoo.export.export_steps import check_generated_images
from ganzoo.export.export_steps import image_tensor_entry
from ganzoo.export.export_steps import symbolic_inputs
from ganzoo.export.float32_network import float32_network
from ganzoo.export.manifest import CONDITIONAL_TASK
from ganzoo.latents import sample_latents

LATENT_INPUT_NAME = "z"
LABEL_INPUT_NAME = "label"
IMAGES_OUTPUT_NAME = "images"


def export_conditional_generator(
    generator,
    directory,
    *,
    class_names,
    dataset=None,
    training_config=None,
    overwrite=False,
    parity_batch_sizes=(1, 5),
    tolerance=1e-4,
    seed=0,
    extra_files=None,
    formats=DEFAULT_FORMATS,
):
    """Export a class-conditional generator to SavedModel and ONNX (and LiteRT), checked.

    The artifacts are float32 even for a network trained under a
    `mixed_float16` or `mixed_bfloat16` policy: that network is exported as
    its float32 twin (`ganzoo.export.float32_network.float32_network`), and
    parity is measured against the twin.

    Writes `directory/` with `saved_model/` (endpoint `serve`, also
    `serving_default`: inputs `z` and `label`, output `images`), `model.onnx`
    (inputs `z` float32 and `label` int32, output `images`, dynamic batch
    named `"batch"`), `manifest.json` (task `"conditional_image_generation"`,
    with `num_classes` and `class_names`) and any `extra_files`. Before
    publishing, both artifacts are run on fixed latents and labels and
    compared with `generator([z, label], training=False)`; the measured
    differences go into the manifest.

    Everything is built in a hidden temporary directory beside `directory`
    and renamed into place at the end, so a failed export leaves nothing
    behind and an overwrite never leaves a mix of old and new files.

    Args:
        generator: functional `keras.Model` network (not a training wrapper,
            e.g. a `ganzoo.networks.ConditionalDCGANGenerator`) with exactly
            two inputs, float32 `"z"` of shape `(None, latent_dim)` and int32
            `"label"` of shape `(None,)`, and one float32 output of shape
            `(batch, height, width, channels)` with values in `[-1, 1]`.
        directory: `str` or `pathlib.Path`, the export directory to create.
            Its parent is created if missing.
        class_names: sequence of distinct non-empty strings, indexed by
            label. If the generator has a `num_classes` attribute, there must
            be exactly that many; otherwise their number is `num_classes`.
        dataset: optional str, the training dataset's name, for the manifest.
        training_config: optional dict of JSON-serializable values, stored as
            the manifest's `training_config`.
        overwrite: bool; if True an existing `directory` is replaced.
        parity_batch_sizes: non-empty sequence of positive ints, the batch
            sizes of the parity check.
        tolerance: float >= 0, the largest absolute difference allowed between
            the in-memory generator and either artifact.
        seed: int or None. Batch size `b` of the parity check uses the
            latents `ganzoo.latents.sample_latents(b, latent_dim, seed)` and
            the int32 labels `np.arange(b) % num_classes`.
        extra_files: optional mapping of destination file name (no directory
            part) to source path, copied into the export.
        formats: sequence of format names, with `"saved_model"` and `"onnx"`;
            add `"litert"` for a `.tflite` file (see `export_generator`).

    Returns:
        `pathlib.Path`, the absolute path of the published export directory.

    Raises:
        TypeError: if `generator` is not a `keras.Model`, `class_names` is not
            a sequence of non-empty strings, or another argument has the
            wrong type.
        ValueError: if the generator's inputs are not `z` and `label` as
            above, its output is not float32 images in `[-1, 1]`,
            `class_names` does not name each class once, or an argument is
            out of range.
        FileExistsError: if `directory` exists and `overwrite` is False, or it
            exists and is not a directory.
        FileNotFoundError: if a source in `extra_files` does not exist.
        ParityError: if an artifact differs from the in-memory generator by
            more than `tolerance`; nothing is written in that case.

    Example:

    >>> import tempfile
    >>> from ganzoo.networks import ConditionalDCGANGenerator
    >>> generator = ConditionalDCGANGenerator(latent_dim=8, num_classes=3, base_filters=8)
    >>> path = export_conditional_generator(
    ...     generator, tempfile.mkdtemp() + "/tiny", class_names=["a", "b", "c"])
    >>> sorted(p.name for p in path.iterdir())
    ['manifest.json', 'model.onnx', 'saved_model']
    """
    latent_dim = _latent_dim(generator)
    class_names = _class_names(class_names, getattr(generator, "num_classes", None))
    num_classes = len(class_names)
    settings = ExportSettings.check(
        directory,
        overwrite=overwrite,
        formats=formats,
        parity_batch_sizes=parity_batch_sizes,
        tolerance=tolerance,
        seed=seed,
        dataset=dataset,
        training_config=training_config,
        extra_files=extra_files,
    )
    # Trained under a mixed policy or not, the artifacts are float32.
    generator = float32_network(generator)

    # Check the generator's outputs before spending time on the conversions.
    feeds, references = [], []
    for batch_size in settings.batch_sizes:
        latents = sample_latents(batch_size, latent_dim, seed=seed)
        labels = (np.arange(batch_size) % num_classes).astype(np.int32)
        images = keras.ops.convert_to_numpy(generator([latents, labels], training=False))
        check_generated_images(images, batch_size)
        feeds.append({LATENT_INPUT_NAME: latents, LABEL_INPUT_NAME: labels})
        references.append({IMAGES_OUTPUT_NAME: images})
    image_shape = list(references[0][IMAGES_OUTPUT_NAME].shape[1:])

    return ExportPlan(
        task=CONDITIONAL_TASK,
        network=generator,
        input_signature=[
            tf.TensorSpec((None, latent_dim), tf.float32, name=LATENT_INPUT_NAME),
            tf.TensorSpec((None,), tf.int32, name=LABEL_INPUT_NAME),
        ],
        output_names=[IMAGES_OUTPUT_NAME],
        feeds=feeds,
        references=references,
        subject="conditional generator",
        parity_details=(
            f"batch sizes {settings.batch_sizes} (seed {seed}, labels arange(b) % {num_classes})"
        ),
        input_checks=input_checks.for_task(CONDITIONAL_TASK, num_classes=num_classes),
        manifest_fields={
            "inputs": [
                {
                    "name": LATENT_INPUT_NAME,
                    "shape": [None, latent_dim],
                    "dtype": "float32",
                    "distribution": "standard_normal",
                },
                {
                    "name": LABEL_INPUT_NAME,
                    "shape": [None],
                    "dtype": "int32",
                    "range": [0, num_classes - 1],
                },
            ],
            "outputs": [image_tensor_entry(IMAGES_OUTPUT_NAME, image_shape)],
            "latent_dim": latent_dim,
            "num_classes": num_classes,
            "class_names": class_names,
            "image_shape": image_shape,
        },
    ).write(settings)


def _latent_dim(generator):
    """Validate the generator's `z` and `label` inputs and return the latent size."""
    inputs = symbolic_inputs(generator, role="generator", first_input_name=LATENT_INPUT_NAME)
    received = [
        (tensor.name, keras.backend.standardize_dtype(tensor.dtype), tuple(tensor.shape))
        for tensor in inputs
    ]
    names = [name for name, _, _ in received]
    if len(inputs) != 2 or sorted(names) != sorted((LATENT_INPUT_NAME, LABEL_INPUT_NAME)):
        raise ValueError(
            "A conditional generator must have exactly two inputs, named "
            f"'{LATENT_INPUT_NAME}' and '{LABEL_INPUT_NAME}'. Received inputs named {names}."
        )
    specs = {name: (dtype, shape) for name, dtype, shape in received}
    latent_dtype, latent_shape = specs[LATENT_INPUT_NAME]
    if latent_dtype != "float32":
        raise ValueError(
            f"The generator's input '{LATENT_INPUT_NAME}' must be float32. "
            f"Received dtype: {latent_dtype}."
        )
    if len(latent_shape) != 2 or latent_shape[0] is not None or not latent_shape[1]:
        raise ValueError(
            f"The generator's input '{LATENT_INPUT_NAME}' must have shape (None, latent_dim) "
            f"with a fixed latent_dim. Received shape: {latent_shape}."
        )
    label_dtype, label_shape = specs[LABEL_INPUT_NAME]
    if label_dtype != "int32":
        raise ValueError(
            f"The generator's input '{LABEL_INPUT_NAME}' must be int32 class indices. "
            f"Received dtype: {label_dtype}."
        )
    if label_shape != (None,):
        raise ValueError(
            f"The generator's input '{LABEL_INPUT_NAME}' must have shape (None,), one "
            f"label per sample. Received shape: {label_shape}."
        )
    return int(latent_shape[1])


def _class_names(class_names, num_classes):
    """Return `class_names` as a list, checked against the generator's class count."""
    if (
        isinstance(class_names, (str, bytes))
        or not isinstance(class_names, Sequence)
        or not all(isinstance(name, str) and name for name in class_names)
    ):
        raise TypeError(
            f"`class_names` must be a sequence of non-empty strings. Received: {class_names!r}."
        )
    if not class_names or len(set(class_names)) != len(class_names):
        raise ValueError(
            f"`class_names` must give at least one name, each once. Received: {list(class_names)}."
        )
    if num_classes is not None and len(class_names) != num_classes:
        raise ValueError(
            f"`class_names` must give {num_classes} names, one per label of the generator "
            f"(`generator.num_classes`). Received {len(class_names)}: {list(class_names)}."
        )
    return list(class_names)
