"""Export an image classifier with its feature layer: SavedModel, ONNX, manifest."""

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from ganzoo.export import input_checks
from ganzoo.export.export_plan import ExportPlan
from ganzoo.export.export_settings import DEFAULT_FORMATS
from ganzoo.export.export_settings import ExportSettings
from ganzoo.export.export_steps import image_tensor_entry
from ganzoo.export.export_steps import single_float32_input
from ganzoo.export.float32_network import float32_network
from ganzoo.export.manifest import CLASSIFICATION_TASK

IMAGES_INPUT_NAME = "images"
PROBABILITIES_OUTPUT_NAME = "probabilities"
FEATURES_OUTPUT_NAME = "features"


def export_classifier(
    classifier,
    directory,
    *,
    dataset,
    class_names,
    test_accuracy,
    training_config,
    overwrite=False,
    features_layer="features",
    parity_batch_sizes=(1, 5),
    tolerance=1e-4,
    seed=0,
    extra_files=None,
    formats=DEFAULT_FORMATS,
):
    """Export an image classifier and its features to SavedModel and ONNX, checked.

    The artifacts are float32 even for a network trained under a
    `mixed_float16` or `mixed_bfloat16` policy: that network is exported as
    its float32 twin (`ganzoo.export.float32_network.float32_network`), and
    parity is measured against the twin.

    Writes `directory/` with `saved_model/` (endpoint `serve`, also
    `serving_default`), `model.onnx` (dynamic batch named `"batch"`),
    `manifest.json` (task `"image_classification"`) and any `extra_files`.
    Both artifacts take one input, `images`, float32 `(batch, height, width,
    channels)` in `[-1, 1]`, and return two outputs:

    - `probabilities`: float32 `(batch, num_classes)`, the softmax of the
      classifier's logits;
    - `features`: float32 `(batch, feature_dim)`, the output of the layer
      named `features_layer` (for `ganzoo.networks.DomainClassifier`, the
      penultimate "FID (domain features)" layer).

    Before publishing, both artifacts are run on seeded uniform images in
    `[-1, 1]` and compared with the in-memory network (`training=False`); the
    measured differences go into the manifest. Everything is built in a
    hidden temporary directory beside `directory` and renamed into place at
    the end, so a failed export leaves nothing behind.

    Args:
        classifier: functional `keras.Model` (e.g. a `DomainClassifier`) with
            one float32 input named `"images"` of shape `(None, height, width,
            channels)` with fixed height, width and channels, and one float32
            output of logits `(None, num_classes)`.
        directory: `str` or `pathlib.Path`, the export directory to create.
            Its parent is created if missing.
        dataset: str or None, the training dataset's name, for the manifest.
        class_names: sequence of `num_classes` distinct strings, indexed by
            label.
        test_accuracy: float in `[0, 1]`, the accuracy measured on the
            dataset's test split, or None if it was not measured.
        training_config: dict of JSON-serializable values, or None; stored as
            the manifest's `training_config`.
        overwrite: bool; if True an existing `directory` is replaced.
        features_layer: str, the name of the layer whose output is exported
            as `features`.
        parity_batch_sizes: non-empty sequence of positive ints, the batch
            sizes of the parity check.
        tolerance: float >= 0, the largest absolute difference allowed between
            the in-memory network and either artifact, on both outputs.
        seed: int or None, seed of the parity images: batch size `b` uses
            `default_rng(seed).uniform(-1, 1, (b, height, width, channels))`.
        extra_files: optional mapping of destination file name (no directory
            part) to source path, copied into the export.
        formats: sequence of format names, with `"saved_model"` and `"onnx"`;
            add `"litert"` for a `.tflite` file (see `export_generator`).

    Returns:
        `pathlib.Path`, the absolute path of the published export directory.

    Raises:
        TypeError: if `classifier` is not a `keras.Model`, or an argument has
            the wrong type.
        ValueError: if the classifier's input or output does not have the
            shape and dtype above, it has no layer `features_layer`,
            `class_names` does not name each class once, or an argument is
            out of range.
        FileExistsError: if `directory` exists and `overwrite` is False, or it
            exists and is not a directory.
        FileNotFoundError: if a source in `extra_files` does not exist.
        ParityError: if an artifact differs from the in-memory network by more
            than `tolerance`; nothing is written in that case.

    Example:

    >>> import tempfile
    >>> from ganzoo.networks import DomainClassifier
    >>> classifier = DomainClassifier((8, 8, 1), num_classes=2, base_filters=2,
    ...                               feature_dim=4, num_blocks=1)
    >>> path = export_classifier(
    ...     classifier, tempfile.mkdtemp() + "/tiny", dataset=None,
    ...     class_names=["no", "yes"], test_accuracy=None, training_config=None)
    >>> sorted(p.name for p in path.iterdir())
    ['manifest.json', 'model.onnx', 'saved_model']
    """
    image_shape = _image_shape(classifier)
    # Trained under a mixed policy or not, the artifacts are float32.
    classifier = float32_network(classifier)
    network, num_classes, feature_dim = _serving_network(classifier, features_layer)
    class_names = _class_names(class_names, num_classes)
    test_accuracy = _test_accuracy(test_accuracy)
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

    # Check the network's outputs before spending time on the conversions.
    feeds, references = [], []
    for batch_size in settings.batch_sizes:
        rng = np.random.default_rng(seed)
        images = rng.uniform(-1.0, 1.0, (batch_size, *image_shape)).astype(np.float32)
        probabilities, features = (
            keras.ops.convert_to_numpy(output) for output in network(images, training=False)
        )
        _check_outputs(probabilities, features, batch_size)
        feeds.append({IMAGES_INPUT_NAME: images})
        references.append(
            {PROBABILITIES_OUTPUT_NAME: probabilities, FEATURES_OUTPUT_NAME: features}
        )

    return ExportPlan(
        task=CLASSIFICATION_TASK,
        network=network,
        input_signature=[tf.TensorSpec((None, *image_shape), tf.float32, name=IMAGES_INPUT_NAME)],
        output_names=[PROBABILITIES_OUTPUT_NAME, FEATURES_OUTPUT_NAME],
        feeds=feeds,
        references=references,
        subject="classifier",
        parity_details=(
            f"batch sizes {settings.batch_sizes} of uniform [-1, 1] images (seed {seed})"
        ),
        input_checks=input_checks.for_task(CLASSIFICATION_TASK),
        manifest_fields={
            "inputs": [image_tensor_entry(IMAGES_INPUT_NAME, image_shape)],
            "outputs": [
                {
                    "name": PROBABILITIES_OUTPUT_NAME,
                    "shape": [None, num_classes],
                    "dtype": "float32",
                    "value_range": [0.0, 1.0],
                },
                {
                    "name": FEATURES_OUTPUT_NAME,
                    "shape": [None, feature_dim],
                    "dtype": "float32",
                    "layer": features_layer,
                },
            ],
            "class_names": class_names,
            "feature_dim": feature_dim,
            "test_accuracy": test_accuracy,
            "image_shape": list(image_shape),
        },
    ).write(settings)


def _image_shape(classifier):
    """Validate the classifier's input and return `(height, width, channels)`.

    Sizes must be fixed: the manifest records the image size the classifier
    was trained on.
    """
    return single_float32_input(
        classifier,
        role="classifier",
        input_name=IMAGES_INPUT_NAME,
        shape_text="(None, height, width, channels)",
    )


def _serving_network(classifier, features_layer):
    """Return `(network, num_classes, feature_dim)`.

    `network` maps images to `[softmax(logits), features]` with the
    classifier's own layers.
    """
    if len(classifier.outputs) != 1 or len(classifier.outputs[0].shape) != 2:
        raise ValueError(
            "The classifier must have one output of logits, shape (None, num_classes). "
            f"Received outputs of shapes {[tuple(out.shape) for out in classifier.outputs]}."
        )
    try:
        features = classifier.get_layer(features_layer).output
    except ValueError:
        raise ValueError(
            f"The classifier '{classifier.name}' has no layer named {features_layer!r} "
            "to export as `features`; pass `features_layer=` with the name of its "
            "penultimate layer."
        ) from None
    if len(features.shape) != 2 or not features.shape[1]:
        raise ValueError(
            f"The layer {features_layer!r} must output vectors (None, feature_dim). "
            f"Received shape: {tuple(features.shape)}."
        )
    logits = classifier.outputs[0]
    probabilities = keras.layers.Softmax(name=PROBABILITIES_OUTPUT_NAME)(logits)
    network = keras.Model(
        classifier.inputs[0], [probabilities, features], name=f"{classifier.name}_export"
    )
    return network, int(logits.shape[1]), int(features.shape[1])


def _class_names(class_names, num_classes):
    if (
        isinstance(class_names, (str, bytes))
        or not isinstance(class_names, Sequence)
        or not all(isinstance(name, str) and name for name in class_names)
    ):
        raise TypeError(
            f"`class_names` must be a sequence of non-empty strings. Received: {class_names!r}."
        )
    if len(class_names) != num_classes or len(set(class_names)) != num_classes:
        raise ValueError(
            f"`class_names` must give {num_classes} distinct names, one per classifier "
            f"output. Received {len(class_names)}: {list(class_names)}."
        )
    return list(class_names)


def _test_accuracy(test_accuracy):
    if test_accuracy is None:
        return None
    if isinstance(test_accuracy, bool) or not isinstance(
        test_accuracy, (int, float, np.floating, np.integer)
    ):
        raise TypeError(f"`test_accuracy` must be a number or None. Received: {test_accuracy!r}.")
    test_accuracy = float(test_accuracy)
    if not 0.0 <= test_accuracy <= 1.0:
        raise ValueError(f"`test_accuracy` must be in [0, 1]. Received: {test_accuracy}.")
    return test_accuracy


def _check_outputs(probabilities, features, batch_size):
    for name, values in (
        (PROBABILITIES_OUTPUT_NAME, probabilities),
        (FEATURES_OUTPUT_NAME, features),
    ):
        if values.dtype != np.float32:
            raise ValueError(
                f"The classifier's {name} must be float32. Received dtype: {values.dtype}. "
                'Under mixed precision give its last layers dtype="float32".'
            )
        if values.ndim != 2 or values.shape[0] != batch_size:
            raise ValueError(
                f"The classifier's {name} must have shape (batch, size). For a batch of "
                f"{batch_size} it returned shape {values.shape}."
            )
        if not np.all(np.isfinite(values)):
            raise ValueError(f"The classifier's {name} are not all finite.")
