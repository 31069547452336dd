"""`OnnxGenerator`: an exported unconditional generator run with onnxruntime and NumPy only."""

import numpy as np

from ganzoo.export.manifest import UNCONDITIONAL_TASK
from ganzoo.images import to_uint8
from ganzoo.latents import sample_latents
from ganzoo.runtime.onnx_model import OnnxModel


def check_num_samples(num_samples):
    """Raises `ValueError` unless `num_samples` is a positive int (bools refused)."""
    if (
        isinstance(num_samples, bool)
        or not isinstance(num_samples, (int, np.integer))
        or num_samples < 1
    ):
        raise ValueError(f"`num_samples` must be a positive int. Received: {num_samples!r}.")


class OnnxGenerator(OnnxModel):
    """An exported unconditional generator, loaded for inference.

    Reads `manifest.json` and the ONNX file it names from an export directory
    written by `ganzoo.export.export_generator`.

    Args and errors: as `OnnxModel` (`directory`, `providers`, `backend`);
    a manifest for another task than a unconditional generator raises `ValueError`.

    Example:

    >>> generator = OnnxGenerator("exported/dcgan_fashion_mnist")  # doctest: +SKIP
    >>> images = generator.sample(16, seed=0)  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((16, 28, 28, 1), dtype('float32'))
    >>> pixels = OnnxGenerator.to_uint8(images)  # doctest: +SKIP
    """

    TASK = UNCONDITIONAL_TASK

    def __init__(self, directory, providers=None, backend="onnxruntime"):
        super().__init__(directory, providers=providers, backend=backend)
        if len(self._manifest["inputs"]) != 1 or len(self._manifest["outputs"]) != 1:
            raise ValueError(
                f"'{self._directory}' manifest lists {len(self._manifest['inputs'])} inputs "
                f"and {len(self._manifest['outputs'])} outputs; expected one of each."
            )
        self._input_name = self._manifest["inputs"][0]["name"]
        self._output_name = self._manifest["outputs"][0]["name"]

    @property
    def latent_dim(self):
        """int, the size of the latent vector `z`."""
        return self._manifest["latent_dim"]

    @property
    def input_name(self):
        """str, the ONNX input name of the latent vector (`"z"`)."""
        return self._input_name

    @property
    def output_name(self):
        """str, the ONNX output name of the images (`"images"`)."""
        return self._output_name

    def generate(self, z):
        """Generate images from given latent vectors.

        Args:
            z: float32 NumPy array of shape `(num_samples, latent_dim)`,
                usually drawn from a standard normal distribution. It is not
                cast: pass float32.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`.

        Raises:
            TypeError: if `z` is not a NumPy array or not float32.
            ValueError: if `z` is not of shape `(num_samples, latent_dim)`
                or holds NaN or infinity.
        """
        feeds = self.check_inputs({self._input_name: ("z", z)}, batch_name="num_samples")
        (images,) = self.run([self._output_name], feeds)
        return images

    def sample(self, num_samples, seed=None):
        """Draw `z ~ N(0, I)` and generate images.

        Args:
            num_samples: int >= 1, the number of images.
            seed: optional int seed of `np.random.default_rng` (through
                `ganzoo.latents.sample_latents`); the same seed gives the same
                latents as in TensorFlow-side code, hence the same images.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`.

        Raises:
            ValueError: if `num_samples` is not a positive int.
        """
        check_num_samples(num_samples)
        return self.generate(sample_latents(num_samples, self.latent_dim, seed=seed))

    # `[-1, 1]` floats to uint8 pixels; see `ganzoo.images.to_uint8`.
    to_uint8 = staticmethod(to_uint8)
