"""Folders of JPEG and PNG images: list them, check them, read them with `tf.data`.

A folder is read flat: only the image files directly in it, in sorted order,
so a dataset built from it is the same on every machine. Every image becomes
RGB uint8, whatever its mode on disk (see `decode_rgb_image`).

`check_image_files` opens every file once with Pillow before training, so a
corrupt or truncated file is reported by name up front instead of failing
deep inside a `tf.data` pipeline hours later.
"""

import os

import PIL.Image
import tensorflow as tf

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
"""File name endings of the images a folder is read for, compared case-insensitively."""

MAX_LISTED_FAILURES = 10
"""How many unreadable files `check_image_files` names before summarising the rest."""

# Formats `tf.io.decode_image` decodes. A file Pillow reads in another format
# (a TIFF renamed to .jpg, say) would still fail in the pipeline.
_TENSORFLOW_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP")


def list_image_files(directory):
    """Lists the JPEG and PNG files directly in a directory, sorted.

    Subdirectories, hidden files (names starting with `.`, such as
    `.DS_Store`) and files with other extensions are skipped without comment;
    names ending in `.jpg`, `.jpeg` or `.png` in any case are kept.

    Args:
        directory: `str` or `os.PathLike`, the folder to list.

    Returns:
        list of `str` paths (`directory` joined with each file name), sorted
        by file name.

    Raises:
        FileNotFoundError: if `directory` does not exist.
        NotADirectoryError: if `directory` is a file.
        ValueError: naming `directory` and the extensions looked for, if it
            holds no image file.

    Example:

    >>> list_image_files("data/horse2zebra/trainA")[:2]  # doctest: +SKIP
    ['data/horse2zebra/trainA/n02381460_1001.jpg', 'data/horse2zebra/trainA/n02381460_1002.jpg']
    """
    directory = os.fspath(directory)
    if not os.path.exists(directory):
        raise FileNotFoundError(f"Image directory {directory} does not exist.")
    if not os.path.isdir(directory):
        raise NotADirectoryError(f"Expected a directory of images, received the file {directory}.")
    paths = sorted(
        os.path.join(directory, file_name)
        for file_name in os.listdir(directory)
        if not file_name.startswith(".")
        and file_name.lower().endswith(IMAGE_EXTENSIONS)
        and os.path.isfile(os.path.join(directory, file_name))
    )
    if not paths:
        raise ValueError(
            f"Image directory {directory} holds no image files: expected files "
            f"ending in {', '.join(IMAGE_EXTENSIONS)} (any case)."
        )
    return paths


def check_image_files(paths):
    """Checks that Pillow can fully decode every file, and names each one it cannot.

    Each file is opened and decoded completely (`Image.open` then `load()`),
    so truncated files fail as well as files that are not images at all.
    Formats `tf.io.decode_image` cannot read (anything but JPEG, PNG, GIF,
    BMP and WebP) are reported too.

    Args:
        paths: iterable of `str` or `os.PathLike` image paths.

    Raises:
        ValueError: listing each unreadable file with Pillow's reason (the
            first `MAX_LISTED_FAILURES`, then how many more), and the total.

    Example:

    >>> check_image_files(list_image_files("data/horse2zebra/trainA"))  # doctest: +SKIP
    """
    failures = []
    num_checked = 0
    for path in paths:
        num_checked += 1
        path = os.fspath(path)
        try:
            with PIL.Image.open(path) as image:
                image.load()
                image_format = image.format
        # Pillow reports bad data with OSError, ValueError, SyntaxError or
        # struct.error depending on the plugin; every one means "unreadable".
        except Exception as error:
            failures.append(f"{path}: {type(error).__name__}: {error}")
            continue
        if image_format not in _TENSORFLOW_FORMATS:
            failures.append(
                f"{path}: {image_format} format, which tf.io.decode_image cannot read "
                f"(expected one of {', '.join(_TENSORFLOW_FORMATS)})"
            )
    if failures:
        listed = "\n".join(f"  - {failure}" for failure in failures[:MAX_LISTED_FAILURES])
        more = len(failures) - MAX_LISTED_FAILURES
        rest = f"\n  ... and {more} more" if more > 0 else ""
        raise ValueError(
            f"{len(failures)} of {num_checked} image files cannot be read:\n{listed}{rest}\n"
            "Replace or delete them."
        )


def decode_rgb_image(contents):
    """Decodes one encoded JPEG, PNG, GIF, BMP or WebP image to RGB.

    Grayscale images get three equal channels; an alpha channel (RGBA, or
    grayscale with alpha) is dropped, not composited. Animated GIFs give
    their first frame. JPEGs are decoded with the accurate integer DCT, so
    the pixels equal Pillow's (which the official CycleGAN code reads with);
    `tf.io.decode_image`'s default fast DCT differs by about one level.

    Args:
        contents: scalar `tf.string` tensor, the encoded file.

    Returns:
        uint8 tensor of shape `(height, width, 3)`, values in `[0, 255]`;
        height and width are those of the file (statically unknown).
    """
    image = tf.cond(
        tf.io.is_jpeg(contents),
        lambda: tf.io.decode_jpeg(contents, channels=3, dct_method="INTEGER_ACCURATE"),
        lambda: tf.io.decode_image(contents, channels=3, dtype=tf.uint8, expand_animations=False),
    )
    image.set_shape([None, None, 3])
    return image


def read_rgb_image(path):
    """Reads and decodes one image file to RGB (see `decode_rgb_image`).

    Args:
        path: scalar `tf.string` tensor, the file path.

    Returns:
        uint8 tensor of shape `(height, width, 3)`, values in `[0, 255]`.
    """
    return decode_rgb_image(tf.io.read_file(path))


def load_image_folder(directory, *, check=True):
    """Reads a folder of JPEG and PNG images as a `tf.data.Dataset`.

    The files are those of `list_image_files(directory)`, in sorted order.
    Grayscale images become RGB with three equal channels, and RGBA images
    lose their alpha channel (see `decode_rgb_image`). Images keep their own
    size, which may differ from file to file.

    Args:
        directory: `str` or `os.PathLike`, the folder.
        check: if `True`, decode every file once with Pillow first
            (`check_image_files`), so a corrupt file is reported by name now.

    Returns:
        `tf.data.Dataset` of uint8 images of shape `(height, width, 3)` with
        values in `[0, 255]`, one per file, in sorted file-name order; its
        cardinality is the number of files.

    Raises:
        FileNotFoundError: if `directory` does not exist.
        NotADirectoryError: if `directory` is a file.
        ValueError: if it holds no image file, or (with `check=True`) naming
            the files that cannot be decoded.

    Example:

    >>> images = load_image_folder("data/fashion_mnist_sneaker2boot/testA")  # doctest: +SKIP
    >>> next(iter(images)).shape  # doctest: +SKIP
    TensorShape([64, 64, 3])
    """
    paths = list_image_files(directory)
    if check:
        check_image_files(paths)
    dataset = tf.data.Dataset.from_tensor_slices(paths)
    return dataset.map(read_rgb_image, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
