"""Image grids and PNG files, with NumPy and Pillow only (no TensorFlow).

Pillow is imported where a PNG is written, so `to_uint8` and `image_grid`
serve onnxruntime-only consumers (`ganzoo.export.runtime`) too.
"""

import math

import numpy as np

from ganzoo.files import atomic_output


def to_uint8(images):
    """Maps images in `[-1, 1]` to uint8 pixels in `[0, 255]`.

    Values are scaled by `(x + 1) * 127.5`, rounded to the nearest integer and
    clipped, so slightly out-of-range inputs still give valid pixels.

    Args:
        images: floating array-like of any shape, values in `[-1, 1]`.

    Returns:
        uint8 NumPy array of the same shape.

    Raises:
        TypeError: if `images` is not floating point (already pixels?).
        ValueError: if `images` contains NaN.
    """
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(
            f"`images` must be floating point in [-1, 1]. Received dtype {images.dtype}."
        )
    if np.isnan(images).any():
        raise ValueError("`images` contains NaN.")
    pixels = np.rint((images.astype(np.float64) + 1.0) * 127.5)
    return np.clip(pixels, 0, 255).astype(np.uint8)


def image_grid(images, num_columns=None, padding=2):
    """Tiles a batch of images into one image, row by row.

    Args:
        images: float array of shape `(batch, height, width, channels)`, values
            in `[-1, 1]`, with 1 or 3 channels.
        num_columns: int, images per row; defaults to `ceil(sqrt(batch))`.
        padding: int, pixels of black between images.

    Returns:
        uint8 array of shape `(grid_height, grid_width, channels)`.

    Raises:
        ValueError: if `images` is not a non-empty rank-4 batch with 1 or 3
            channels.
    """
    images = np.asarray(images)
    if images.ndim != 4 or len(images) == 0 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "`images` must have shape (batch, height, width, 1 or 3) with batch > 0. "
            f"Received shape {images.shape}."
        )
    batch, height, width, channels = images.shape
    num_columns = num_columns or math.ceil(math.sqrt(batch))
    num_rows = math.ceil(batch / num_columns)
    grid = np.zeros(
        (
            num_rows * height + (num_rows - 1) * padding,
            num_columns * width + (num_columns - 1) * padding,
            channels,
        ),
        dtype=np.uint8,
    )
    for index, image in enumerate(to_uint8(images)):
        row, column = divmod(index, num_columns)
        top, left = row * (height + padding), column * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_png(image, path, scale=1):
    """Writes a uint8 image to `path` atomically (temp file, then rename).

    Args:
        image: uint8 array of shape `(height, width, channels)`, 1 or 3
            channels.
        path: destination file path; parent directories are created.
        scale: int >= 1, nearest-neighbour upscaling factor (small images are
            easier to look at enlarged).
    """
    from PIL import Image

    pil_image = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
    if scale > 1:
        pil_image = pil_image.resize(
            (pil_image.width * scale, pil_image.height * scale), Image.Resampling.NEAREST
        )
    with atomic_output(path) as temp_path:
        pil_image.save(temp_path, format="PNG")
