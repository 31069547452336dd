"""recipes/dcgan_cifar10.py: StudioGAN's setup, trained end to end on tfds mock CIFAR-10."""

import json

import numpy as np
import pytest
import tensorflow_datasets as tfds

from ganzoo.data import sources
from ganzoo.runtime import OnnxGenerator
from ganzoo.training.precision import auto_dtype_policy
from ganzoo.training.recipe_files import load_recipe


def test_defaults_are_studiogan_dcgan_cifar10():
    # src/configs/CIFAR10/DCGAN.yaml over src/config.py's defaults.
    config = load_recipe("dcgan_cifar10").make_config()
    assert (config.latent_dim, config.batch_size, config.discriminator_steps) == (128, 64, 2)
    assert (config.learning_rate, config.beta_1, config.beta_2) == (2e-4, 0.5, 0.999)
    assert config.generator_loss == "non_saturating" and config.random_flip
    generator_steps = config.epochs * (50_000 // (config.batch_size * config.discriminator_steps))
    assert abs(generator_steps - 200_000) / 200_000 < 0.002


@pytest.mark.large
def test_smoke_preset_trains_on_mock_cifar10_and_exports(tmp_path, monkeypatch):
    monkeypatch.setattr(
        sources, "can_reach_download_host", lambda name, timeout=3.0: (False, "offline")
    )
    recipe = load_recipe("dcgan_cifar10")
    config = recipe.make_config(
        "smoke", run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "export")
    )
    with tfds.testing.mock_data(num_examples=64):
        gan, result = recipe.train(config)
    export_path = result["export_path"]

    manifest = json.loads((export_path / "manifest.json").read_text())
    assert manifest["dataset"] == "cifar10" and manifest["image_shape"] == [32, 32, 3]
    assert manifest["latent_dim"] == 128
    record = manifest["training_config"]
    assert record["recipe"] == "recipes/dcgan_cifar10.py"
    assert record["discriminator_steps"] == 2 and record["random_flip"] is True
    # The default "auto" precision, resolved for this machine.
    assert record["dtype_policy"] == "auto"
    assert record["dtype_policy_used"] == auto_dtype_policy()[0]
    # 64 images in batches of 2 x 8: 4 generator steps per epoch, 2 epochs.
    assert record["optimizer_steps"] == 8
    assert max(manifest["parity"]["max_abs_diff"].values()) <= 1e-4
    images = OnnxGenerator(export_path).sample(3, seed=0)
    # The in-memory generator computes in bfloat16 under "auto" here (8 bits
    # of mantissa); the export is its float32 copy (parity checked above).
    atol = 1e-4 if record["dtype_policy_used"] == "float32" else 2e-2
    np.testing.assert_allclose(images, np.asarray(gan.generate(3, seed=0)), atol=atol)
    assert (tmp_path / "run" / "samples" / "epoch_002.png").is_file()
