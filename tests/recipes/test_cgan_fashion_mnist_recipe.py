import json
import pathlib

import numpy as np
import pytest
from PIL import Image

from tests.test_case import run_recipe_smoke

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "cgan_fashion_mnist.py"


@pytest.mark.large
def test_smoke_preset_trains_on_real_fashion_mnist_and_exports(tmp_path):
    run_dir, export_dir, _ = run_recipe_smoke(
        "cgan_fashion_mnist", tmp_path, "--conditioning", "concat", "--distribution", "mirrored"
    )

    # One row per class, two columns (smoke preset), 28 px cells, 2 px padding, scale 2.
    with Image.open(run_dir / "samples" / "epoch_002.png") as grid:
        assert grid.size == (2 * (2 * 28 + 2), 2 * (10 * 28 + 9 * 2))
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert manifest["task"] == "conditional_image_generation"
    assert manifest["class_names"][0] == "T-shirt/top" and manifest["num_classes"] == 10
    assert manifest["training_config"]["conditioning"] == "concat"
    assert max(manifest["parity"]["max_abs_diff"].values()) <= 1e-4

    from ganzoo.runtime import OnnxConditionalGenerator

    generator = OnnxConditionalGenerator(export_dir)
    images = generator.sample(np.array([0, 9, 3]), seed=0)
    assert images.shape == (3, 28, 28, 1)
    with pytest.raises(ValueError, match="10"):
        generator.sample(np.array([10]))
