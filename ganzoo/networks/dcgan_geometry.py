"""Shared shape arithmetic of the DCGAN generator and discriminator."""


def dcgan_geometry(image_shape):
    """Returns `(initial_size, num_resamplings)` for a square DCGAN image.

    The DCGAN generator starts from an `initial_size x initial_size` feature map
    and doubles it `num_resamplings` times; the discriminator halves the image
    as many times. The initial size is the first size of at most 7 reached by
    halving, so 28 -> (7, 2), 32 -> (4, 3), 64 -> (4, 4).

    Args:
        image_shape: `(height, width, channels)` with `height == width`.

    Returns:
        Tuple of ints `(initial_size, num_resamplings)`.

    Raises:
        ValueError: if the shape is not a square `(size, size, channels)` whose
            size halves evenly down to at most 7 at least once.
    """
    if len(image_shape) != 3 or any(not isinstance(dim, int) or dim <= 0 for dim in image_shape):
        raise ValueError(
            "`image_shape` must be (height, width, channels) with positive "
            f"integers. Received: image_shape={image_shape!r}"
        )
    height, width, _ = image_shape
    if height != width:
        raise ValueError(f"DCGAN networks need square images. Received: image_shape={image_shape}")
    size, num_resamplings = height, 0
    while size > 7 and size % 2 == 0:
        size //= 2
        num_resamplings += 1
    if size > 7 or num_resamplings == 0:
        raise ValueError(
            "DCGAN image size must be a power-of-two multiple of a size of at "
            "most 7 (for example 28, 32, 64, 128). Received: "
            f"image_shape={image_shape}"
        )
    return size, num_resamplings


def check_positive_ints(**values):
    """Raises `ValueError` naming the first argument that is not a positive int."""
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"`{name}` must be a positive int. Received: {value!r}")
