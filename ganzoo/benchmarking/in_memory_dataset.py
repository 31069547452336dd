"""`in_memory_dataset`: a few training batches held in memory and repeated forever.

A throughput benchmark feeds every contender the same batches from memory,
so that the input pipeline (reading, decoding, augmenting) is not what it
measures. Imports TensorFlow when called.
"""

import itertools

import numpy as np


def in_memory_dataset(batches, num_batches):
    """The first `num_batches` of `batches`, stacked in memory and repeated forever.

    Args:
        batches: iterable of batches of one structure and shape: NumPy
            arrays, or tuples or dicts of them (e.g. a `tf.data.Dataset`'s
            `as_numpy_iterator()`). When it holds fewer than `num_batches`
            (a tiny `take`), they are cycled through.
        num_batches: int >= 1, distinct batches.

    Returns:
        `tf.data.Dataset` yielding the batches in order, again and again,
        with 2 batches prefetched.

    Raises:
        ValueError: if `num_batches` is below 1 or `batches` is empty.
    """
    import tensorflow as tf

    if num_batches < 1:
        raise ValueError(f"`num_batches` must be at least 1. Received: {num_batches!r}.")
    batches = list(itertools.islice(batches, num_batches))
    if not batches:
        raise ValueError("`batches` must hold at least one batch. Received none.")
    batches = [batches[index % len(batches)] for index in range(num_batches)]
    stacked = tf.nest.map_structure(lambda *arrays: np.stack(arrays), *batches)
    return tf.data.Dataset.from_tensor_slices(stacked).repeat().prefetch(2)
