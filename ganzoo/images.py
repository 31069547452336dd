"""Image grids and PNG files, with NumPy and Pillow only (no TensorFlow).

Pillow is imported where a PNG is written, so `to_uint8` and `image_grid`
serve onnxruntime-only consumers (`ganzoo.runtime`) too.
"""

import math

import numpy as np

from ganzoo.files import atomic_output

# How far a float32 `tanh` may overshoot `[-1, 1]` and still count as in range;
# data scaled to [0, 255] misses it by orders of magnitude.
RANGE_MARGIN = 1e-3


def check_image_values(images, argument="images", refuse_unit_range=False):
    """Raises unless a float array holds finite values in `[-1, 1]`.

    The messages name the likely scaling mistake: `[0, 255]` pixels (map them
    with `x / 127.5 - 1`) or `[0, 1]` data (map it with `2 * x - 1`).

    Args:
        images: floating NumPy array of any shape. Empty arrays pass.
        argument: str, the name the messages give the array.
        refuse_unit_range: bool; also refuse an array with no negative value
            and a positive maximum, i.e. data that looks scaled to `[0, 1]`
            (in range, but nothing in it is darker than mid-gray).

    Raises:
        ValueError: if a value is NaN or infinite, lies outside `[-1, 1]` by
            more than `RANGE_MARGIN`, or (with `refuse_unit_range`) the array
            looks scaled to `[0, 1]`.
    """
    if images.size == 0:
        return
    finite = np.isfinite(images)
    if not finite.all():
        raise ValueError(
            f"`{argument}` must be finite: {int(images.size - finite.sum())} of its "
            f"{images.size} values are NaN or infinity."
        )
    low, high = float(images.min()), float(images.max())
    if low < -1.0 - RANGE_MARGIN or high > 1.0 + RANGE_MARGIN:
        hint = (
            "they look like [0, 255] pixels: scale them with `x / 127.5 - 1`"
            if low >= 0.0 and high <= 255.0 + RANGE_MARGIN
            else "scale them to [-1, 1] (uint8 pixels: `x / 127.5 - 1`)"
        )
        raise ValueError(
            f"`{argument}` must have values in [-1, 1]. Received values in "
            f"[{low:.4g}, {high:.4g}]; {hint}."
        )
    if refuse_unit_range and low >= 0.0 and high > 0.0:
        raise ValueError(
            f"`{argument}` must have values in [-1, 1], but none is negative (values "
            f"in [{low:.4g}, {high:.4g}]): it looks scaled to [0, 1]. Scale it with "
            "`2 * x - 1` (uint8 pixels: `x / 127.5 - 1`)."
        )


def to_uint8(images):
    """Maps images in `[-1, 1]` to uint8 pixels in `[0, 255]`.

    Values are scaled by `(x + 1) * 127.5`, rounded to the nearest integer and
    clipped, so a `tanh` that overshoots by up to `RANGE_MARGIN` still gives
    valid pixels.

    Args:
        images: floating array-like of any shape, values in `[-1, 1]`.

    Returns:
        uint8 NumPy array of the same shape.

    Raises:
        TypeError: if `images` is not floating point (already pixels?).
        ValueError: if `images` holds NaN or infinity, or values outside
            `[-1, 1]` (e.g. `[0, 255]` floats, which clipping would turn
            into a white image).
    """
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(
            f"`images` must be floating point in [-1, 1]. Received dtype {images.dtype}."
        )
    check_image_values(images)
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
