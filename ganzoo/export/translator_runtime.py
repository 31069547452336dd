"""Run an exported image-to-image generator with onnxruntime and NumPy only.

Importing this module does not import TensorFlow or Keras.
"""

import numpy as np

from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.onnx_export import OnnxExport
from ganzoo.images import check_image_values
from ganzoo.images import to_uint8

IMAGES_INPUT_NAME = "images"
IMAGES_OUTPUT_NAME = "translated_images"


class OnnxImageTranslator(OnnxExport):
    """An exported image translator (e.g. CycleGAN's X -> Y generator), for inference.

    Reads `manifest.json` and the ONNX file it names from an export directory
    written by `ganzoo.export.export_image_translator`. The network is fully
    convolutional: any batch size and any height and width that are multiples
    of `size_multiple` and at least `min_size` work.

    Args:
        directory: `str` or `pathlib.Path` of the export directory.
        providers: optional list of onnxruntime execution providers; defaults
            to `["CPUExecutionProvider"]`.

    Raises:
        FileNotFoundError: if the directory, its manifest or its ONNX file is
            missing (the message names the path).
        ValueError: if the manifest is malformed, is not for an image
            translator, or does not match the ONNX graph.

    Example:

    >>> translator = OnnxImageTranslator("exported/cyclegan/g_x_to_y")  # doctest: +SKIP
    >>> boots = translator.translate(sneakers)  # doctest: +SKIP
    >>> pixels = OnnxImageTranslator.to_uint8(boots)  # doctest: +SKIP
    """

    def __init__(self, directory, providers=None):
        super().__init__(directory, TRANSLATION_TASK, providers=providers)
        input_names = [entry["name"] for entry in self._manifest["inputs"]]
        output_names = [entry["name"] for entry in self._manifest["outputs"]]
        if input_names != [IMAGES_INPUT_NAME] or output_names != [IMAGES_OUTPUT_NAME]:
            raise ValueError(
                f"'{self._directory}' manifest lists inputs {input_names} and outputs "
                f"{output_names}; expected ['{IMAGES_INPUT_NAME}'] and "
                f"['{IMAGES_OUTPUT_NAME}']."
            )

    @property
    def size_multiple(self):
        """int, what height and width must be multiples of."""
        return self._manifest["size_multiple"]

    @property
    def min_size(self):
        """int, the smallest height and width the network takes."""
        return self._manifest["min_size"]

    @property
    def source_domain(self):
        """str or None, the name of the input domain."""
        return self._manifest["source_domain"]

    @property
    def target_domain(self):
        """str or None, the name of the output domain."""
        return self._manifest["target_domain"]

    def translate(self, images, *, assume_scaled=False):
        """Translates images from the source domain to the target domain.

        Args:
            images: float32 NumPy array of shape `(batch, height, width,
                channels)`, finite values in `[-1, 1]` with at least one
                negative value in the batch, height and width multiples of
                `size_multiple` and at least `min_size`. It is not cast: pass
                float32.
            assume_scaled: bool; True skips the check for a negative value,
                for images known to be scaled from `[0, 255]` pixels that have
                no pixel darker than mid-gray.

        Returns:
            float32 NumPy array of the same shape, values in `[-1, 1]`.

        Raises:
            TypeError: if `images` is not a float32 NumPy array.
            ValueError: if its shape does not fit the network, or its values
                are not finite, leave `[-1, 1]` (e.g. `[0, 255]` pixels), or
                hold nothing below 0 (`[0, 1]` data); the message names the
                scaling that fixes it.
        """
        if not isinstance(images, np.ndarray) or images.dtype != np.float32:
            received = images.dtype if isinstance(images, np.ndarray) else type(images).__name__
            raise TypeError(
                f"`images` must be a float32 NumPy array in [-1, 1]. Received: {received}. "
                "Scale uint8 pixels with `pixels.astype(np.float32) / 127.5 - 1`."
            )
        channels = self.image_shape[2]
        if (
            images.ndim != 4
            or images.shape[3] != channels
            or images.shape[1] % self.size_multiple
            or images.shape[2] % self.size_multiple
            or min(images.shape[1:3]) < self.min_size
        ):
            raise ValueError(
                f"`images` must have shape (batch, height, width, {channels}) with height "
                f"and width multiples of {self.size_multiple} and at least {self.min_size}. "
                f"Received shape {images.shape}."
            )
        if images.shape[0] == 0:
            return np.zeros(images.shape, dtype=np.float32)
        check_image_values(images, refuse_unit_range=not assume_scaled)
        (translated,) = self._session.run([IMAGES_OUTPUT_NAME], {IMAGES_INPUT_NAME: images})
        return translated

    # `[-1, 1]` floats to uint8 pixels; see `ganzoo.images.to_uint8`.
    to_uint8 = staticmethod(to_uint8)
