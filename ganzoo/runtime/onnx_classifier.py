"""`OnnxClassifier`: an exported classifier's probabilities and features, with onnxruntime."""

import numpy as np

from ganzoo.export.manifest import CLASSIFICATION_TASK
from ganzoo.runtime.onnx_model import OnnxModel

PROBABILITIES_OUTPUT_NAME = "probabilities"
FEATURES_OUTPUT_NAME = "features"
DEFAULT_BATCH_SIZE = 256


class OnnxClassifier(OnnxModel):
    """An exported image classifier, loaded for inference with onnxruntime.

    Reads `manifest.json` and the ONNX file it names from an export directory
    written by `ganzoo.export.export_classifier`, e.g.
    `exported/classifiers/fashion_mnist`.

    Args and errors: as `OnnxModel` (`directory`, `providers`, `backend`);
    a manifest for another task than a classifier raises `ValueError`.

    Example:

    >>> classifier = OnnxClassifier("exported/classifiers/fashion_mnist")  # doctest: +SKIP
    >>> images = pixels.astype(np.float32) / 127.5 - 1.0  # doctest: +SKIP
    >>> probabilities, features = classifier.predict(images)  # doctest: +SKIP
    >>> probabilities.shape, features.shape  # doctest: +SKIP
    ((10000, 10), (10000, 128))
    """

    TASK = CLASSIFICATION_TASK
    OUTPUT_NAMES = (PROBABILITIES_OUTPUT_NAME, FEATURES_OUTPUT_NAME)

    def __init__(self, directory, providers=None, backend="onnxruntime"):
        super().__init__(directory, providers=providers, backend=backend)
        if len(self._manifest["inputs"]) != 1:
            raise ValueError(
                f"'{self._directory}' manifest lists inputs "
                f"{[entry['name'] for entry in self._manifest['inputs']]}; expected one input."
            )
        self._input_name = self._manifest["inputs"][0]["name"]

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
        feeds = self.check_inputs({self._input_name: ("images", images)}, batch_name="num_images")
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size < 1
        ):
            raise ValueError(f"`batch_size` must be a positive int. Received: {batch_size!r}.")
        probabilities, features = self.run(
            [PROBABILITIES_OUTPUT_NAME, FEATURES_OUTPUT_NAME], feeds, chunk_size=batch_size
        )
        return probabilities, features
