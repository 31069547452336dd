"""Tests of `read_idx` on small IDX files written by hand."""

import gzip

import numpy as np
import pytest

from ganzoo.data import read_idx
from ganzoo.data.idx import IDX_IMAGES_MAGIC
from ganzoo.data.idx import IDX_LABELS_MAGIC


@pytest.mark.parametrize("gzipped", [True, False])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([7, 0, 255, 3], dtype=np.uint8),
        np.array([[-300, 2], [1000, -1]], dtype=np.int16),
        np.array([1.5, -2.25, 1e6], dtype=np.float32),
    ],
    ids=["images", "labels", "int16", "float32"],
)
def test_round_trip(tmp_path, write_idx, array, gzipped):
    path = write_idx(tmp_path / "data-idx", array, gzipped=gzipped)
    values = read_idx(path)
    assert values.dtype == array.dtype
    assert values.dtype.isnative
    np.testing.assert_array_equal(values, array)


def test_magic_numbers_of_images_and_labels(tmp_path, write_idx):
    images = write_idx(tmp_path / "images", np.zeros((3, 2, 2), np.uint8), gzipped=True)
    labels = write_idx(tmp_path / "labels", np.zeros((3,), np.uint8), gzipped=False)
    assert read_idx(images, expected_magic=IDX_IMAGES_MAGIC).shape == (3, 2, 2)
    assert read_idx(labels, expected_magic=IDX_LABELS_MAGIC).shape == (3,)
    with pytest.raises(ValueError, match=r"labels has magic number 2049, expected 2051"):
        read_idx(labels, expected_magic=IDX_IMAGES_MAGIC)


@pytest.mark.parametrize("gzipped", [True, False])
def test_truncated_body_names_the_file(tmp_path, write_idx, gzipped):
    path = write_idx(tmp_path / "full", np.ones((4, 5, 5), np.uint8), gzipped=False)
    content = path.read_bytes()[:-7]
    short_path = tmp_path / "short-images-idx3-ubyte"
    short_path.write_bytes(gzip.compress(content) if gzipped else content)
    with pytest.raises(ValueError, match="truncated") as raised:
        read_idx(short_path)
    assert str(short_path) in str(raised.value)


def test_truncated_header_names_the_file(tmp_path, write_idx):
    path = write_idx(tmp_path / "full", np.ones((4, 5, 5), np.uint8), gzipped=False)
    short_path = tmp_path / "header-only"
    short_path.write_bytes(path.read_bytes()[:9])
    with pytest.raises(ValueError, match=f"{short_path}.*truncated"):
        read_idx(short_path)


def test_trailing_bytes(tmp_path, write_idx):
    path = write_idx(tmp_path / "long", np.ones((4,), np.uint8), gzipped=False)
    path.write_bytes(path.read_bytes() + b"\x00\x00")
    with pytest.raises(ValueError, match="2 trailing bytes"):
        read_idx(path)


@pytest.mark.parametrize("magic", [b"\x12\x34\x08\x03", b"\x00\x00\x07\x01", b"\x00\x00\x08\x00"])
def test_wrong_magic_names_the_file(tmp_path, write_idx, magic):
    path = write_idx(tmp_path / "bad", np.ones((2, 2, 2), np.uint8), gzipped=False)
    path.write_bytes(magic + path.read_bytes()[4:])
    with pytest.raises(ValueError, match="is not an IDX file") as raised:
        read_idx(path)
    assert str(path) in str(raised.value)


def test_corrupt_gzip_names_the_file(tmp_path, write_idx):
    path = write_idx(tmp_path / "cut.gz", np.ones((50, 9, 9), np.uint8), gzipped=True)
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(ValueError, match="not a valid gzip stream") as raised:
        read_idx(path)
    assert str(path) in str(raised.value)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "absent")
