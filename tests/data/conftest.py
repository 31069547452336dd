"""Fixtures for the data tests: tiny IDX files written independently of the reader."""

import gzip
import struct

import numpy as np
import pytest

# IDX type codes, written by hand here so the tests do not share code with the
# reader they check.
_TYPE_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
}


def _write_idx(path, array, *, gzipped):
    array = np.asarray(array)
    header = bytes([0, 0, _TYPE_CODES[array.dtype], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    content = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if gzipped:
        content = gzip.compress(content)
    path.write_bytes(content)
    return path


@pytest.fixture
def write_idx():
    """Returns `write_idx(path, array, *, gzipped)`, which writes an IDX file."""
    return _write_idx


@pytest.fixture
def write_mnist_like_dir(write_idx):
    """Returns a function writing tiny MNIST-style IDX splits into a directory.

    The function takes `(directory, num_train, num_test, gzipped=True)` and
    returns `{"train": (images, labels), "test": (images, labels)}` with uint8
    images `(N, 28, 28)` and uint8 labels `(N,)`.
    """

    def write(directory, num_train=12, num_test=6, gzipped=True):
        directory.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        splits = {}
        suffix = ".gz" if gzipped else ""
        for split, prefix, count in (
            ("train", "train", num_train),
            ("test", "t10k", num_test),
        ):
            images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
            labels = (np.arange(count) % 10).astype(np.uint8)
            write_idx(
                directory / f"{prefix}-images-idx3-ubyte{suffix}",
                images,
                gzipped=gzipped,
            )
            write_idx(
                directory / f"{prefix}-labels-idx1-ubyte{suffix}",
                labels,
                gzipped=gzipped,
            )
            splits[split] = (images, labels)
        return splits

    return write
