"""Semi-supervised training data: a small, seeded, class-balanced labelled subset.

The labels of a semi-supervised benchmark are its scarce resource, so this
module keeps them where they belong: `select_labelled_subset` picks the
labelled examples, and `semi_supervised_dataset` builds a pipeline whose only
labels are those examples' labels. The unlabelled stream is built from the
images alone; the full label array never enters the `tf.data` graph, so no
code downstream can read a label it was not given.
"""

import dataclasses
import numbers

import numpy as np
import tensorflow as tf

from ganzoo.data.dataset_registry import dataset_info
from ganzoo.data.image_arrays import load_image_arrays
from ganzoo.data.image_arrays import parse_split
from ganzoo.data.image_dataset import is_positive_int
from ganzoo.data.image_dataset import scale_images
from ganzoo.data.reshuffled_passes import reshuffled_passes

UNLABELLED_IMAGES = "images"
"""Key of the unlabelled images in each batch."""

LABELLED_IMAGES = "labelled_images"
"""Key of the labelled images in each batch."""

LABELS = "labels"
"""Key of the labels of `LABELLED_IMAGES` in each batch."""


@dataclasses.dataclass(frozen=True)
class SemiSupervisedData:
    """A semi-supervised training pipeline and the labelled subset it uses.

    Attributes:
        dataset: `tf.data.Dataset` of dicts, see `semi_supervised_dataset`.
        labelled_indices: int64 array of shape `(num_labels,)`, sorted indices
            of the labelled examples in the training split.
        labelled_labels: int32 array of shape `(num_labels,)`, their labels.
        num_unlabelled: int, the number of images in the unlabelled stream
            (the whole split, labelled examples included, without labels).
    """

    dataset: tf.data.Dataset
    labelled_indices: np.ndarray
    labelled_labels: np.ndarray
    num_unlabelled: int


def select_labelled_subset(labels, num_labels, num_classes, seed):
    """Chooses `num_labels` examples, balanced per class, from a seed.

    Each class gets `num_labels // num_classes` examples; the remaining
    `num_labels % num_classes` go to distinct classes drawn with the seed
    (so per-class counts differ by at most one, e.g. 25 labels over 10
    classes give five classes 3 and five classes 2). Within a class the
    examples are drawn uniformly without replacement. The same labels, count
    and seed always give the same subset (NumPy's `default_rng(seed)`).

    Args:
        labels: integer array-like of shape `(num_examples,)`, values in
            `[0, num_classes)`.
        num_labels: int in `[1, num_examples]`, the size of the subset.
        num_classes: int >= 1.
        seed: int, chooses the subset.

    Returns:
        int64 NumPy array of shape `(num_labels,)`: sorted indices into
        `labels`.

    Raises:
        TypeError: if `labels` are not integers.
        ValueError: if `labels` is not 1-D, holds a value outside
            `[0, num_classes)`, `num_labels` is not a positive int, or a class
            has fewer examples than its share.
    """
    labels = _check_labels(labels, num_classes)
    if not is_positive_int(num_labels):
        raise ValueError(f"`num_labels` must be a positive int. Received: {num_labels!r}")
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise TypeError(
            f"`seed` must be an int; it chooses the labelled subset. Received: {seed!r}"
        )
    rng = np.random.default_rng(seed)
    quotas = np.full(num_classes, num_labels // num_classes)
    quotas[rng.choice(num_classes, num_labels % num_classes, replace=False)] += 1
    chosen = []
    for label, quota in enumerate(quotas):
        candidates = np.flatnonzero(labels == label)
        if candidates.size < quota:
            raise ValueError(
                f"Class {label} has {candidates.size} examples, fewer than its share of "
                f"{quota} in a balanced subset of num_labels={num_labels} over "
                f"{num_classes} classes."
            )
        chosen.append(rng.choice(candidates, quota, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def semi_supervised_dataset(
    images,
    labels,
    *,
    num_labels,
    num_classes,
    batch_size,
    labelled_batch_size=None,
    seed=0,
    cache=True,
):
    """Builds the pipeline of a semi-supervised GAN from images and labels.

    Two streams are zipped, one batch of each per step:

    - unlabelled: every image of `images` (the labelled ones too, as in
      Salimans et al. 2016, Sec. 5), without labels, shuffled each epoch,
      batched with `drop_remainder=True`. One pass over it is one epoch.
    - labelled: only the `num_labels` examples of `select_labelled_subset`,
      reshuffled on every pass and repeated as often as the unlabelled
      stream needs.

    Images are uint8 `[0, 255]` and scaled to `[-1, 1]` per batch as
    `x / 127.5 - 1`.

    Args:
        images: uint8 array of shape `(num_examples, height, width, channels)`.
        labels: integer array of shape `(num_examples,)` in `[0, num_classes)`;
            only the labelled subset's entries are used.
        num_labels: int, the size of the labelled subset.
        num_classes: int >= 1.
        batch_size: int >= 1, unlabelled images per batch.
        labelled_batch_size: int >= 1, labelled images per batch; defaults to
            `batch_size` (as Salimans et al. 2016). It may exceed `num_labels`:
            the labelled stream then repeats examples within a batch.
        seed: int, chooses the labelled subset and seeds both shuffles.
        cache: keep the unlabelled uint8 images in memory after the first
            epoch.

    Returns:
        `SemiSupervisedData`. Its `dataset` yields dicts with
        `"images"`: float32 `(batch_size, height, width, channels)` in
        `[-1, 1]`; `"labelled_images"`: float32 `(labelled_batch_size,
        height, width, channels)` in `[-1, 1]`; `"labels"`: int32
        `(labelled_batch_size,)`.

    Raises:
        TypeError: if `images` is not uint8 or `labels` are not integers.
        ValueError: if the shapes disagree, a label is outside
            `[0, num_classes)`, a batch size is not a positive int, there are
            fewer than `batch_size` images, or as `select_labelled_subset`.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, Sec. 5. Odena, "Semi-Supervised Learning with Generative
        Adversarial Networks", 2016.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4:
        raise TypeError(
            "`images` must be a uint8 array of shape (num_examples, height, width, "
            f"channels). Received dtype {images.dtype} and shape {images.shape}."
        )
    labels = _check_labels(labels, num_classes)
    if len(labels) != len(images):
        raise ValueError(
            f"`images` and `labels` must have one entry per example. Received "
            f"{len(images)} images and {len(labels)} labels."
        )
    labelled_batch_size = batch_size if labelled_batch_size is None else labelled_batch_size
    for argument, value in (
        ("batch_size", batch_size),
        ("labelled_batch_size", labelled_batch_size),
    ):
        if not is_positive_int(value):
            raise ValueError(f"`{argument}` must be a positive int. Received: {value!r}")
    if len(images) < batch_size:
        raise ValueError(
            f"There are {len(images)} images, fewer than batch_size={batch_size}; "
            "the unlabelled stream would yield no batch."
        )
    indices = select_labelled_subset(labels, num_labels, num_classes, seed)
    labelled_images = images[indices]
    labelled_labels = labels[indices].astype(np.int32)

    unlabelled = tf.data.Dataset.from_tensor_slices(images)
    if cache:
        unlabelled = unlabelled.cache()
    unlabelled = unlabelled.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    unlabelled = unlabelled.batch(batch_size, drop_remainder=True)
    labelled = reshuffled_passes(
        tf.data.Dataset.from_tensor_slices((labelled_images, labelled_labels)),
        len(indices),
        seed=seed + 1,
    ).batch(labelled_batch_size, drop_remainder=True)
    dataset = tf.data.Dataset.zip(unlabelled, labelled).map(
        _to_batch, num_parallel_calls=tf.data.AUTOTUNE
    )
    return SemiSupervisedData(
        dataset=dataset.prefetch(tf.data.AUTOTUNE),
        labelled_indices=indices,
        labelled_labels=labelled_labels,
        num_unlabelled=len(images),
    )


def load_semi_supervised_dataset(
    name,
    *,
    num_labels,
    batch_size,
    labelled_batch_size=None,
    seed=0,
    split="train",
    source="auto",
    data_dir=None,
    take=None,
):
    """`semi_supervised_dataset` on one split of a named dataset.

    Args:
        name: `"fashion_mnist"`, `"mnist"` or `"cifar10"`.
        num_labels: int, the size of the labelled subset.
        batch_size: int, unlabelled images per batch.
        labelled_batch_size: int or None (= `batch_size`).
        seed: int, chooses the labelled subset and seeds the shuffles.
        split: str, `"train"` or a tfds-style slice of it such as
            `"train[:50000]"` (the labelled subset is drawn from this slice,
            so that `"train[50000:]"` can validate); see
            `ganzoo.data.load_image_arrays`.
        source: `"auto"`, `"tfds"`, `"idx"` or `"keras"`; see
            `ganzoo.data.load_image_arrays`.
        data_dir: optional tfds data directory or directory of IDX files.
        take: optional positive int; use only the first `take` training
            examples (smoke runs).

    Returns:
        `SemiSupervisedData`, see `semi_supervised_dataset`.

    Raises:
        ValueError: if `split` is not a slice of `"train"`; as
            `semi_supervised_dataset` and `load_image_arrays`.
        DataUnavailableError: if no source has the data.
    """
    if take is not None and not is_positive_int(take):
        raise ValueError(f"`take` must be None or a positive int. Received: {take!r}")
    if parse_split(split)[0] != "train":
        raise ValueError(
            "A semi-supervised GAN trains on (a slice of) the training split; the test "
            f"split is for the classifier's accuracy. Received split={split!r}."
        )
    info = dataset_info(name)
    images, labels = load_image_arrays(name, split, source=source, data_dir=data_dir)
    if take is not None:
        images, labels = images[:take], labels[:take]
    return semi_supervised_dataset(
        images,
        labels,
        num_labels=num_labels,
        num_classes=info.num_classes,
        batch_size=batch_size,
        labelled_batch_size=labelled_batch_size,
        seed=seed,
    )


def _to_batch(unlabelled_images, labelled):
    labelled_images, labels = labelled
    return {
        UNLABELLED_IMAGES: scale_images(unlabelled_images),
        LABELLED_IMAGES: scale_images(labelled_images),
        LABELS: labels,
    }


def _check_labels(labels, num_classes):
    if not is_positive_int(num_classes):
        raise ValueError(f"`num_classes` must be a positive int. Received: {num_classes!r}")
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"Labels must be integers in [0, {num_classes}). Received dtype {labels.dtype}."
        )
    if labels.ndim != 1:
        raise ValueError(f"Labels must have shape (num_examples,). Received {labels.shape}.")
    bad = np.unique(labels[(labels < 0) | (labels >= num_classes)])
    if bad.size:
        listed = ", ".join(str(int(value)) for value in bad[:10])
        raise ValueError(
            f"Labels must be in [0, {num_classes}) (num_classes={num_classes}). "
            f"Received out-of-range labels: [{listed}{', ...' if bad.size > 10 else ''}]."
        )
    return labels
