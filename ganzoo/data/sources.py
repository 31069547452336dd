"""Readers for each place a dataset can come from: tfds, IDX files, the Keras cache.

Every reader returns `(images, labels)` as numpy arrays, images uint8 of shape
`(num_examples, height, width, channels)` and labels int64 of shape
`(num_examples,)`. A reader raises `FileNotFoundError` when its files are not
there and `ValueError` when they are there but unreadable. Choosing among the
readers, and in which order, is `ganzoo.data.image_arrays`' job.
"""

import os
import socket
import threading
import urllib.parse
import urllib.request
import zipfile

import numpy as np

from ganzoo.data.idx import IDX_IMAGES_MAGIC
from ganzoo.data.idx import IDX_LABELS_MAGIC
from ganzoo.data.idx import read_idx

DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
"""Where Debian's `dataset-fashion-mnist` package puts the gzipped IDX files."""

FASHION_MNIST_DIR_ENV = "GANZOO_FASHION_MNIST_DIR"
"""Environment variable naming a directory of Fashion-MNIST IDX files."""

DOWNLOAD_HOSTS = {
    "fashion_mnist": ("fashion-mnist.s3-website.eu-central-1.amazonaws.com", 80),
    "mnist": ("storage.googleapis.com", 443),
    "cifar10": ("www.cs.toronto.edu", 443),
    # tfds' cycle_gan builder downloads every config's zip from
    # https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/<name>.zip.
    "cycle_gan": ("efrosgans.eecs.berkeley.edu", 443),
}
"""`(host, port)` tfds downloads each dataset from, as in its builder's URLs.

Keyed by the tfds builder name, so `"cycle_gan"` covers every
`cycle_gan/<config>`."""

# The IDX file name prefix of each split, as the MNIST and Fashion-MNIST
# distributions name them.
_IDX_SPLIT_PREFIXES = {"train": "train", "test": "t10k"}

# Batch size used to drain a tfds split into numpy. `tfds.load(batch_size=-1)`
# is not used because it batches by the split size recorded in the metadata,
# which mocked or partial metadata leaves unset (it then tries sys.maxsize).
_TFDS_READ_BATCH_SIZE = 10_000


def load_from_tfds(name, split, *, data_dir=None, download=False):
    """Reads a split through `tfds.load`.

    Args:
        name: tfds dataset name, e.g. `"mnist"`.
        split: `"train"` or `"test"`.
        data_dir: tfds data directory; `None` means tfds' default
            (`$TFDS_DATA_DIR` or `~/tensorflow_datasets`).
        download: whether tfds may download and prepare the data. With
            `False`, only data already prepared under `data_dir` is read.

    Returns:
        `(images, labels)`: uint8 `(N, H, W, C)` and int64 `(N,)`.

    Raises:
        Exception: whatever tfds raises when the data is not prepared
            (an `AssertionError` in tfds 4.9) or cannot be downloaded.
        ValueError: if tfds yields no examples.
    """
    # Imported here because it is slow to import and only this reader needs it.
    import tensorflow_datasets as tfds

    dataset = tfds.load(
        name,
        split=split,
        data_dir=None if data_dir is None else os.fspath(data_dir),
        download=download,
        as_supervised=True,
    )
    image_batches = []
    label_batches = []
    for images, labels in tfds.as_numpy(dataset.batch(_TFDS_READ_BATCH_SIZE)):
        image_batches.append(images)
        label_batches.append(labels)
    if not image_batches:
        raise ValueError(f"tfds returned no examples for {name!r} split {split!r}.")
    images = np.concatenate(image_batches)
    labels = np.concatenate(label_batches).astype(np.int64)
    return images, labels


def fashion_mnist_idx_dir(data_dir=None):
    """Returns the directory to read Fashion-MNIST IDX files from.

    Args:
        data_dir: explicit directory; wins when given.

    Returns:
        `str`: `data_dir`, else `$GANZOO_FASHION_MNIST_DIR`, else
        `DEBIAN_FASHION_MNIST_DIR`.
    """
    if data_dir is not None:
        return os.fspath(data_dir)
    return os.environ.get(FASHION_MNIST_DIR_ENV) or DEBIAN_FASHION_MNIST_DIR


def find_idx_file(directory, split, kind):
    """Finds the IDX file of one split and kind in a directory.

    Accepts the standard names (`train-images-idx3-ubyte`,
    `t10k-labels-idx1-ubyte`, ...) and the dotted variant
    (`train-images.idx3-ubyte`), each gzipped (`.gz`) or plain.

    Args:
        directory: directory to look in.
        split: `"train"` or `"test"`.
        kind: `"images"` or `"labels"`.

    Returns:
        `str`: path of the first candidate that exists.

    Raises:
        FileNotFoundError: listing the names looked for, if none exists.
    """
    prefix = _IDX_SPLIT_PREFIXES[split]
    rank = 3 if kind == "images" else 1
    names = [
        f"{prefix}-{kind}{separator}idx{rank}-ubyte{extension}"
        for separator in ("-", ".")
        for extension in (".gz", "")
    ]
    for file_name in names:
        path = os.path.join(directory, file_name)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"no {kind} IDX file for split {split!r} in {directory} (looked for {', '.join(names)})"
    )


def load_from_idx_dir(directory, split):
    """Reads a split from a directory of MNIST-style IDX files.

    Args:
        directory: directory holding `train-images-idx3-ubyte[.gz]`,
            `train-labels-idx1-ubyte[.gz]`, `t10k-images-idx3-ubyte[.gz]` and
            `t10k-labels-idx1-ubyte[.gz]`.
        split: `"train"` or `"test"`.

    Returns:
        `(images, labels)`: uint8 `(N, rows, columns, 1)` and int64 `(N,)`.

    Raises:
        FileNotFoundError: if the split's files are missing.
        ValueError: if a file is not valid IDX, or the image and label files
            hold different numbers of examples.
    """
    images_path = find_idx_file(directory, split, "images")
    labels_path = find_idx_file(directory, split, "labels")
    images = read_idx(images_path, expected_magic=IDX_IMAGES_MAGIC)
    labels = read_idx(labels_path, expected_magic=IDX_LABELS_MAGIC)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} "
            f"holds {labels.shape[0]} labels."
        )
    return images[..., np.newaxis], labels.astype(np.int64)


def keras_cache_dir():
    """Returns the `datasets` folder `keras.utils.get_file` downloads into.

    Mirrors Keras 3: the Keras home is `$KERAS_HOME` if set, else `~/.keras`
    (`/tmp/.keras` when the home directory is not writable); `get_file` falls
    back to `/tmp/.keras` when that folder is not writable. Read at call time, so
    changes to `KERAS_HOME` after importing Keras are honoured.

    Returns:
        `str`: e.g. `~/.keras/datasets`, expanded.
    """
    if "KERAS_HOME" in os.environ:
        keras_home = os.environ["KERAS_HOME"]
    else:
        base_dir = os.path.expanduser("~")
        if not os.access(base_dir, os.W_OK):
            base_dir = "/tmp"
        keras_home = os.path.join(base_dir, ".keras")
    keras_home = os.path.expanduser(keras_home)
    if not os.access(keras_home, os.W_OK):
        keras_home = os.path.join("/tmp", ".keras")
    return os.path.join(keras_home, "datasets")


def keras_cache_path(name):
    """Returns where `keras.datasets.<name>.load_data()` caches its download.

    Args:
        name: `"fashion_mnist"` (a directory of four gzipped IDX files) or
            `"mnist"` (one `.npz` archive).

    Returns:
        `str` path under `keras_cache_dir()`.

    Raises:
        ValueError: for other names; ganzoo reads no other Keras cache.
    """
    if name == "fashion_mnist":
        return os.path.join(keras_cache_dir(), "fashion-mnist")
    if name == "mnist":
        return os.path.join(keras_cache_dir(), "mnist.npz")
    raise ValueError(
        f"No Keras cache reader for dataset {name!r}; the 'keras' source supports "
        "'fashion_mnist' and 'mnist'."
    )


def load_from_mnist_npz(path, split):
    """Reads a split from the `mnist.npz` archive Keras caches.

    Args:
        path: the archive, holding `x_train`, `y_train`, `x_test`, `y_test`.
        split: `"train"` or `"test"`.

    Returns:
        `(images, labels)`: uint8 `(N, 28, 28, 1)` and int64 `(N,)`.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: naming `path`, if it is not a readable archive with the
            split's arrays.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no MNIST archive at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            images = archive[f"x_{split}"]
            labels = archive[f"y_{split}"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"cannot read MNIST archive {path}: {error}") from error
    return images[..., np.newaxis], labels.astype(np.int64)


def can_reach_download_host(name, timeout=3.0):
    """Checks quickly whether tfds could download a dataset.

    Opens a TCP connection to the dataset's download host (or to the proxy
    named by `http_proxy` / `https_proxy`, when set). Name resolution and the
    connection run in a daemon thread, so the check returns within `timeout`
    seconds even when DNS hangs. It exists because tfds, offline, retries a
    download for minutes before giving up.

    Args:
        name: a key of `DOWNLOAD_HOSTS`.
        timeout: seconds to wait, > 0.

    Returns:
        `(reachable, reason)`: `bool`, and a `str` saying why not (empty when
        reachable).
    """
    host, port = DOWNLOAD_HOSTS[name]
    proxy = urllib.request.getproxies().get("http" if port == 80 else "https")
    if proxy:
        proxy_url = urllib.parse.urlsplit(proxy if "://" in proxy else f"//{proxy}")
        host, port = proxy_url.hostname, proxy_url.port or 80
    outcome = []

    def probe():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                outcome.append("")
        except OSError as error:
            outcome.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=probe, name="ganzoo-download-check", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        return False, f"no answer from {host}:{port} within {timeout:g} s"
    reason = outcome[0]
    if reason:
        return False, f"cannot reach {host}:{port} ({reason})"
    return True, ""
