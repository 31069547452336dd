"""Differentiable Augmentation, DiffAugment (Zhao et al. 2020)."""

import tensorflow as tf

from ganzoo.augmentation.random_draws import RandomDraws

DEFAULT_POLICY = "color,translation,cutout"
"""The paper's policy for its main results: all three transformation groups."""


def diff_augment(images, policy=DEFAULT_POLICY, seed=None):
    """Applies DiffAugment's random, differentiable transformations to images.

    DiffAugment augments both the real and the generated images that the
    discriminator sees, in the discriminator's update and in the
    generator's: `D(T(x))` and `D(T(G(z)))` with the same policy `T`.
    Because every transformation is differentiable in the pixels, the
    generator's gradient flows through `T`, and because `T` is applied to
    both, the discriminator cannot tell real from fake by the augmentation
    (the failure of augmenting real images only; Zhao et al., Sec. 3). Call
    this function on each batch before the discriminator, with one
    `keras.random.SeedGenerator` for the training run.

    The policy is a comma-separated list of groups, applied in order, each
    with its own random parameters per example (from the authors'
    `DiffAugment_tf.py`):

    - `"color"`: `rand_brightness` (add `b ~ U[-0.5, 0.5)`),
      `rand_saturation` (scale the deviation from the per-pixel channel
      mean by `s ~ U[0, 2)`), `rand_contrast` (scale the deviation from the
      per-image mean by `c ~ U[0.5, 1.5)`);
    - `"translation"`: `rand_translation`, a shift by a whole number of
      pixels, up to 1/8 of the height and of the width in each direction,
      filling with zeros;
    - `"cutout"`: `rand_cutout`, zeroing a `height // 2 x width // 2`
      rectangle at a random centre (clipped at the image border).

    Value range: nothing is clipped, as in the official code. Translation
    and cutout only move values and insert zeros, so images in `[-1, 1]`
    stay there; the color group leaves that range (brightness alone shifts
    an image by up to 0.5). The discriminator sees the same distribution of
    transformations on real and generated images, so this is intended; do
    not clip, which would cut gradients.

    Works under `tf.function`, XLA and `tf.distribute` (see `RandomDraws`
    in `ganzoo.augmentation.random_draws`). The transformations compute in
    float32 and return the input dtype.

    Args:
        images: float tensor (float32, float16 or bfloat16) of shape
            `(batch, height, width, channels)`, values in `[-1, 1]`.
        policy: str, comma-separated group names among `"color"`,
            `"translation"`, `"cutout"`; `""` returns `images` unchanged.
        seed: a `keras.random.SeedGenerator` (one per training run), an
            int (the same transformations on every call), an int tensor of
            shape `(2,)` (a stateless seed) or None (Keras' global seed
            state; eager use only).

    Returns:
        tensor of the shape and dtype of `images`.

    Raises:
        ValueError: if a policy name is unknown (the message lists the valid
            ones) or `images` is not rank 4.
        TypeError: if `images` is not floating point, `policy` is not a
            string, or `seed` has an unsupported type.

    Reference:
        Zhao, Liu, Lin, Zhu & Han, "Differentiable Augmentation for
        Data-Efficient GAN Training", NeurIPS 2020, Sec. 3 and the authors'
        `DiffAugment_tf.py` (github.com/mit-han-lab/data-efficient-gans).

    Example:

    >>> import keras
    >>> images = keras.random.uniform((4, 32, 32, 3), -1.0, 1.0, seed=0)
    >>> augmented = diff_augment(images, seed=keras.random.SeedGenerator(0))
    >>> tuple(augmented.shape), augmented.dtype.name
    ((4, 32, 32, 3), 'float32')
    """
    names = _parse_policy(policy)
    images = _check_images(images)
    if not names:
        return images
    draws = RandomDraws(seed)
    output = tf.cast(images, "float32")
    for name in names:
        for transformation in _POLICIES[name]:
            output = transformation(output, draws)
    return tf.cast(output, images.dtype)


def rand_brightness(images, seed=None):
    """Adds one `b ~ U[-0.5, 0.5)` per example to every pixel and channel.

    Args:
        images: float tensor of shape `(batch, height, width, channels)`.
        seed: see `diff_augment`.

    Returns:
        tensor of the shape and dtype of `images`, not clipped.

    Raises:
        TypeError, ValueError: as `diff_augment`.
    """
    return _apply(_brightness, images, seed)


def rand_saturation(images, seed=None):
    """Scales each pixel's deviation from its channel mean by `s ~ U[0, 2)`.

    `x' = (x - mean_c(x)) * s + mean_c(x)`, one `s` per example: 0 turns the
    image to grey, 2 doubles its saturation. The official code calls this
    `rand_color`.

    Args:
        images: float tensor of shape `(batch, height, width, channels)`.
        seed: see `diff_augment`.

    Returns:
        tensor of the shape and dtype of `images`, not clipped.

    Raises:
        TypeError, ValueError: as `diff_augment`.
    """
    return _apply(_saturation, images, seed)


def rand_contrast(images, seed=None):
    """Scales each value's deviation from the image mean by `c ~ U[0.5, 1.5)`.

    `x' = (x - mean(x)) * c + mean(x)`, with the mean over height, width and
    channels of each example and one `c` per example.

    Args:
        images: float tensor of shape `(batch, height, width, channels)`.
        seed: see `diff_augment`.

    Returns:
        tensor of the shape and dtype of `images`, not clipped.

    Raises:
        TypeError, ValueError: as `diff_augment`.
    """
    return _apply(_contrast, images, seed)


def rand_translation(images, seed=None):
    """Shifts each image by whole pixels, filling with zeros.

    One vertical shift `t_y` and one horizontal shift `t_x` per example,
    integers uniform in `[-(height // 8), height // 8]` and
    `[-(width // 8), width // 8]`: output pixel `(i, j)` is input pixel
    `(i + t_y, j + t_x)`, or 0 where that falls outside the image.

    Args:
        images: float tensor of shape `(batch, height, width, channels)`.
        seed: see `diff_augment`.

    Returns:
        tensor of the shape and dtype of `images`.

    Raises:
        TypeError, ValueError: as `diff_augment`.
    """
    return _apply(_translation, images, seed)


def rand_cutout(images, seed=None):
    """Zeros one `height // 2 x width // 2` rectangle per image.

    The rectangle covers rows `[o_y - size_y // 2, o_y - size_y // 2 +
    size_y)` (and likewise columns) with `size_y = height // 2` and a centre
    `o_y` uniform in `[0, height]` for an even `size_y` (`[0, height - 1]`
    for an odd one), so part of it may fall outside the image; the part
    inside is set to 0 in every channel.

    Args:
        images: float tensor of shape `(batch, height, width, channels)`.
        seed: see `diff_augment`.

    Returns:
        tensor of the shape and dtype of `images`.

    Raises:
        TypeError, ValueError: as `diff_augment`.
    """
    return _apply(_cutout, images, seed)


def _apply(transformation, images, seed):
    images = _check_images(images)
    output = transformation(tf.cast(images, "float32"), RandomDraws(seed))
    return tf.cast(output, images.dtype)


def _brightness(images, draws):
    magnitude = draws.uniform(tf.shape(images)[0], (1, 1, 1)) - 0.5
    return images + magnitude


def _saturation(images, draws):
    magnitude = draws.uniform(tf.shape(images)[0], (1, 1, 1)) * 2.0
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    return (images - mean) * magnitude + mean


def _contrast(images, draws):
    magnitude = draws.uniform(tf.shape(images)[0], (1, 1, 1)) + 0.5
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * magnitude + mean


def _translation(images, draws):
    shape = tf.shape(images)
    batch_size, height, width = shape[0], shape[1], shape[2]
    shift_y, shift_x = height // 8, width // 8
    translation_y = draws.uniform(batch_size, (1,), -shift_y, shift_y + 1, dtype="int32")
    translation_x = draws.uniform(batch_size, (1,), -shift_x, shift_x + 1, dtype="int32")
    # Index into the image padded with one zero on each side: positions that
    # leave the image are clipped onto the padding.
    rows = tf.clip_by_value(tf.range(height)[tf.newaxis, :] + translation_y + 1, 0, height + 1)
    columns = tf.clip_by_value(tf.range(width)[tf.newaxis, :] + translation_x + 1, 0, width + 1)
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]])
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(shifted, columns, axis=2, batch_dims=1)


def _cutout(images, draws):
    shape = tf.shape(images)
    batch_size, height, width = shape[0], shape[1], shape[2]
    size_y, size_x = height // 2, width // 2
    centre_y = draws.uniform(batch_size, (1,), 0, height + (1 - size_y % 2), dtype="int32")
    centre_x = draws.uniform(batch_size, (1,), 0, width + (1 - size_x % 2), dtype="int32")
    start_y = centre_y - size_y // 2
    start_x = centre_x - size_x // 2
    rows = tf.range(height)[tf.newaxis, :]
    columns = tf.range(width)[tf.newaxis, :]
    inside_rows = (rows >= start_y) & (rows < start_y + size_y)  # (batch, height)
    inside_columns = (columns >= start_x) & (columns < start_x + size_x)  # (batch, width)
    inside = inside_rows[:, :, tf.newaxis] & inside_columns[:, tf.newaxis, :]
    mask = 1.0 - tf.cast(inside, images.dtype)
    return images * mask[:, :, :, tf.newaxis]


_POLICIES = {
    "color": (_brightness, _saturation, _contrast),
    "translation": (_translation,),
    "cutout": (_cutout,),
}


def _parse_policy(policy):
    if not isinstance(policy, str):
        raise TypeError(
            f"`policy` must be a comma-separated string such as {DEFAULT_POLICY!r}. "
            f"Received: {policy!r} of type {type(policy).__name__}."
        )
    names = [name.strip() for name in policy.split(",") if name.strip()]
    unknown = [name for name in names if name not in _POLICIES]
    if unknown:
        raise ValueError(
            f"Unknown DiffAugment policy name(s) {unknown} in policy={policy!r}. "
            f"Valid names: {sorted(_POLICIES)}."
        )
    return names


def _check_images(images):
    if not tf.is_tensor(images):
        images = tf.convert_to_tensor(images)
    dtype = tf.as_dtype(images.dtype)
    if not dtype.is_floating:
        raise TypeError(
            f"`images` must be a floating-point tensor with values in [-1, 1]. Received "
            f"dtype {dtype.name}; scale uint8 images with `images / 127.5 - 1`."
        )
    if images.shape.rank != 4:
        raise ValueError(
            "`images` must have shape (batch, height, width, channels). Received shape "
            f"{tuple(images.shape)}."
        )
    return images
