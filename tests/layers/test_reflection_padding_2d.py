import keras
import numpy as np
import pytest

from ganzoo.layers import ReflectionPadding2D


@pytest.mark.parametrize("padding", [1, 3, (2, 1), (0, 2)], ids=["1", "3", "2x1", "0x2"])
def test_output_equals_numpy_reflect_padding(padding):
    pad_height, pad_width = (padding, padding) if isinstance(padding, int) else padding
    images = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype(np.float32)
    expected = np.pad(
        images, [(0, 0), (pad_height, pad_height), (pad_width, pad_width), (0, 0)], mode="reflect"
    )
    output = keras.ops.convert_to_numpy(ReflectionPadding2D(padding)(images))
    np.testing.assert_array_equal(output, expected)


def test_border_pixel_is_not_repeated():
    row = np.array([1.0, 2.0, 3.0], np.float32).reshape(1, 1, 3, 1)
    output = keras.ops.convert_to_numpy(ReflectionPadding2D((0, 2))(row))
    np.testing.assert_array_equal(output.ravel(), [3, 2, 1, 2, 3, 2, 1])


@pytest.mark.parametrize("padding", [-1, (1,), (1, 2, 3), (1, -2), 1.5, "1", True, None])
def test_bad_padding_raises_naming_the_value(padding):
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D(padding)


def test_output_shape_keeps_unknown_sizes_unknown():
    layer = ReflectionPadding2D((1, 2))
    assert layer.compute_output_shape((None, None, 8, 3)) == (None, None, 12, 3)
    assert layer.compute_output_shape((4, 6, None, 3)) == (4, 8, None, 3)
    symbolic = layer(keras.Input(shape=(None, 8, 3)))
    assert tuple(symbolic.shape) == (None, None, 12, 3)


def test_config_round_trip():
    layer = ReflectionPadding2D((3, 1), name="pad")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(restored) is ReflectionPadding2D
    assert restored.padding == (3, 1)
    assert restored.get_config() == layer.get_config()
