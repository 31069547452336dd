"""`load_image_dataset`: a batched `tf.data` pipeline of images scaled to `[-1, 1]`."""

import numbers

import numpy as np
import tensorflow as tf

from ganzoo.data.image_arrays import load_image_arrays


def load_image_dataset(
    name,
    split="train",
    *,
    batch_size,
    with_labels=False,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    cache=True,
    source="auto",
    data_dir=None,
    take=None,
    random_flip=False,
):
    """Builds a training-ready `tf.data.Dataset` of one image dataset split.

    The split is read with `load_image_arrays` (see `ganzoo.data.image_arrays`
    for the sources and the order `source="auto"` tries), then:
    `take` -> `cache` (uint8, so the cache is four times smaller than float32)
    -> `shuffle` (buffer = the whole split, reshuffled each epoch) -> `batch`
    -> scale whole batches to `[-1, 1]` as `x / 127.5 - 1` -> with
    `random_flip`, flip each image left-right with probability 1/2 ->
    `prefetch`.

    Args:
        name: `"fashion_mnist"`, `"mnist"` or `"cifar10"`.
        split: `"train"` or `"test"`, optionally sliced, e.g. `"train[:50000]"`
            (see `load_image_arrays`).
        batch_size: positive `int`, examples per batch.
        with_labels: if `True`, yield `(images, labels)` pairs.
        shuffle: whether to shuffle the examples, differently each epoch.
        seed: optional `int` seed of the shuffle; the same seed gives the same
            order of epochs.
        drop_remainder: drop the last, smaller batch so every batch has
            exactly `batch_size` examples (a static batch dimension, and
            equal per-replica batches under `tf.distribute`).
        cache: keep the uint8 examples in memory after the first epoch.
        source: `"auto"`, `"tfds"`, `"idx"` or `"keras"`.
        data_dir: optional tfds data directory or directory of IDX files.
        take: optional positive `int`; use only the first `take` examples of
            the split (before shuffling), e.g. for smoke runs.
        random_flip: bool, flip each image left-right with probability 1/2,
            drawn anew every epoch (seeded by `seed`): the augmentation of
            CIFAR-10 GAN setups such as StudioGAN's (`apply_rflip`).

    Returns:
        `tf.data.Dataset` yielding float32 images of shape
        `(batch_size, H, W, C)` with values in `[-1, 1]`, or, with
        `with_labels=True`, `(images, labels)` with int32 labels of shape
        `(batch_size,)` in `[0, num_classes)`. The batch dimension is static
        when `drop_remainder=True`.

    Raises:
        TypeError: if `random_flip` is not a bool.
        ValueError: if `name`, `split`, `source`, `batch_size` or `take` is
            invalid, or if `drop_remainder=True` and the split (after `take`)
            holds fewer than `batch_size` examples. Also as raised by
            `load_image_arrays`.
        DataUnavailableError: if no source has the data.

    Example:

    >>> dataset = load_image_dataset(  # doctest: +SKIP
    ...     "fashion_mnist", batch_size=64, seed=0, take=1024
    ... )
    >>> next(iter(dataset)).shape  # doctest: +SKIP
    TensorShape([64, 28, 28, 1])
    """
    if not is_positive_int(batch_size):
        raise ValueError(f"batch_size must be a positive int, received {batch_size!r}.")
    if take is not None and not is_positive_int(take):
        raise ValueError(f"take must be None or a positive int, received {take!r}.")
    if not isinstance(random_flip, bool):
        raise TypeError(f"random_flip must be a bool, received {random_flip!r}.")
    images, labels = load_image_arrays(name, split, source=source, data_dir=data_dir)
    if take is not None:
        images = images[:take]
        labels = labels[:take]
    num_examples = images.shape[0]
    if drop_remainder and num_examples < batch_size:
        raise ValueError(
            f"Split {split!r} of {name!r} has {num_examples} examples"
            f"{'' if take is None else f' (take={take})'}, fewer than "
            f"batch_size={batch_size}: with drop_remainder=True it would yield no "
            "batch. Use a smaller batch_size or drop_remainder=False."
        )

    if with_labels:
        elements = (images, labels.astype(np.int32))
    else:
        elements = images
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(num_examples, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)

    if random_flip:
        # One stateless seed pair per batch, drawn anew each time the dataset
        # is iterated (every epoch): a seeded random op in `map` would
        # restart its sequence with each iterator and flip the same images.
        flip_seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        dataset = tf.data.Dataset.zip(dataset, flip_seeds)

        def preprocess(element, flip_seed):
            images, labels = element if with_labels else (element, None)
            # A 4-D batch: each image is flipped or not on its own.
            images = tf.image.stateless_random_flip_left_right(scale_images(images), flip_seed)
            return images if labels is None else (images, labels)

    elif with_labels:

        def preprocess(images, labels):
            return scale_images(images), labels

    else:
        preprocess = scale_images
    dataset = dataset.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def scale_images(images):
    """Maps uint8 `[0, 255]` to float32 `[-1, 1]`; 0 -> -1 and 255 -> 1 exactly."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def is_positive_int(value):
    """Whether `value` is an integer (not a bool) of at least 1."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1
