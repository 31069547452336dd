"""TranslationGrid: rows x | G(x) | F(G(x)) and y | F(y) | G(F(y)) of fixed test images."""

import types

import keras
import numpy as np
import pytest
from PIL import Image

from ganzoo.callbacks import LossCurves
from ganzoo.callbacks import TranslationGrid


def translator(function, name):
    inputs = keras.Input((None, None, 3), name="images")
    return keras.Model(inputs, keras.layers.Lambda(function)(inputs), name=name)


def test_rows_hold_inputs_translations_and_reconstructions(tmp_path):
    rng = np.random.default_rng(0)
    images_x = rng.uniform(-1, 1, (2, 8, 8, 3)).astype(np.float32)
    images_y = rng.uniform(-1, 1, (2, 8, 8, 3)).astype(np.float32)
    # G negates, F halves: each cell is recognisable.
    model = types.SimpleNamespace(
        generator_g=translator(lambda t: -t, "g"), generator_f=translator(lambda t: t / 2, "f")
    )
    grid = TranslationGrid(tmp_path, images_x, images_y, scale=1)
    path = grid.write(3, model=model)
    assert path.endswith("epoch_003.png") and grid.last_path == path
    with Image.open(path) as image:
        pixels = np.asarray(image).astype(np.float32) / 127.5 - 1.0
    assert pixels.shape == (4 * 8 + 3 * 2, 3 * 8 + 2 * 2, 3)

    def cell(row, column):
        return pixels[row * 10 : row * 10 + 8, column * 10 : column * 10 + 8]

    tolerance = 1.5 / 127.5
    np.testing.assert_allclose(cell(0, 0), images_x[0], atol=tolerance)
    np.testing.assert_allclose(cell(0, 1), -images_x[0], atol=tolerance)
    np.testing.assert_allclose(cell(0, 2), -images_x[0] / 2, atol=tolerance)
    np.testing.assert_allclose(cell(3, 0), images_y[1], atol=tolerance)
    np.testing.assert_allclose(cell(3, 1), images_y[1] / 2, atol=tolerance)
    np.testing.assert_allclose(cell(3, 2), -images_y[1] / 2, atol=tolerance)


def test_images_of_different_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="one size"):
        TranslationGrid(tmp_path, np.zeros((1, 8, 8, 3)), np.zeros((1, 16, 16, 3)))


def test_loss_curves_with_a_single_panel(tmp_path):
    curves = LossCurves(
        tmp_path / "curves.png", every_n_batches=1, loss_keys=("cycle_loss",), probability_keys=()
    )
    for step in range(3):
        curves.on_train_batch_end(step, {"cycle_loss": 1.0 / (step + 1)})
    curves.on_epoch_end(0)
    with Image.open(tmp_path / "curves.png") as image:
        assert image.size == (600, 360)
    assert [value for _, value in curves.history["cycle_loss"]] == [1.0, 0.5, 1.0 / 3]
