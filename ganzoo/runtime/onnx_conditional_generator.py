"""`OnnxConditionalGenerator`: an exported class-conditional generator, with onnxruntime."""

import numpy as np

from ganzoo.export.manifest import CONDITIONAL_TASK
from ganzoo.images import to_uint8
from ganzoo.latents import sample_latents
from ganzoo.runtime.onnx_model import OnnxModel

LATENT_INPUT_NAME = "z"
LABEL_INPUT_NAME = "label"
IMAGES_OUTPUT_NAME = "images"


class OnnxConditionalGenerator(OnnxModel):
    """An exported class-conditional generator, loaded for inference.

    Reads `manifest.json` and the ONNX file it names from an export directory
    written by `ganzoo.export.export_conditional_generator`. Labels are
    checked against `[0, num_classes)` here, because the exported embedding
    lookup does not check them itself.

    Args and errors: as `OnnxModel` (`directory`, `providers`, `backend`);
    a manifest for another task than a conditional generator raises `ValueError`.

    Example:

    >>> generator = OnnxConditionalGenerator("exported/cgan_fashion_mnist")  # doctest: +SKIP
    >>> images = generator.sample([0, 1, 2, 3], seed=0)  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((4, 28, 28, 1), dtype('float32'))
    >>> pixels = OnnxConditionalGenerator.to_uint8(images)  # doctest: +SKIP
    """

    TASK = CONDITIONAL_TASK
    INPUT_NAMES = (LATENT_INPUT_NAME, LABEL_INPUT_NAME)
    OUTPUT_NAMES = (IMAGES_OUTPUT_NAME,)

    @property
    def latent_dim(self):
        """int, the size of the latent vector `z`."""
        return self._manifest["latent_dim"]

    @property
    def num_classes(self):
        """int, the number of labels; valid labels are `0 ... num_classes - 1`."""
        return self._manifest["num_classes"]

    @property
    def class_names(self):
        """tuple of str, the class names indexed by label."""
        return tuple(self._manifest["class_names"])

    def generate(self, z, labels):
        """Generate one image per latent vector and label.

        Args:
            z: float32 NumPy array of shape `(num_samples, latent_dim)`,
                usually drawn from a standard normal distribution. It is not
                cast: pass float32.
            labels: integer array-like of shape `(num_samples,)` (any integer
                dtype; converted to int32), each in `[0, num_classes)`.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`.

        Raises:
            TypeError: if `z` is not a float32 NumPy array, or `labels` is
                not of an integer dtype (floats and bools are refused rather
                than rounded).
            ValueError: if `z` is not of shape `(num_samples, latent_dim)` or
                not finite, `labels` is not of shape `(num_samples,)`, or a
                label is outside `[0, num_classes)` (the message names those
                labels).
        """
        feeds = self.check_inputs(
            {
                LATENT_INPUT_NAME: ("z", z),
                LABEL_INPUT_NAME: ("labels", np.asarray(labels)),
            },
            batch_name="num_samples",
        )
        (images,) = self.run([IMAGES_OUTPUT_NAME], feeds)
        return images

    def sample(self, labels, seed=None):
        """Draw `z ~ N(0, I)` and generate one image per label.

        Args:
            labels: integer array-like of shape `(num_samples,)`, each in
                `[0, num_classes)`, with `num_samples >= 1`.
            seed: optional int seed of `np.random.default_rng` (through
                `ganzoo.latents.sample_latents`); the same seed gives the same
                latents as in TensorFlow-side code, hence the same images.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`.

        Raises:
            TypeError: if `labels` is not of an integer dtype.
            ValueError: if `labels` is empty, not one-dimensional, or holds a
                label outside `[0, num_classes)`.
        """
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.shape[0] < 1:
            raise ValueError(
                f"`labels` must be a non-empty array of shape (num_samples,). "
                f"Received shape: {labels.shape}."
            )
        # Labels are checked before latents are drawn for them.
        self.check_inputs({LABEL_INPUT_NAME: ("labels", labels)}, batch_name="num_samples")
        return self.generate(sample_latents(labels.shape[0], self.latent_dim, seed=seed), labels)

    # `[-1, 1]` floats to uint8 pixels; see `ganzoo.images.to_uint8`.
    to_uint8 = staticmethod(to_uint8)
