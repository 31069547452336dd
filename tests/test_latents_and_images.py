import numpy as np
import pytest
from PIL import Image

from ganzoo.images import check_image_values
from ganzoo.images import image_grid
from ganzoo.images import save_png
from ganzoo.images import to_uint8
from ganzoo.latents import interpolate_latents
from ganzoo.latents import sample_latents


def test_sample_latents_is_seeded_standard_normal():
    z = sample_latents(4000, 16, seed=3)
    assert z.shape == (4000, 16) and z.dtype == np.float32
    np.testing.assert_array_equal(z, sample_latents(4000, 16, seed=3))
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02
    with pytest.raises(ValueError, match="latent_dim"):
        sample_latents(2, 0)
    with pytest.raises(ValueError, match="num_samples"):
        sample_latents(True, 4)
    # NumPy's own errors for these name neither the argument nor the range.
    for seed in (-1, 1.5, True, "0"):
        with pytest.raises(ValueError, match=r"`seed` must be None or an int >= 0"):
            sample_latents(2, 4, seed=seed)


def test_linear_and_spherical_interpolation():
    start = np.array([1.0, 0.0], dtype=np.float32)
    end = np.array([0.0, 2.0], dtype=np.float32)
    linear = interpolate_latents(start, end, num_steps=3)
    np.testing.assert_allclose(linear, [[1, 0], [0.5, 1.0], [0, 2]])
    unit_end = np.array([0.0, 1.0], dtype=np.float32)
    spherical = interpolate_latents(start, unit_end, num_steps=3, spherical=True)
    np.testing.assert_allclose(spherical[0], start, atol=1e-6)
    np.testing.assert_allclose(spherical[-1], unit_end, atol=1e-6)
    # Halfway along the unit arc, at 45 degrees and still of norm 1 (a straight
    # line would cut the corner to norm 0.71).
    np.testing.assert_allclose(spherical[1], [0.70711, 0.70711], atol=1e-4)
    with pytest.raises(ValueError, match="same size"):
        interpolate_latents(start, np.zeros(3), 4)
    with pytest.raises(ValueError, match="num_steps"):
        interpolate_latents(start, end, 1)


def test_to_uint8_maps_the_tanh_range_and_refuses_other_scalings():
    # A float32 tanh's overshoot of an ulp or so clips to valid pixels.
    np.testing.assert_array_equal(to_uint8([-1.0005, 0.0, 1.0, 1.0005]), [0, 128, 255, 255])
    # [0, 255] floats used to clip to a white image without a word.
    with pytest.raises(ValueError, match=r"\[0, 255\] pixels: scale them with `x / 127.5 - 1`"):
        to_uint8(np.array([0.0, 37.0, 255.0], np.float32))
    with pytest.raises(ValueError, match=r"values in \[-3, 0\]"):
        to_uint8([-3.0, 0.0])
    with pytest.raises(ValueError, match="1 of its 2 values are NaN or infinity"):
        to_uint8([np.inf, 0.0])


def test_check_image_values_names_unit_range_data_only_when_asked():
    unit = np.array([0.0, 0.25, 1.0], np.float32)
    check_image_values(unit)
    with pytest.raises(ValueError, match=r"looks scaled to \[0, 1\]. Scale it with `2 \* x - 1`"):
        check_image_values(unit, refuse_unit_range=True)
    check_image_values(unit - 0.5, refuse_unit_range=True)
    check_image_values(np.zeros((0, 4), np.float32), refuse_unit_range=True)


def test_image_grid_places_images_row_by_row(tmp_path):
    images = np.stack([np.full((2, 3, 1), value) for value in (-1.0, 0.0, 1.0)])
    grid = image_grid(images, num_columns=2, padding=1)
    assert grid.shape == (5, 7, 1)
    assert grid[0, 0, 0] == 0 and grid[0, 4, 0] == 128 and grid[3, 0, 0] == 255
    assert grid[2, 0, 0] == 0  # padding row
    path = tmp_path / "nested" / "grid.png"
    save_png(grid, path, scale=3)
    with Image.open(path) as loaded:
        assert loaded.size == (21, 15)
    assert [p.name for p in path.parent.iterdir()] == ["grid.png"]
    with pytest.raises(ValueError, match="shape"):
        image_grid(np.zeros((2, 4, 4, 2)))
