"""Run an exported classifier (probabilities and features) with onnxruntime and NumPy only.

Importing this module does not import TensorFlow or Keras, so feature
extraction for metrics needs only `numpy` and `onnxruntime` (plus ganzoo).
"""

import numpy as np

from ganzoo.export.manifest import CLASSIFICATION_TASK
from ganzoo.export.onnx_export import OnnxExport
from ganzoo.images import check_image_values

PROBABILITIES_OUTPUT_NAME = "probabilities"
FEATURES_OUTPUT_NAME = "features"
DEFAULT_BATCH_SIZE = 256


class OnnxClassifier(OnnxExport):
    """An exported image classifier, loaded for inference with onnxruntime.

    Reads `manifest.json` and the ONNX file it names from an export directory
    written by `ganzoo.export.classifier_export.export_classifier`, e.g.
    `exported/classifiers/fashion_mnist`.

    Args:
        directory: `str` or `pathlib.Path` of the export directory.
        providers: optional list of onnxruntime execution providers; defaults
            to `["CPUExecutionProvider"]`.

    Raises:
        FileNotFoundError: if the directory, its manifest or its ONNX file is
            missing (the message names the path).
        ValueError: if the manifest is malformed, is not for an
            `"image_classification"` export, or does not match the ONNX
            graph's inputs and outputs.

    Example:

    >>> classifier = OnnxClassifier("exported/classifiers/fashion_mnist")  # doctest: +SKIP
    >>> images = pixels.astype(np.float32) / 127.5 - 1.0  # doctest: +SKIP
    >>> probabilities, features = classifier.predict(images)  # doctest: +SKIP
    >>> probabilities.shape, features.shape  # doctest: +SKIP
    ((10000, 10), (10000, 128))
    """

    def __init__(self, directory, providers=None):
        super().__init__(directory, CLASSIFICATION_TASK, providers=providers)
        input_names = [entry["name"] for entry in self._manifest["inputs"]]
        output_names = sorted(entry["name"] for entry in self._manifest["outputs"])
        expected_outputs = sorted((PROBABILITIES_OUTPUT_NAME, FEATURES_OUTPUT_NAME))
        if len(input_names) != 1 or output_names != expected_outputs:
            raise ValueError(
                f"'{self._directory}' manifest lists inputs {input_names} and outputs "
                f"{output_names}; expected one input and the outputs {expected_outputs}."
            )
        self._input_name = input_names[0]

    @property
    def class_names(self):
        """tuple of str, the class names indexed by label."""
        return tuple(self._manifest["class_names"])

    @property
    def num_classes(self):
        """int, the number of classes."""
        return len(self._manifest["class_names"])

    @property
    def feature_dim(self):
        """int, the size of the `features` output."""
        return self._manifest["feature_dim"]

    @property
    def test_accuracy(self):
        """float or None, the test accuracy recorded at export time."""
        return self._manifest["test_accuracy"]

    def predict(self, images, batch_size=DEFAULT_BATCH_SIZE):
        """Class probabilities and features of a set of images.

        Args:
            images: float32 NumPy array of shape `(num_images, height, width,
                channels)` with the export's `image_shape`, values in
                `[-1, 1]` (uint8 pixels `x` map to `x / 127.5 - 1`). It is not
                cast: pass float32.
            batch_size: int >= 1, images per onnxruntime call; bounds memory,
                not the results.

        Returns:
            tuple `(probabilities, features)` of float32 NumPy arrays, of shapes
            `(num_images, num_classes)` (rows sum to 1) and `(num_images,
            feature_dim)`.

        Raises:
            TypeError: if `images` is not a NumPy array or not float32.
            ValueError: if `images` has the wrong shape, holds NaN or
                infinity, or has values outside `[-1, 1]`; or if `batch_size`
                is not a positive int.
        """
        self._check_images(images)
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size < 1
        ):
            raise ValueError(f"`batch_size` must be a positive int. Received: {batch_size!r}.")
        probabilities = np.empty((len(images), self.num_classes), dtype=np.float32)
        features = np.empty((len(images), self.feature_dim), dtype=np.float32)
        output_names = [PROBABILITIES_OUTPUT_NAME, FEATURES_OUTPUT_NAME]
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size]
            batch_probabilities, batch_features = self._session.run(
                output_names, {self._input_name: batch}
            )
            probabilities[start : start + len(batch)] = batch_probabilities
            features[start : start + len(batch)] = batch_features
        return probabilities, features

    def _check_images(self, images):
        if not isinstance(images, np.ndarray):
            raise TypeError(
                f"`images` must be a NumPy array of dtype float32. Received: {type(images)}."
            )
        if images.dtype != np.float32:
            hint = (
                " Scale uint8 pixels with `images.astype(np.float32) / 127.5 - 1`."
                if images.dtype == np.uint8
                else " Convert with `images.astype(np.float32)`."
            )
            raise TypeError(
                f"`images` must be float32 in [-1, 1]. Received dtype: {images.dtype}.{hint}"
            )
        if images.ndim != 4 or images.shape[1:] != self.image_shape:
            raise ValueError(
                f"`images` must have shape (num_images, {', '.join(map(str, self.image_shape))})"
                f". Received shape: {images.shape}."
            )
        check_image_values(images)
