"""Instance noise: Gaussian noise on the discriminator's inputs (Sønderby et al. 2016)."""

import numbers

import tensorflow as tf

from ganzoo.augmentation.random_draws import RandomDraws


def add_instance_noise(images, stddev, seed=None):
    """Returns `images + stddev * n` with `n ~ N(0, I)`, one draw per value.

    Instance noise blurs the real and the generated distributions with the
    same Gaussian so that their supports overlap; the discriminator can then
    no longer separate them perfectly and its gradients stay informative
    (Sønderby et al. 2016; Arjovsky & Bottou 2017 give the theory). Add it
    to the real AND the generated images before the discriminator, in the
    discriminator's update and in the generator's (a separate call, and so
    separate noise, for each batch), and anneal `stddev` to 0 during
    training with `InstanceNoiseSchedule`, so that the end of training fits
    the noise-free distributions. The noise is differentiable in `images`:
    the generator's gradient passes through unchanged.

    Values are not clipped: noisy images leave `[-1, 1]`, as they must for
    the two blurred distributions to overlap. The sum is computed in
    float32 and returned in the input dtype.

    Args:
        images: float tensor (float32, float16 or bfloat16) of shape
            `(batch, ...)`, e.g. `(batch, height, width, channels)` in
            `[-1, 1]`.
        stddev: float >= 0 or a float scalar tensor (e.g.
            `schedule(optimizer.iterations)`): the standard deviation. A
            Python 0 returns `images` itself without drawing noise.
        seed: a `keras.random.SeedGenerator` (one per training run), an int
            (the same noise on every call), an int tensor of shape `(2,)` (a
            stateless seed) or None (Keras' global seed state; eager use
            only). Under `tf.distribute` each replica takes its rows of a
            global-batch draw.

    Returns:
        tensor of the shape and dtype of `images`.

    Raises:
        TypeError: if `images` is not floating point or `seed` has an
            unsupported type.
        ValueError: if a Python `stddev` is negative, or `images` has no
            batch axis.

    Reference:
        Sønderby, Caballero, Theis, Shi & Huszár, "Amortised MAP Inference
        for Image Super-resolution", ICLR 2017 (arXiv:1610.04490, 2016),
        "instance noise". Arjovsky & Bottou, "Towards Principled Methods for
        Training Generative Adversarial Networks", ICLR 2017.

    Example:

    >>> import keras
    >>> images = keras.ops.zeros((2, 8, 8, 1))
    >>> noisy = add_instance_noise(images, 0.1, seed=keras.random.SeedGenerator(0))
    >>> tuple(noisy.shape)
    (2, 8, 8, 1)
    """
    if not tf.is_tensor(images):
        images = tf.convert_to_tensor(images)
    dtype = tf.as_dtype(images.dtype)
    if not dtype.is_floating:
        raise TypeError(f"`images` must be a floating-point tensor. Received dtype {dtype.name}.")
    if images.shape.rank is None or images.shape.rank < 1:
        raise ValueError(f"`images` must have a batch axis. Received shape {tuple(images.shape)}.")
    if isinstance(stddev, numbers.Real) and not isinstance(stddev, bool):
        if stddev < 0:
            raise ValueError(f"`stddev` must be >= 0. Received: {stddev!r}")
        if stddev == 0:
            return images
    elif isinstance(stddev, bool) or not tf.is_tensor(stddev):
        raise TypeError(
            f"`stddev` must be a number or a scalar tensor. Received: {stddev!r} of type "
            f"{type(stddev).__name__}."
        )
    shape = tf.shape(images)
    noise = RandomDraws(seed).normal(shape[0], shape[1:])
    stddev = tf.cast(stddev, "float32")
    return tf.cast(tf.cast(images, "float32") + stddev * noise, images.dtype)
