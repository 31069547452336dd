"""Reflection padding of images, as `torch.nn.ReflectionPad2d`."""

import keras


def _check_padding(padding):
    """Returns `padding` as `(pad_height, pad_width)` of non-negative ints."""
    if isinstance(padding, int) and not isinstance(padding, bool):
        padding = (padding, padding)
    if (
        not isinstance(padding, (tuple, list))
        or len(padding) != 2
        or not all(isinstance(pad, int) and not isinstance(pad, bool) for pad in padding)
        or min(padding) < 0
    ):
        raise ValueError(
            "`padding` must be a non-negative int or a tuple `(pad_height, pad_width)` "
            f"of non-negative ints. Received: padding={padding!r}"
        )
    return tuple(padding)


@keras.saving.register_keras_serializable(package="ganzoo")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its borders.

    The border pixel itself is not repeated: padding `[1, 2, 3]` by 2 gives
    `[3, 2, 1, 2, 3, 2, 1]` (`numpy.pad(..., mode="reflect")`,
    `torch.nn.ReflectionPad2d`). CycleGAN's ResNet generator pads this way
    before its 7x7 and residual 3x3 convolutions, which avoids the dark
    border artifacts zero padding leaves in generated images.

    Args:
        padding: int, or tuple `(pad_height, pad_width)` of ints >= 0: rows
            added at the top and at the bottom, columns added at the left and
            at the right. Each must be smaller than the height (width) of the
            inputs it is applied to.
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).

    Call arguments:
        inputs: tensor of shape `(batch, height, width, channels)`.

    Returns:
        tensor of the dtype of `inputs`, shape
        `(batch, height + 2 * pad_height, width + 2 * pad_width, channels)`.

    Raises:
        ValueError: if `padding` is not an int or a pair of ints >= 0.

    Example:

    >>> layer = ReflectionPadding2D(padding=(1, 2))
    >>> layer(keras.ops.zeros((2, 8, 8, 3))).shape
    TensorShape([2, 10, 12, 3])
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _check_padding(padding)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def call(self, inputs):
        pad_height, pad_width = self.padding
        return keras.ops.pad(
            inputs,
            [[0, 0], [pad_height, pad_height], [pad_width, pad_width], [0, 0]],
            mode="reflect",
        )

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        pad_height, pad_width = self.padding
        return (
            batch,
            None if height is None else height + 2 * pad_height,
            None if width is None else width + 2 * pad_width,
            channels,
        )

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding})
        return config
