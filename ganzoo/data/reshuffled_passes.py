"""An endless stream of passes over a small dataset, each pass a fresh permutation."""

import tensorflow as tf


def reshuffled_passes(dataset, size, seed=None):
    """Repeats `dataset` forever, each pass in a new random order.

    The dataset is read once into memory as one batch (so its elements must
    share one shape: file paths, encoded bytes, labelled examples). Pass `p`
    of an iterator is the permutation `stateless_shuffle(range(size), (r,
    p))`, with `r` drawn once per iterator from
    `tf.data.Dataset.random(seed, rerandomize_each_iteration=True)`: every new
    iterator (epoch) gets new orders, and the same `seed` the same sequence.

    This replaces `shuffle(reshuffle_each_iteration=True).repeat()`, whose
    passes take their orders from a seed state shared with every live
    iterator of the dataset: an abandoned iterator that still prefetches
    (Keras builds a model from one, then trains on another) changes the
    orders the next iterator gets, depending on thread timing.

    Args:
        dataset: a `tf.data.Dataset` of exactly `size` elements of one shape.
        size: int >= 1, its number of elements.
        seed: int or None (None: not reproducible).

    Returns:
        An infinite `tf.data.Dataset` of `dataset`'s elements, `size` per
        pass, each pass a permutation.
    """
    draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).take(1)
    whole = dataset.batch(size)

    def passes(draw, elements):
        def one_pass(pass_index):
            order = tf.random.experimental.stateless_shuffle(
                tf.range(size, dtype=tf.int64), seed=tf.stack([draw, pass_index])
            )
            return tf.data.Dataset.from_tensor_slices(
                tf.nest.map_structure(lambda values: tf.gather(values, order), elements)
            )

        return tf.data.Dataset.range(2**62).flat_map(one_pass)

    stream = tf.data.Dataset.zip(draws, whole).flat_map(passes)
    # flat_map hides that the stream is endless; zip needs it to know epoch lengths.
    return stream.apply(tf.data.experimental.assert_cardinality(tf.data.INFINITE_CARDINALITY))
