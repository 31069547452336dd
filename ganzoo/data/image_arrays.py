"""`load_image_arrays`: a dataset split as numpy arrays, from the first source with it.

Sources (`source=`):

- `"tfds"`: `tfds.load(name, split=..., data_dir=data_dir)`, first reading
  prepared data only (`download=False`), then downloading (`download=True`)
  if the download host answers a quick connectivity check.
- `"idx"`: MNIST-style IDX files (gzipped or plain). For `"fashion_mnist"`
  the directory is `data_dir`, else `$GANZOO_FASHION_MNIST_DIR`, else
  `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist`).
  For `"mnist"`, `data_dir` must be given.
- `"keras"`: the files `keras.datasets.<name>.load_data()` cached earlier,
  under `$KERAS_HOME/datasets` or `~/.keras/datasets`
  (`fashion-mnist/*-ubyte.gz`, `mnist.npz`). Keras is never asked to
  download.
- `"auto"` (the default) tries, in order, so that an offline machine never
  waits on tfds' download retries:

  1. tfds with `download=False`: data already prepared under `data_dir` or
     tfds' default directory (`$TFDS_DATA_DIR` or `~/tensorflow_datasets`).
  2. local files: the IDX directory (`"fashion_mnist"`; `"mnist"` when
     `data_dir` is given), then the Keras cache (`"fashion_mnist"`,
     `"mnist"`).
  3. tfds with `download=True`, only if the download host answers within
     3 seconds; otherwise the step is skipped and the reason recorded.

The source used is logged at INFO level on the `"ganzoo.data"` logger. When
every source fails, `DataUnavailableError` lists each one with its reason and
says how to get the data.
"""

import dataclasses
import functools
import logging
import os
import re
from collections.abc import Callable

import numpy as np

from ganzoo.data import sources
from ganzoo.data.data_unavailable_error import DataUnavailableError
from ganzoo.data.dataset_registry import dataset_info

SOURCES = ("auto", "tfds", "idx", "keras")
"""Accepted values of `source=`."""

SPLITS = ("train", "test")
"""The base splits `split=` names; each takes a tfds-style slice, `"train[50000:]"`."""

_SLICED_SPLIT = re.compile(r"^(?P<base>\w+)\[(?P<start>-?\d*):(?P<stop>-?\d*)\]$")

DOWNLOAD_CHECK_TIMEOUT = 3.0
"""Seconds the connectivity check waits before skipping a tfds download."""

logger = logging.getLogger("ganzoo.data")


@dataclasses.dataclass(frozen=True)
class _Attempt:
    """One source to try: what to call, and which errors mean "not here"."""

    description: str
    load: Callable[[], tuple[np.ndarray, np.ndarray]]
    expected_errors: tuple[type[BaseException], ...]


class _DownloadSkipped(ConnectionError):
    """The download host did not answer, so tfds was not asked to download."""


def load_image_arrays(name, split="train", *, source="auto", data_dir=None):
    """Loads one split of an image dataset into memory.

    See the module docstring for the sources and the order `"auto"` tries.

    Args:
        name: `"fashion_mnist"`, `"mnist"` or `"cifar10"`.
        split: `"train"` or `"test"`, optionally sliced by example index as
            in tfds' split API: `"train[:50000]"` (the first 50,000) and
            `"train[50000:]"` (the rest) are the training and validation
            images of Goodfellow et al.'s Parzen-window protocol. Slices
            take Python's semantics (negative indices count from the end).
        source: `"auto"`, `"tfds"`, `"idx"` or `"keras"`.
        data_dir: optional `str` or `os.PathLike`. For tfds, the tfds data
            directory; for IDX files, the directory holding them.

    Returns:
        `(images, labels)`: numpy uint8 images of shape `(N, H, W, C)`, values
        in `[0, 255]`, and int64 labels of shape `(N,)`, values in
        `[0, num_classes)`. `(H, W, C)` is `dataset_info(name).image_shape`.

    Raises:
        ValueError: if `name`, `split` or `source` is not supported, if the
            source cannot hold the dataset (`"idx"` for `"cifar10"`, or for
            `"mnist"` without `data_dir`; `"keras"` for `"cifar10"`), if an
            explicitly chosen file source holds a corrupt file, or if the
            loaded arrays do not have the dataset's shape, dtype or labels.
        DataUnavailableError: if no source has the data.

    Example:

    >>> images, labels = load_image_arrays("fashion_mnist", "test")  # doctest: +SKIP
    >>> images.shape, images.dtype, labels.dtype  # doctest: +SKIP
    ((10000, 28, 28, 1), dtype('uint8'), dtype('int64'))
    """
    base_split, selection = parse_split(split)
    if selection is not None:
        images, labels = load_image_arrays(name, base_split, source=source, data_dir=data_dir)
        if not len(images[selection]):
            raise ValueError(
                f"Split {split!r} of {name!r} selects no examples: the {base_split!r} "
                f"split has {len(images)}."
            )
        return images[selection], labels[selection]
    info = dataset_info(name)
    _check_request(name, split, source, data_dir)
    failures = []
    for attempt in _plan(name, split, source, data_dir):
        try:
            images, labels = attempt.load()
        except attempt.expected_errors as error:
            reason = _describe(error)
            failures.append((attempt.description, reason))
            # A corrupt local file is worth a warning even when another source
            # has the data; a missing one is the normal case on most machines.
            log = logger.warning if isinstance(error, ValueError) else logger.debug
            log("%s %s: %s unavailable: %s", name, split, attempt.description, reason)
            continue
        _check_arrays(info, split, images, labels, attempt.description)
        logger.info(
            "Loaded %s split %r (%d examples) from %s.",
            name,
            split,
            images.shape[0],
            attempt.description,
        )
        return images, labels
    raise DataUnavailableError(name, split, source, failures)


def parse_split(split):
    """Splits `"train[50000:]"` into `("train", slice(50000, None))`.

    Args:
        split: str, a base split of `SPLITS`, optionally followed by a slice
            `[start:stop]` of example indices (either bound may be omitted).

    Returns:
        `(base_split, selection)`: `selection` is a `slice`, or None when
        `split` has no slice.

    Raises:
        ValueError: if `split` is not a string, its base is not in `SPLITS`,
            or the slice is malformed (a step, or percentages, which tfds
            accepts but ganzoo does not).
    """
    if not isinstance(split, str):
        raise ValueError(
            f"split must be a str such as 'train' or 'train[:50000]', received {split!r}."
        )
    if "[" not in split:
        return split, None
    match = _SLICED_SPLIT.match(split)
    if match is None or match["base"] not in SPLITS:
        raise ValueError(
            f"Unknown split {split!r}. Expected one of {SPLITS}, optionally sliced by "
            "example index, e.g. 'train[:50000]' or 'train[50000:]'."
        )
    start, stop = (int(match[key]) if match[key] else None for key in ("start", "stop"))
    return match["base"], slice(start, stop)


def _check_request(name, split, source, data_dir):
    """Raises `ValueError` for a split or source that cannot work for `name`."""
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}. Supported splits: {SPLITS}.")
    if source not in SOURCES:
        raise ValueError(f"Unknown source {source!r}. Supported sources: {SOURCES}.")
    if source == "idx" and name == "cifar10":
        raise ValueError(
            f"source='idx' cannot read dataset {name!r}: IDX files exist only for "
            "'fashion_mnist' and 'mnist'. Use source='tfds' or 'auto'."
        )
    if source == "idx" and name == "mnist" and data_dir is None:
        raise ValueError(
            "source='idx' for 'mnist' needs data_dir, a directory holding the MNIST "
            "IDX files; received data_dir=None."
        )
    if source == "keras" and name not in ("fashion_mnist", "mnist"):
        raise ValueError(
            f"source='keras' cannot read dataset {name!r}: ganzoo reads the Keras "
            "cache of 'fashion_mnist' and 'mnist' only. Use source='tfds' or 'auto'."
        )


def _plan(name, split, source, data_dir):
    """Returns the `_Attempt`s for `source`, in the order to try them."""
    # With an explicit file source, only a missing file means "not here": a
    # corrupt one must reach the caller. "auto" moves on and reports it.
    file_errors = (OSError, ValueError) if source == "auto" else (FileNotFoundError,)
    # tfds signals unprepared data with AssertionError and failed downloads with
    # assorted exception types, so any Exception means "not from tfds".
    tfds_errors = (Exception,)
    tfds_dir = "tfds default" if data_dir is None else os.fspath(data_dir)
    attempts = []
    if source in ("auto", "tfds"):
        attempts.append(
            _Attempt(
                f"tfds prepared data (download=False, data_dir={tfds_dir})",
                functools.partial(
                    sources.load_from_tfds,
                    name,
                    split,
                    data_dir=data_dir,
                    download=False,
                ),
                tfds_errors,
            )
        )
    if source in ("auto", "idx"):
        if name == "fashion_mnist":
            directory = sources.fashion_mnist_idx_dir(data_dir)
        elif name == "mnist" and data_dir is not None:
            directory = os.fspath(data_dir)
        else:
            directory = None
        if directory is not None:
            attempts.append(
                _Attempt(
                    f"IDX files in {directory}",
                    functools.partial(sources.load_from_idx_dir, directory, split),
                    file_errors,
                )
            )
    if source in ("auto", "keras") and name in ("fashion_mnist", "mnist"):
        path = sources.keras_cache_path(name)
        if name == "fashion_mnist":
            load = functools.partial(sources.load_from_idx_dir, path, split)
        else:
            load = functools.partial(sources.load_from_mnist_npz, path, split)
        attempts.append(_Attempt(f"Keras cache {path}", load, file_errors))
    if source in ("auto", "tfds"):
        attempts.append(
            _Attempt(
                f"tfds download (download=True, data_dir={tfds_dir})",
                functools.partial(_download_with_tfds, name, split, data_dir),
                tfds_errors,
            )
        )
    return attempts


def _download_with_tfds(name, split, data_dir):
    """Lets tfds download and prepare the data, unless its host is unreachable."""
    reachable, reason = sources.can_reach_download_host(name, timeout=DOWNLOAD_CHECK_TIMEOUT)
    if not reachable:
        raise _DownloadSkipped(f"skipped, {reason}")
    return sources.load_from_tfds(name, split, data_dir=data_dir, download=True)


def _describe(error):
    """Returns a one-line reason for a failed attempt."""
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else ""
    if len(message) > 300:
        message = message[:297] + "..."
    if isinstance(error, _DownloadSkipped):
        return message
    return f"{type(error).__name__}: {message}"


def _check_arrays(info, split, images, labels, description):
    """Raises `ValueError` if a source returned arrays unlike the dataset's."""
    where = f"{info.name} split {split!r} from {description}"
    if images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError(
            f"{where}: expected uint8 images of rank 4, received dtype "
            f"{images.dtype} and shape {images.shape}."
        )
    if images.shape[1:] != info.image_shape:
        raise ValueError(
            f"{where}: expected images of shape (N, *{info.image_shape}), received {images.shape}."
        )
    if labels.shape != (images.shape[0],):
        raise ValueError(
            f"{where}: expected labels of shape ({images.shape[0]},), received {labels.shape}."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= info.num_classes):
        raise ValueError(
            f"{where}: labels must lie in [0, {info.num_classes}), received values "
            f"from {labels.min()} to {labels.max()}."
        )
