"""`generate` and `interpolate` for models with an unconditional generator `G(z)`."""

import keras
import numpy as np

from ganzoo.latents import interpolate_latents
from ganzoo.latents import sample_latents


class UnconditionalSampling:
    """Sampling methods shared by `GAN` and `SemiSupervisedGAN`.

    Needs `self.sampling_generator` (called as `generator(z)`) and `self.latent_dim`.
    """

    def generate(self, num_samples=None, z=None, seed=None, batch_size=256):
        """Generates images from `sampling_generator` in inference mode.

        With `generator_ema_decay` set, the images come from the averaged
        generator; otherwise from `generator`.

        Give either `num_samples` (latents drawn with `seed`, exactly as
        `ganzoo.runtime` draws them) or `z`.

        Args:
            num_samples: int, number of images to draw.
            z: float array of shape `(num_samples, latent_dim)`.
            seed: int or None, seeds `z` when `num_samples` is given.
            batch_size: int, images per generator call.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`.

        Raises:
            ValueError: if both or neither of `num_samples` and `z` are given,
                or `z` does not have shape `(n, latent_dim)`.
        """
        if (num_samples is None) == (z is None):
            raise ValueError(
                "Pass exactly one of `num_samples` and `z`. Received "
                f"num_samples={num_samples!r} and z of type {type(z).__name__}."
            )
        if z is None:
            z = sample_latents(num_samples, self.latent_dim, seed=seed)
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                f"`z` must have shape (num_samples, {self.latent_dim}). Received shape {z.shape}."
            )
        generator = self.sampling_generator
        chunks = [
            keras.ops.convert_to_numpy(generator(z[start : start + batch_size], training=False))
            for start in range(0, len(z), batch_size)
        ]
        return np.concatenate(chunks, axis=0).astype(np.float32)

    def interpolate(self, z_start, z_end, num_steps=8, spherical=False):
        """Images along the latent path from `z_start` to `z_end`.

        The "trajectories" of Goodfellow et al. 2014, Fig. 3; see
        `ganzoo.latents.interpolate_latents` for the arguments.

        Returns:
            float32 NumPy array of shape `(num_steps, height, width, channels)`
            in `[-1, 1]`.
        """
        return self.generate(z=interpolate_latents(z_start, z_end, num_steps, spherical=spherical))
