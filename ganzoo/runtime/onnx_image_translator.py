"""`OnnxImageTranslator`: an exported image-to-image generator, onnxruntime and NumPy only."""

import numpy as np

from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.images import to_uint8
from ganzoo.runtime.onnx_model import OnnxModel

IMAGES_INPUT_NAME = "images"
IMAGES_OUTPUT_NAME = "translated_images"


class OnnxImageTranslator(OnnxModel):
    """An exported image translator (e.g. CycleGAN's X -> Y generator), for inference.

    Reads `manifest.json` and the ONNX file it names from an export directory
    written by `ganzoo.export.export_image_translator`. The network is fully
    convolutional: any batch size and any height and width that are multiples
    of `size_multiple` and at least `min_size` work.

    Args and errors: as `OnnxModel` (`directory`, `providers`, `backend`);
    a manifest for another task than a image translator raises `ValueError`.

    Example:

    >>> directory = "exported/cyclegan_sneaker2boot/g_x_to_y"
    >>> translator = OnnxImageTranslator(directory)  # doctest: +SKIP
    >>> boots = translator.translate(sneakers)  # doctest: +SKIP
    >>> pixels = OnnxImageTranslator.to_uint8(boots)  # doctest: +SKIP
    """

    TASK = TRANSLATION_TASK
    INPUT_NAMES = (IMAGES_INPUT_NAME,)
    OUTPUT_NAMES = (IMAGES_OUTPUT_NAME,)

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
        feeds = self.check_inputs(
            {IMAGES_INPUT_NAME: ("images", images)}, refuse_unit_range=not assume_scaled
        )
        if images.shape[0] == 0:
            return np.zeros(images.shape, dtype=np.float32)
        # One call: a translator's batch is what the caller chose to hold in memory.
        (translated,) = self.run([IMAGES_OUTPUT_NAME], feeds, chunk_size=len(images))
        return translated

    # `[-1, 1]` floats to uint8 pixels; see `ganzoo.images.to_uint8`.
    to_uint8 = staticmethod(to_uint8)
