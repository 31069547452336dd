"""Tests of `ganzoo.data.image_folder` on real Fashion-MNIST images written to disk.

scikit-learn's sample photos are not installed here, so the images are real
Fashion-MNIST test images; colour images stack three different ones as the
red, green and blue channels.
"""

import os

import numpy as np
import PIL.Image
import pytest
import tensorflow as tf

from ganzoo.data import IMAGE_EXTENSIONS
from ganzoo.data import check_image_files
from ganzoo.data import list_image_files
from ganzoo.data import load_image_arrays
from ganzoo.data import load_image_folder


@pytest.fixture(scope="module")
def fashion_images():
    """Twelve real Fashion-MNIST test images, uint8 `(12, 28, 28)`."""
    images, _ = load_image_arrays("fashion_mnist", "test", source="idx")
    return images[:12, :, :, 0]


def _rgb(fashion_images, first, size):
    """A real RGB image: three Fashion-MNIST images as channels, resized to `size`."""
    channels = [
        PIL.Image.fromarray(fashion_images[first + offset]).resize(size, PIL.Image.BICUBIC)
        for offset in range(3)
    ]
    return PIL.Image.merge("RGB", channels)


def _decoded(directory, **kwargs):
    return [image.numpy() for image in load_image_folder(directory, **kwargs)]


@pytest.mark.large
def test_reads_jpeg_and_png_sorted_and_ignores_other_files(tmp_path, fashion_images):
    png = _rgb(fashion_images, 0, (28, 28))
    jpeg = _rgb(fashion_images, 3, (64, 48))
    upper_case = _rgb(fashion_images, 6, (30, 40))
    png.save(tmp_path / "b.png")
    jpeg.save(tmp_path / "a.jpg", quality=95, subsampling=0)
    upper_case.save(tmp_path / "c.JPEG", quality=95, subsampling=0)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    png.save(tmp_path / ".hidden.png")
    (tmp_path / "nested.png").mkdir()
    png.save(tmp_path / "nested.png" / "inner.png")

    assert IMAGE_EXTENSIONS == (".jpg", ".jpeg", ".png")
    paths = list_image_files(tmp_path)
    assert paths == [str(tmp_path / name) for name in ("a.jpg", "b.png", "c.JPEG")]

    dataset = load_image_folder(tmp_path)
    assert dataset.element_spec == tf.TensorSpec((None, None, 3), tf.uint8)
    assert int(dataset.cardinality()) == 3
    decoded_jpeg, decoded_png, decoded_upper = _decoded(tmp_path)
    # Sizes differ per file and are kept; PNG is lossless.
    assert decoded_jpeg.shape == (48, 64, 3)
    assert decoded_upper.shape == (40, 30, 3)
    np.testing.assert_array_equal(decoded_png, np.asarray(png))
    # JPEG pixels are Pillow's, which the official CycleGAN code reads with.
    with PIL.Image.open(tmp_path / "a.jpg") as reference:
        np.testing.assert_array_equal(decoded_jpeg, np.asarray(reference.convert("RGB")))
    # Saved without chroma subsampling (the stacked channels are unrelated),
    # at quality 95 the decoded pixels stay close to those encoded.
    assert np.abs(decoded_jpeg - np.asarray(jpeg, dtype=np.float64)).mean() < 2.0


@pytest.mark.large
def test_grayscale_png_gets_three_equal_channels(tmp_path, fashion_images):
    PIL.Image.fromarray(fashion_images[0]).save(tmp_path / "gray.png")
    with PIL.Image.open(tmp_path / "gray.png") as written:
        assert written.mode == "L"
    (image,) = _decoded(tmp_path)
    assert image.shape == (28, 28, 3)
    for channel in range(3):
        np.testing.assert_array_equal(image[:, :, channel], fashion_images[0])


@pytest.mark.large
def test_rgba_png_loses_alpha(tmp_path, fashion_images):
    rgb = _rgb(fashion_images, 0, (28, 28))
    rgba = rgb.copy()
    rgba.putalpha(PIL.Image.fromarray(fashion_images[5]))
    rgba.save(tmp_path / "rgba.png")
    with PIL.Image.open(tmp_path / "rgba.png") as written:
        assert written.mode == "RGBA"
    (image,) = _decoded(tmp_path)
    # The colour channels are kept as stored; alpha is dropped, not composited.
    np.testing.assert_array_equal(image, np.asarray(rgb))


@pytest.mark.large
def test_corrupt_and_truncated_files_are_named(tmp_path, fashion_images):
    _rgb(fashion_images, 0, (28, 28)).save(tmp_path / "good.png")
    _rgb(fashion_images, 3, (96, 96)).save(tmp_path / "whole.jpg", quality=95)
    whole = (tmp_path / "whole.jpg").read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(whole[: len(whole) * 6 // 10])
    os.remove(tmp_path / "whole.jpg")
    random_bytes = np.random.default_rng(0).integers(0, 256, 2000, dtype=np.uint8).tobytes()
    (tmp_path / "bad.jpg").write_bytes(random_bytes)
    # Pillow reads TIFF, TensorFlow does not: a TIFF named .png is reported too.
    PIL.Image.fromarray(fashion_images[1]).save(tmp_path / "tiff.png", format="TIFF")

    with pytest.raises(ValueError) as raised:
        check_image_files(list_image_files(tmp_path))
    message = str(raised.value)
    assert "3 of 4 image files cannot be read" in message
    assert f"{tmp_path / 'bad.jpg'}: UnidentifiedImageError" in message
    assert f"{tmp_path / 'truncated.jpg'}: OSError" in message
    assert "truncated" in message
    assert f"{tmp_path / 'tiff.png'}: TIFF format" in message
    assert "good.png" not in message

    with pytest.raises(ValueError, match="bad.jpg"):
        load_image_folder(tmp_path)
    # Without the check the pipeline is built, and fails only when read.
    unchecked = load_image_folder(tmp_path, check=False)
    with pytest.raises(tf.errors.InvalidArgumentError):
        list(unchecked)


def test_list_of_corrupt_files_is_capped(tmp_path):
    paths = []
    for index in range(13):
        path = tmp_path / f"broken_{index:02d}.png"
        path.write_bytes(b"not a png")
        paths.append(path)
    with pytest.raises(ValueError) as raised:
        check_image_files(paths)
    message = str(raised.value)
    assert "13 of 13 image files cannot be read" in message
    assert "broken_09.png" in message
    assert "broken_10.png" not in message
    assert "... and 3 more" in message


def test_missing_directory(tmp_path):
    missing = tmp_path / "trainA"
    with pytest.raises(FileNotFoundError, match=f"Image directory {missing} does not exist"):
        list_image_files(missing)
    with pytest.raises(FileNotFoundError, match="trainA"):
        load_image_folder(missing)


def test_file_instead_of_directory(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="image.png"):
        list_image_files(path)


def test_directory_without_images(tmp_path):
    (tmp_path / "readme.txt").write_text("no images here")
    (tmp_path / "picture.gif").write_bytes(b"GIF89a")
    (tmp_path / ".hidden.jpg").write_bytes(b"")
    with pytest.raises(ValueError) as raised:
        list_image_files(tmp_path)
    message = str(raised.value)
    assert f"Image directory {tmp_path} holds no image files" in message
    assert ".jpg, .jpeg, .png" in message
