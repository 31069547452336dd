"""Unpaired two-domain image data for CycleGAN: preprocessing, zipping, loading.

An unpaired dataset has two domains, X and Y (the "A" and "B" of the CycleGAN
datasets), each with a train and a test folder: `trainA/`, `trainB/`,
`testA/`, `testB/`. No image of X corresponds to any image of Y.

The training pipeline follows the official CycleGAN code
(junyanz/pytorch-CycleGAN-and-pix2pix, `data/unaligned_dataset.py` and
`data/base_dataset.py`, default `--preprocess resize_and_crop`):

- each image is resized to `load_size x load_size` (286) with bicubic
  interpolation, ignoring its aspect ratio, randomly cropped to
  `image_size x image_size` (256) and randomly flipped left-right;
- an epoch has `max(len(X), len(Y))` pairs; each domain is shuffled on its
  own, so which Y image meets which X image changes every epoch;
- pixels are scaled to `[-1, 1]`.

At test time (the official `test.py` sets `load_size = crop_size` and
`no_flip`) each image is resized straight to `image_size x image_size`.

Sources (`source=`):

- `"folders"`: `data_dir/trainA`, `data_dir/trainB`, `data_dir/testA`,
  `data_dir/testB`, each a flat folder of JPEG or PNG images (read with
  `ganzoo.data.image_folder`; every file is checked with Pillow first).
- `"tfds"`: the tfds `cycle_gan/<name>` dataset, whose splits are the same
  four names. `data_dir` is then the tfds data directory (default
  `$TFDS_DATA_DIR` or `~/tensorflow_datasets`). Prepared data is read first;
  a download is attempted only if the download host answers a quick
  connectivity check.
- `"auto"` (the default): `"folders"` when `data_dir` is given, else `"tfds"`.

When neither has the data, `DataUnavailableError` is raised within seconds
(no download retries) and says how to provide it.
"""

import logging
import numbers
import os

import numpy as np
import tensorflow as tf

from ganzoo.data import sources
from ganzoo.data.data_unavailable_error import CYCLE_GAN_PREFIX
from ganzoo.data.data_unavailable_error import DataUnavailableError
from ganzoo.data.image_arrays import DOWNLOAD_CHECK_TIMEOUT
from ganzoo.data.image_dataset import is_positive_int
from ganzoo.data.image_dataset import scale_images
from ganzoo.data.image_folder import check_image_files
from ganzoo.data.image_folder import decode_rgb_image
from ganzoo.data.image_folder import list_image_files
from ganzoo.data.image_folder import read_rgb_image
from ganzoo.data.reshuffled_passes import reshuffled_passes

UNPAIRED_SPLITS = ("trainA", "trainB", "testA", "testB")
"""The four folders (and tfds splits) of an unpaired dataset: domains A and B."""

CYCLE_GAN_DATASETS = (
    "apple2orange",
    "summer2winter_yosemite",
    "horse2zebra",
    "monet2photo",
    "cezanne2photo",
    "ukiyoe2photo",
    "vangogh2photo",
    "maps",
    "facades",
    "iphone2dslr_flower",
)
"""The configs of tfds' `cycle_gan` builder (tfds 4.9; it dropped "cityscapes")."""

SPLITS = ("train", "test")
"""Accepted values of `split=` in `load_unpaired_dataset`."""

SOURCES = ("auto", "folders", "tfds")
"""Accepted values of `source=`."""

DOMAIN_SPLITS = {"train": ("trainA", "trainB"), "test": ("testA", "testB")}
"""The `(X, Y)` domain splits of each split."""

_PREPROCESS_BATCH_SIZE = 64
"""Images decoded and resized at once by `load_unpaired_images`."""

logger = logging.getLogger("ganzoo.data")


def preprocess_unpaired_image(image, *, training, image_size=256, load_size=286, seed=None):
    """Scales one image to `[-1, 1]` and resizes it the way CycleGAN does.

    Training: bicubic resize to `(load_size, load_size)`, clipped back to
    `[-1, 1]` (bicubic overshoots), then a random `image_size` crop and a
    random left-right flip, both drawn from `seed` with stateless ops, so the
    same seed always gives the same crop and flip. Test: bicubic resize
    straight to `(image_size, image_size)`, nothing random. Resizing ignores
    the aspect ratio and antialiases when shrinking (as Pillow does in the
    official code).

    Args:
        image: uint8 tensor of shape `(height, width, 3)`, values in
            `[0, 255]`; any height and width.
        training: `bool`, whether to apply the training augmentation.
        image_size: positive `int`, side of the output image.
        load_size: positive `int` >= `image_size`, side the image is resized
            to before the random crop; used only when training.
        seed: int32 or int64 tensor of shape `(2,)`, the stateless seed of the
            crop and flip; required when training, ignored otherwise.

    Returns:
        float32 tensor of shape `(image_size, image_size, 3)`, values in
        `[-1, 1]`.

    Raises:
        TypeError: if `image` is not uint8.
        ValueError: if `image` is not `(height, width, 3)`, if a size is not a
            positive `int`, if `load_size < image_size`, or if `training` and
            `seed` is `None`.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Section 5 and
        Appendix 7.1 (286 -> random 256 crop, flips).

    Example:

    >>> image = tf.zeros((300, 200, 3), tf.uint8)
    >>> preprocess_unpaired_image(
    ...     image, training=True, image_size=32, load_size=36, seed=[1, 2]
    ... ).shape
    TensorShape([32, 32, 3])
    """
    check_image_sizes(image_size, load_size)
    image = tf.convert_to_tensor(image)
    if image.dtype != tf.uint8:
        raise TypeError(f"Expected a uint8 image, received dtype {image.dtype.name}.")
    if image.shape.rank is not None and (image.shape.rank != 3 or image.shape[-1] not in (3, None)):
        raise ValueError(
            f"Expected an image of shape (height, width, 3), received shape {image.shape}."
        )
    image = scale_images(image)
    if not training:
        return _resize(image, image_size)
    if seed is None:
        raise ValueError(
            "training=True needs seed, a stateless seed of shape (2,) for the random "
            "crop and flip; received seed=None."
        )
    crop_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    image = _resize(image, load_size)
    image = tf.image.stateless_random_crop(image, (image_size, image_size, 3), seed=crop_seed)
    return tf.image.stateless_random_flip_left_right(image, seed=flip_seed)


def _resize(image, size):
    """Bicubic resize of a `[-1, 1]` image to `(size, size)`, clipped to `[-1, 1]`."""
    image = tf.image.resize(image, (size, size), method="bicubic", antialias=True)
    return tf.clip_by_value(image, -1.0, 1.0)


def zip_unpaired(
    dataset_x,
    dataset_y,
    *,
    batch_size,
    shuffle=True,
    seed=None,
    shuffle_buffer=None,
    preprocess=None,
    drop_remainder=True,
):
    """Zips two unpaired domains into batches of `(x, y)` pairs.

    Each domain is shuffled on its own (`shuffle=True`) and optionally
    mapped by `preprocess`; the two streams are zipped and cut to
    `max(len(dataset_x), len(dataset_y))` pairs per iteration. One iteration
    (epoch) sees every image of the larger domain (of both, if equal) once,
    in a new order each epoch, and cycles the smaller domain about
    `max / min` times, each cycle a new permutation
    (`ganzoo.data.reshuffled_passes`, which holds the smaller domain's
    elements in memory: keep them cheap). The orders depend on `seed` alone,
    not on other live iterators of the dataset. With
    `shuffle=False` both keep their order and the smaller domain is cycled:
    pair `i` is `(x[i % len(x)], y[i % len(y)])`, as in the official test
    code (`serial_batches`).

    Shuffling happens before `preprocess`, so pass cheap elements (file
    paths, encoded bytes) and decode in `preprocess`: the shuffle buffer then
    holds strings, not decoded images.

    Args:
        dataset_x: unbatched `tf.data.Dataset` of domain X, finite. Its
            length is its cardinality, or counted when unknown.
        dataset_y: unbatched `tf.data.Dataset` of domain Y, finite.
        batch_size: positive `int`, pairs per batch.
        shuffle: whether to shuffle each domain, differently each epoch.
        seed: optional `int`; the same seed gives the same stream of batches
            (shuffles and `preprocess` seeds) for a newly built dataset.
            Each domain gets its own seeds derived from it.
        shuffle_buffer: optional positive `int`, elements in each domain's
            shuffle buffer; `None` means the whole domain (a full shuffle).
        preprocess: optional callable `preprocess(element, element_seed)`
            applied to every element of both domains after shuffling;
            `element_seed` is an int64 tensor of shape `(2,)` for stateless
            random ops, different for every element and every epoch. Its
            output is what the batches hold.
        drop_remainder: drop the last, smaller batch, so every batch has
            exactly `batch_size` pairs (a static batch dimension).

    Returns:
        `tf.data.Dataset` yielding `(batch_x, batch_y)`, each the batched
        elements of its domain (after `preprocess`), with
        `max(len_x, len_y) // batch_size` batches per iteration (rounded up
        when `drop_remainder=False`).

    Raises:
        ValueError: if a dataset is empty or infinite, if `batch_size`,
            `seed` or `shuffle_buffer` is invalid, or if `drop_remainder` and
            there are fewer pairs than `batch_size`.
        TypeError: if `preprocess` is not callable.

    Example:

    >>> x = tf.data.Dataset.range(5)
    >>> y = tf.data.Dataset.range(100, 103)
    >>> pairs = zip_unpaired(x, y, batch_size=5, shuffle=False)
    >>> [batch.numpy().tolist() for batch in next(iter(pairs))]
    [[0, 1, 2, 3, 4], [100, 101, 102, 100, 101]]
    """
    if not is_positive_int(batch_size):
        raise ValueError(f"batch_size must be a positive int, received {batch_size!r}.")
    _check_seed(seed)
    if shuffle_buffer is not None and not is_positive_int(shuffle_buffer):
        raise ValueError(
            f"shuffle_buffer must be None or a positive int, received {shuffle_buffer!r}."
        )
    if preprocess is not None and not callable(preprocess):
        raise TypeError(
            f"preprocess must be callable or None, received {type(preprocess).__name__}."
        )
    sizes = (_num_elements(dataset_x, "dataset_x"), _num_elements(dataset_y, "dataset_y"))
    num_pairs = max(sizes)
    if drop_remainder and num_pairs < batch_size:
        raise ValueError(
            f"The domains hold {sizes[0]} and {sizes[1]} elements, so an epoch has "
            f"{num_pairs} pairs, fewer than batch_size={batch_size}: with "
            "drop_remainder=True it would yield no batch. Use a smaller batch_size."
        )
    # Separate seeds for each domain's shuffle and preprocessing: with one seed,
    # two domains of equal size would be shuffled alike and always paired alike.
    if seed is None:
        seeds = [None] * 4
    else:
        seeds = [int(value) for value in np.random.SeedSequence(seed).generate_state(4)]
    domains = []
    for dataset, size, shuffle_seed, element_seed in zip(
        (dataset_x, dataset_y), sizes, seeds[:2], seeds[2:], strict=True
    ):
        if shuffle and size == num_pairs:
            # One pass per epoch, reshuffled when each new iterator starts.
            dataset = dataset.shuffle(
                shuffle_buffer or size, seed=shuffle_seed, reshuffle_each_iteration=True
            )
        elif shuffle:
            # The smaller domain cycles: each of its passes a permutation.
            dataset = reshuffled_passes(dataset, size, seed=shuffle_seed)
        else:
            dataset = dataset.repeat()
        if preprocess is not None:
            element_seeds = tf.data.Dataset.random(
                seed=element_seed, rerandomize_each_iteration=True
            ).batch(2)
            dataset = tf.data.Dataset.zip(dataset, element_seeds).map(
                preprocess, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
            )
        domains.append(dataset)
    pairs = tf.data.Dataset.zip(*domains).take(num_pairs)
    pairs = pairs.batch(batch_size, drop_remainder=drop_remainder)
    return pairs.prefetch(tf.data.AUTOTUNE)


def load_unpaired_dataset(
    name="horse2zebra",
    *,
    split="train",
    data_dir=None,
    image_size=256,
    load_size=286,
    batch_size=1,
    seed=None,
    take=None,
    shuffle_buffer=None,
    source="auto",
):
    """Builds the `(x, y)` pipeline of an unpaired dataset for CycleGAN.

    `split="train"` zips `trainA` (X) and `trainB` (Y) with the training
    augmentation (resize to `load_size`, random crop to `image_size`, random
    flip; see `preprocess_unpaired_image`), each domain shuffled on its own
    and `max(len_x, len_y)` pairs per epoch (see `zip_unpaired`).

    `split="test"` zips `testA` and `testB` in file order, each image resized
    straight to `image_size`, nothing shuffled or random, and keeps every
    image: `max(len_x, len_y)` pairs with the smaller domain cycled (pair `i`
    is `(x[i % len_x], y[i % len_y])`, as the official test code pairs them)
    and the last, smaller batch kept. For a whole domain as one array, use
    `load_unpaired_images`.

    Args:
        name: `str`. With tfds, one of `CYCLE_GAN_DATASETS`; with folders, a
            label used in messages only.
        split: `"train"` or `"test"`.
        data_dir: optional `str` or `os.PathLike`. For folders, the directory
            holding `trainA/`, `trainB/`, `testA/` and `testB/`; for
            `source="tfds"`, the tfds data directory.
        image_size: positive `int`, side of the square output images (256 in
            the paper).
        load_size: positive `int` >= `image_size`, side images are resized to
            before the random crop (286 in the paper); train split only.
        batch_size: positive `int`, pairs per batch (1 in the paper).
        seed: optional `int`. The same seed gives the same stream of batches
            (shuffles, crops, flips) for a newly built dataset; epochs still
            differ from one another.
        take: optional positive `int`, use only the first `take` images of
            each domain (in file order), e.g. for smoke runs.
        shuffle_buffer: optional positive `int`, the shuffle buffer of each
            domain; `None` shuffles each whole domain. Buffers hold file paths
            or encoded images, not decoded pixels.
        source: `"auto"`, `"folders"` or `"tfds"` (see the module docstring).

    Returns:
        `tf.data.Dataset` yielding `(images_x, images_y)`, each float32 of
        shape `(batch_size, image_size, image_size, 3)` with values in
        `[-1, 1]`: `max(len_x, len_y) // batch_size` batches per epoch for
        `"train"` (static batch dimension), `ceil(max(len_x, len_y) /
        batch_size)` for `"test"` (the last batch may be smaller).

    Raises:
        ValueError: for an invalid argument (named with its value), an unknown
            tfds dataset name, a folder without image files, corrupt image
            files (each named), or fewer training pairs than `batch_size`.
        FileNotFoundError: if a domain folder is missing under `data_dir`.
        DataUnavailableError: if tfds has no prepared data and cannot
            download it; raised within seconds, saying how to provide the data.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.

    Example:

    >>> dataset = load_unpaired_dataset(  # doctest: +SKIP
    ...     "sneaker2boot", data_dir="data/fashion_mnist_sneaker2boot",
    ...     image_size=64, load_size=72, batch_size=4, seed=0,
    ... )
    >>> [images.shape for images in next(iter(dataset))]  # doctest: +SKIP
    [TensorShape([4, 64, 64, 3]), TensorShape([4, 64, 64, 3])]
    """
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}. Supported splits: {SPLITS}.")
    check_image_sizes(image_size, load_size)
    if not is_positive_int(batch_size):
        raise ValueError(f"batch_size must be a positive int, received {batch_size!r}.")
    _check_seed(seed)
    training = split == "train"
    domains, decode = _load_domains(
        name, DOMAIN_SPLITS[split], source=source, data_dir=data_dir, take=take
    )

    def preprocess(element, element_seed):
        return preprocess_unpaired_image(
            decode(element),
            training=training,
            image_size=image_size,
            load_size=load_size,
            seed=element_seed if training else None,
        )

    return zip_unpaired(
        *domains,
        batch_size=batch_size,
        shuffle=training,
        seed=seed,
        shuffle_buffer=shuffle_buffer,
        preprocess=preprocess,
        drop_remainder=training,
    )


def load_unpaired_images(
    name="horse2zebra",
    split="testA",
    *,
    data_dir=None,
    image_size=256,
    take=None,
    source="auto",
):
    """Loads one domain split as an array, resized as at test time.

    Every image is resized straight to `image_size` (no crop, no flip), in
    file order (tfds order for tfds), e.g. fixed images for translation grids
    or a whole domain for evaluation.

    Args:
        name: `str`, as in `load_unpaired_dataset`.
        split: one of `UNPAIRED_SPLITS`: `"trainA"`, `"trainB"`, `"testA"` or
            `"testB"`.
        data_dir: optional `str` or `os.PathLike`, as in
            `load_unpaired_dataset`.
        image_size: positive `int`, side of the square output images.
        take: optional positive `int`, only the first `take` images.
        source: `"auto"`, `"folders"` or `"tfds"`.

    Returns:
        numpy float32 array of shape `(num_images, image_size, image_size, 3)`
        with values in `[-1, 1]`.

    Raises:
        ValueError: for an invalid argument, a folder without images or
            corrupt image files.
        FileNotFoundError: if the folder is missing under `data_dir`.
        DataUnavailableError: if tfds has no prepared data and cannot
            download it.

    Example:

    >>> images = load_unpaired_images(  # doctest: +SKIP
    ...     "sneaker2boot", "testA", data_dir="data/fashion_mnist_sneaker2boot",
    ...     image_size=64, take=8,
    ... )
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((8, 64, 64, 3), dtype('float32'))
    """
    if split not in UNPAIRED_SPLITS:
        raise ValueError(f"Unknown domain split {split!r}. Supported splits: {UNPAIRED_SPLITS}.")
    check_image_sizes(image_size, image_size)
    (domain,), decode = _load_domains(name, (split,), source=source, data_dir=data_dir, take=take)
    images = domain.map(
        lambda element: preprocess_unpaired_image(
            decode(element), training=False, image_size=image_size
        ),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    batches = [batch.numpy() for batch in images.batch(_PREPROCESS_BATCH_SIZE)]
    return np.concatenate(batches).astype(np.float32, copy=False)


def check_image_sizes(image_size, load_size):
    """Raises `ValueError` unless `0 < image_size <= load_size` are ints."""
    if not is_positive_int(image_size):
        raise ValueError(f"image_size must be a positive int, received {image_size!r}.")
    if not is_positive_int(load_size):
        raise ValueError(f"load_size must be a positive int, received {load_size!r}.")
    if load_size < image_size:
        raise ValueError(
            f"load_size must be at least image_size, the size randomly cropped from "
            f"it; received load_size={load_size} and image_size={image_size}."
        )


def _check_seed(seed):
    """Raises `ValueError` unless `seed` is `None` or a non-negative int."""
    if seed is not None and (
        not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0
    ):
        raise ValueError(f"seed must be None or a non-negative int, received {seed!r}.")


def _num_elements(dataset, argument):
    """Returns the length of a finite dataset, counting it if unknown."""
    cardinality = int(dataset.cardinality())
    if cardinality == tf.data.INFINITE_CARDINALITY:
        raise ValueError(f"{argument} must be finite, received an infinite dataset.")
    if cardinality == tf.data.UNKNOWN_CARDINALITY:
        cardinality = int(dataset.reduce(np.int64(0), lambda count, _: count + 1))
    if cardinality == 0:
        raise ValueError(f"{argument} is empty.")
    return cardinality


def _load_domains(name, domain_splits, *, source, data_dir, take):
    """Returns `(datasets, decode)`: one dataset per domain split, and its decoder.

    Datasets hold file paths (folders) or encoded images (tfds), so shuffling
    them is cheap; `decode(element)` turns one element into a uint8 RGB image.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, received {name!r}.")
    if source not in SOURCES:
        raise ValueError(f"Unknown source {source!r}. Supported sources: {SOURCES}.")
    if take is not None and not is_positive_int(take):
        raise ValueError(f"take must be None or a positive int, received {take!r}.")
    if source == "folders" and data_dir is None:
        raise ValueError(
            "source='folders' needs data_dir, the directory holding trainA/, trainB/, "
            "testA/ and testB/; received data_dir=None."
        )
    if source == "folders" or (source == "auto" and data_dir is not None):
        datasets = [_folder_domain(data_dir, domain_split, take) for domain_split in domain_splits]
        return datasets, read_rgb_image
    if name not in CYCLE_GAN_DATASETS:
        raise ValueError(
            f"Unknown CycleGAN dataset {name!r} for tfds. Supported names: "
            f"{CYCLE_GAN_DATASETS}. For other data pass data_dir, a directory of "
            "trainA/, trainB/, testA/ and testB/ image folders."
        )
    datasets = _tfds_domains(name, domain_splits, data_dir=data_dir, source=source)
    if take is not None:
        datasets = [dataset.take(take) for dataset in datasets]
    return datasets, decode_rgb_image


def _folder_domain(data_dir, domain_split, take):
    """Returns the checked file paths of `data_dir/domain_split` as a dataset."""
    data_dir = os.fspath(data_dir)
    directory = os.path.join(data_dir, domain_split)
    if not os.path.isdir(directory):
        hint = ""
        if os.path.isdir(os.path.join(data_dir, "cycle_gan")):
            hint = " It holds cycle_gan/: for a tfds data directory pass source='tfds'."
        raise FileNotFoundError(
            f"No folder {directory}: data_dir must hold the image folders "
            f"{', '.join(f'{split}/' for split in UNPAIRED_SPLITS)}.{hint}"
        )
    paths = list_image_files(directory)
    if take is not None:
        paths = paths[:take]
    check_image_files(paths)
    logger.info("Read %d images of %s from %s.", len(paths), domain_split, directory)
    return tf.data.Dataset.from_tensor_slices(paths)


def _tfds_domains(name, domain_splits, *, data_dir, source):
    """Returns the tfds splits as datasets of encoded images, or raises at once."""
    tfds_name = CYCLE_GAN_PREFIX + name
    where = "tfds default" if data_dir is None else os.fspath(data_dir)
    prepared = f"tfds prepared data (download=False, data_dir={where})"
    download = f"tfds download (download=True, data_dir={where})"
    attempts = []
    try:
        datasets = [
            _read_tfds_split(tfds_name, split, data_dir=data_dir, download=False)
            for split in domain_splits
        ]
        logger.info("Read %s %s from prepared tfds data.", tfds_name, domain_splits)
        return datasets
    # tfds signals unprepared data with AssertionError and other problems with
    # assorted exception types, so any Exception means "not from tfds".
    except Exception as error:
        attempts.append((prepared, _describe(error)))
    reachable, reason = sources.can_reach_download_host("cycle_gan", timeout=DOWNLOAD_CHECK_TIMEOUT)
    if not reachable:
        attempts.append((download, f"skipped, {reason}"))
        raise DataUnavailableError(tfds_name, "/".join(domain_splits), source, attempts)
    try:
        datasets = [
            _read_tfds_split(tfds_name, split, data_dir=data_dir, download=True)
            for split in domain_splits
        ]
    except Exception as error:
        attempts.append((download, _describe(error)))
        raise DataUnavailableError(tfds_name, "/".join(domain_splits), source, attempts) from error
    logger.info("Downloaded and read %s %s with tfds.", tfds_name, domain_splits)
    return datasets


def _read_tfds_split(tfds_name, split, *, data_dir, download):
    """Returns one tfds split as a dataset of encoded images (scalar strings)."""
    # Imported here because it is slow to import and only this reader needs it.
    import tensorflow_datasets as tfds

    dataset = tfds.load(
        tfds_name,
        split=split,
        data_dir=None if data_dir is None else os.fspath(data_dir),
        download=download,
        as_supervised=True,
        # Keep the JPEG bytes: they are shuffled and decoded in the pipeline.
        decoders={"image": tfds.decode.SkipDecoding()},
    )
    return dataset.map(lambda image, label: image)


def _describe(error):
    """Returns a one-line reason for a failed attempt."""
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else ""
    if len(message) > 300:
        message = message[:297] + "..."
    return f"{type(error).__name__}: {message}"
