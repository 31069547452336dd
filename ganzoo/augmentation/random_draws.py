"""Seeded per-example random draws shared by the augmentations.

The augmentations draw their random parameters through `RandomDraws`, which
turns any accepted `seed` into one stateless base seed per call and derives
an independent seed for each draw from it, so a call inside `tf.function`
or under XLA is a pure function of the seed. Under `tf.distribute` each draw
is made for the global batch and every replica takes its own rows, so a step
on N replicas sees the same random numbers as one device would on the same
global batch (the convention of the ganzoo training wrappers' latents).
"""

import keras
import tensorflow as tf

from ganzoo.training.distribution import draw_for_replica


class RandomDraws:
    """Independent stateless draws from one seed, sliced for this replica.

    Args:
        seed: a `keras.random.SeedGenerator` (advanced once per
            `RandomDraws`; what a `train_step` passes), an int (the same
            draws on every call), an int tensor of shape `(2,)` (a stateless
            seed, e.g. one that folds in the step), or None (Keras' global
            seed state; for eager use).

    Raises:
        TypeError: if `seed` is none of these.
    """

    def __init__(self, seed):
        self._base_seed = _base_seed(seed)
        self._num_draws = 0

    def uniform(self, batch_size, feature_shape=(), minval=0.0, maxval=1.0, dtype="float32"):
        """Uniform values in `[minval, maxval)` of shape `(batch_size, *feature_shape)`.

        With an integer `dtype`, integers in `[minval, maxval)`.
        """
        seed = self._next_seed()

        def draw(size):
            return tf.random.stateless_uniform(
                _shape(size, feature_shape), seed=seed, minval=minval, maxval=maxval, dtype=dtype
            )

        return draw_for_replica(draw, batch_size)

    def normal(self, batch_size, feature_shape=()):
        """Standard normal float32 values of shape `(batch_size, *feature_shape)`."""
        seed = self._next_seed()

        def draw(size):
            return tf.random.stateless_normal(_shape(size, feature_shape), seed=seed)

        return draw_for_replica(draw, batch_size)

    def _next_seed(self):
        # The count is a Python int that advances while the function is
        # traced, identically on every trace: each draw gets its own seed.
        seed = tf.random.experimental.stateless_fold_in(self._base_seed, self._num_draws)
        self._num_draws += 1
        return seed


def _base_seed(seed):
    if isinstance(seed, keras.random.SeedGenerator):
        return tf.cast(seed.next(), "int64")
    if isinstance(seed, int) and not isinstance(seed, bool):
        return tf.constant([seed, 0], dtype="int64")
    if seed is None:
        return tf.cast(keras.random.randint((2,), 0, 2**31 - 1, seed=None), "int64")
    if tf.is_tensor(seed) and tf.as_dtype(seed.dtype).is_integer and seed.shape == (2,):
        return tf.cast(seed, "int64")
    raise TypeError(
        "`seed` must be a keras.random.SeedGenerator, an int, an int tensor of shape "
        f"(2,) or None. Received: {seed!r} of type {type(seed).__name__}."
    )


def _shape(size, feature_shape):
    if isinstance(feature_shape, (tuple, list)):
        return (size, *feature_shape)
    return tf.concat([tf.reshape(size, (1,)), tf.cast(feature_shape, size.dtype)], axis=0)
