"""Latent vectors: seeded sampling and interpolation, in NumPy only.

Both the Keras models and the onnxruntime side (`ganzoo.runtime`) draw
`z` here, so a seed gives the same latents, and the same images, in and out of
TensorFlow.
"""

import numpy as np


def sample_latents(num_samples, latent_dim, seed=None):
    """Draws `z ~ N(0, I)`.

    Args:
        num_samples: int, number of latent vectors.
        latent_dim: int, size of each vector.
        seed: int >= 0 or None (fresh entropy). The same seed gives the
            same vectors (`np.random.default_rng(seed)`).

    Returns:
        float32 array of shape `(num_samples, latent_dim)`.

    Raises:
        ValueError: if `num_samples` or `latent_dim` is not a positive int, or
            `seed` is not None or an int >= 0 (a bool is neither).
    """
    for name, value in (("num_samples", num_samples), ("latent_dim", latent_dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"`{name}` must be a positive int. Received: {value!r}")
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise ValueError(f"`seed` must be None or an int >= 0. Received: {seed!r}")
    rng = np.random.default_rng(seed)
    return rng.standard_normal((int(num_samples), int(latent_dim)), dtype=np.float32)


def interpolate_latents(z_start, z_end, num_steps=8, spherical=False):
    """Points on the path from `z_start` to `z_end`, both ends included.

    Walking the latent space this way shows whether the generator has learned
    a smooth manifold rather than memorised samples: Goodfellow et al. 2014,
    Fig. 3 ("linearly interpolating between coordinates in z space") and
    Radford et al. 2016, Sec. 6.1. Spherical interpolation (White 2016,
    "Sampling Generative Networks") keeps the norm typical of a Gaussian `z`.

    Args:
        z_start: float array of shape `(latent_dim,)`.
        z_end: float array of shape `(latent_dim,)`.
        num_steps: int >= 2, number of points.
        spherical: bool, slerp instead of a straight line.

    Returns:
        float32 array of shape `(num_steps, latent_dim)`; row 0 is `z_start`,
        the last row `z_end`.

    Raises:
        ValueError: if the two vectors are not 1-D of the same size, or
            `num_steps < 2`.
    """
    z_start = np.asarray(z_start, dtype=np.float64)
    z_end = np.asarray(z_end, dtype=np.float64)
    if z_start.ndim != 1 or z_start.shape != z_end.shape:
        raise ValueError(
            "`z_start` and `z_end` must be 1-D vectors of the same size. "
            f"Received shapes {z_start.shape} and {z_end.shape}."
        )
    if not isinstance(num_steps, (int, np.integer)) or num_steps < 2:
        raise ValueError(f"`num_steps` must be an int >= 2. Received: {num_steps!r}")
    t = np.linspace(0.0, 1.0, int(num_steps))[:, None]
    if spherical:
        cos_omega = np.dot(z_start, z_end) / (np.linalg.norm(z_start) * np.linalg.norm(z_end))
        omega = np.arccos(np.clip(cos_omega, -1.0, 1.0))
        if omega > 1e-6:
            path = (np.sin((1.0 - t) * omega) * z_start + np.sin(t * omega) * z_end) / np.sin(omega)
            return path.astype(np.float32)
    return ((1.0 - t) * z_start + t * z_end).astype(np.float32)
