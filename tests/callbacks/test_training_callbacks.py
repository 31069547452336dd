import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from ganzoo.callbacks import LossCurves
from ganzoo.callbacks import SampleGrid
from tests.test_case import random_images
from tests.test_case import tiny_gan


@pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")
def test_sample_grid_and_loss_curves_are_written_each_epoch(tmp_path):
    gan = tiny_gan()
    grid = SampleGrid(tmp_path / "samples", num_samples=9, seed=0, scale=1)
    curves = LossCurves(tmp_path / "curves.png", every_n_batches=1)
    dataset = tf.data.Dataset.from_tensor_slices(random_images(32)).batch(8)
    gan.fit(dataset, epochs=2, callbacks=[grid, curves], verbose=0)

    paths = sorted(p.name for p in (tmp_path / "samples").iterdir())
    assert paths == ["epoch_001.png", "epoch_002.png"]
    assert grid.last_path.endswith("epoch_002.png")
    with Image.open(grid.last_path) as image:
        pixels = np.asarray(image)
    # 3 x 3 images of 28 px with 2 px padding.
    assert pixels.shape == (88, 88)
    # The grid is the generator's output for the fixed latents, after training.
    expected = gan.generate(num_samples=9, seed=0)
    np.testing.assert_allclose(pixels[:28, :28] / 127.5 - 1.0, expected[0, ..., 0], atol=1 / 127.5)

    assert (tmp_path / "curves.png").stat().st_size > 0
    assert [step for step, _ in curves.history["d_loss"]] == list(range(1, 9))
    assert set(curves.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
