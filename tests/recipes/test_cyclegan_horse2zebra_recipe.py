"""recipes/cyclegan_horse2zebra.py end to end on real unpaired images, and without data."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from ganzoo.data import sources
from ganzoo.data import unpaired
from ganzoo.training.recipe_files import load_recipe

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "cyclegan_horse2zebra.py"


@pytest.fixture(scope="module")
def folder_set(tmp_path_factory):
    """Real sneakers (trainA/testA) and ankle boots (trainB/testB) as grayscale PNGs."""
    output = tmp_path_factory.mktemp("unpaired") / "sneaker2boot"
    load_recipe("make_unpaired_fashion_mnist").main(
        ["--output", str(output), "--max-per-domain", "12", "--size", "32"]
    )
    return output


def test_presets_follow_the_paper_and_fit_the_cpu():
    recipe = load_recipe("cyclegan_horse2zebra")
    paper = recipe.make_config()
    assert (paper.image_size, paper.load_size, paper.batch_size) == (256, 286, 1)
    assert (paper.num_residual_blocks, paper.generator_filters) == (9, 64)
    assert (paper.lambda_cycle, paper.lambda_identity, paper.pool_size) == (10.0, 0.5, 50)
    assert (paper.learning_rate, paper.beta_1) == (2e-4, 0.5)
    assert (paper.epochs, paper.decay_epochs) == (200, 100)
    cpu = recipe.make_config("cpu")
    assert cpu.image_size == 32 and cpu.data_dir == "data/fashion_mnist_sneaker2boot"
    with pytest.raises(ValueError, match="Unknown config fields"):
        recipe.make_config(blocks=3)


def test_learning_rate_is_constant_then_decays_to_zero():
    recipe = load_recipe("cyclegan_horse2zebra")
    config = recipe.make_config("smoke", epochs=4, decay_epochs=2)
    cycle_gan = recipe.build(config, steps_per_epoch=10)
    values = []
    for step in (0, 20, 30, 40):
        cycle_gan.g_optimizer.iterations.assign(step)
        values.append(float(cycle_gan.g_optimizer.learning_rate))
    np.testing.assert_allclose(values, [2e-4, 2e-4, 1e-4, 0.0], atol=1e-9)


@pytest.mark.large
def test_smoke_preset_trains_on_real_folders_and_exports_both_generators(tmp_path, folder_set):
    run_dir, export_dir = tmp_path / "run", tmp_path / "export"
    command = [
        sys.executable,
        str(RECIPE),
        "--preset",
        "smoke",
        "--data-dir",
        str(folder_set),
        "--run-dir",
        str(run_dir),
        "--export-dir",
        str(export_dir),
        # The strategy path of every recipe (one replica on this CPU).
        "--distribution",
        "mirrored",
        # Stabilizers: the grids and the exports are the averaged generators.
        "--augmentation",
        "translation,cutout",
        "--generator-ema-decay",
        "0.9",
    ]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, env=environment
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    # Rows x|G(x)|F(G(x)) for 2 sneakers, then y|F(y)|G(F(y)) for 2 boots:
    # 16 px cells, 2 px padding, scale 2.
    for epoch in (1, 2):
        with Image.open(run_dir / "samples" / f"epoch_{epoch:03d}.png") as grid:
            assert grid.size == (2 * (3 * 16 + 2 * 2), 2 * (4 * 16 + 3 * 2))
    assert (run_dir / "checkpoint.weights.h5").is_file()
    assert (run_dir / "loss_curves.png").is_file()

    from ganzoo.runtime import OnnxImageTranslator

    for name, source, target in (("g_x_to_y", "horse", "zebra"), ("f_y_to_x", "zebra", "horse")):
        manifest = json.loads((export_dir / name / "manifest.json").read_text())
        assert manifest["task"] == "image_to_image_translation"
        assert (manifest["source_domain"], manifest["target_domain"]) == (source, target)
        assert manifest["parity"]["image_sizes"] == [[256, 256], [16, 16]]
        assert max(manifest["parity"]["max_abs_diff"].values()) <= 1e-4
        assert (export_dir / name / "translations.png").is_file()
        translator = OnnxImageTranslator(export_dir / name)
        for shape in ((1, 256, 256, 3), (2, 16, 32, 3)):
            images = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
            assert translator.translate(images).shape == shape


def test_a_translator_that_ignores_its_input_is_not_exported(folder_set, capsys):
    import dataclasses
    import types

    import keras

    from ganzoo.training.recipe_training import CollapsedGeneratorError
    from ganzoo.training.recipe_training import check_before_export

    recipe = load_recipe("cyclegan_horse2zebra")
    config = recipe.make_config("smoke", data_dir=str(folder_set), force=False)
    inputs = keras.Input((None, None, 3))
    # G passes its input through; F returns the same gray image whatever it gets.
    identity = keras.Model(inputs, inputs)
    constant = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 0.0 + 0.2)(inputs))
    pair = types.SimpleNamespace(sampling_generator_g=identity, sampling_generator_f=constant)
    with pytest.raises(CollapsedGeneratorError, match=r"F \(zebra -> horse\) collapsed"):
        check_before_export(recipe.translations_to_check(pair, config, num_images=8), config)
    forced = dataclasses.replace(config, force=True)
    check_before_export(recipe.translations_to_check(pair, forced, num_images=8), forced)
    assert "F (zebra -> horse) collapsed" in capsys.readouterr().out


def test_without_data_it_stops_at_once_and_says_how_to_provide_folders(monkeypatch, tmp_path):
    def not_prepared(tfds_name, split, *, data_dir, download):
        raise AssertionError(f"Dataset {tfds_name}: could not find data in {data_dir}.")

    monkeypatch.setattr(unpaired, "_read_tfds_split", not_prepared)
    monkeypatch.setattr(
        sources, "can_reach_download_host", lambda name, timeout=3.0: (False, "offline")
    )
    recipe = load_recipe("cyclegan_horse2zebra")
    with pytest.raises(SystemExit) as stopped:
        recipe.main(["--run-dir", str(tmp_path / "run"), "--export-dir", str(tmp_path / "e")])
    message = str(stopped.value.code)
    assert "--data-dir" in message and "trainA" in message
    assert "cycle_gan/horse2zebra" in message
    assert not (tmp_path / "e").exists()


def test_the_pair_is_published_both_or_neither(tmp_path, monkeypatch):
    import types

    from ganzoo.export import image_translator_export

    recipe = load_recipe("cyclegan_horse2zebra")
    export_dir = tmp_path / "export"
    for name in recipe.TRANSLATOR_NAMES:  # the previous run's pair
        (export_dir / name).mkdir(parents=True)
        (export_dir / name / "run.txt").write_text("previous")
    calls = []

    def fake_export(generator, directory, **kwargs):
        calls.append((pathlib.Path(directory).name, kwargs["source_domain"]))
        if generator == "fails":
            raise RuntimeError("F's parity check failed")
        pathlib.Path(directory).mkdir()
        (pathlib.Path(directory) / "run.txt").write_text("new")
        return directory

    monkeypatch.setattr(image_translator_export, "export_image_translator", fake_export)
    config = recipe.make_config("smoke", export_dir=str(export_dir))
    failing = types.SimpleNamespace(sampling_generator_g="g", sampling_generator_f="fails")
    with pytest.raises(RuntimeError, match="parity"):
        recipe.export(failing, config, {}, None)
    assert calls == [("g_x_to_y", config.domain_x), ("f_y_to_x", config.domain_y)]
    # G of this run was not published beside F of the previous one.
    for name in recipe.TRANSLATOR_NAMES:
        assert (export_dir / name / "run.txt").read_text() == "previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export"]  # no staging left

    working = types.SimpleNamespace(sampling_generator_g="g", sampling_generator_f="f")
    paths = recipe.export(working, config, {}, None)
    assert paths == [export_dir / name for name in recipe.TRANSLATOR_NAMES]
    for name in recipe.TRANSLATOR_NAMES:
        assert (export_dir / name / "run.txt").read_text() == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export"]

    # A directory of other exports is refused before training, not replaced.
    (export_dir / "dcgan_fashion_mnist").mkdir()
    with pytest.raises(FileExistsError, match="dcgan_fashion_mnist besides the pair"):
        image_translator_export.check_translator_pair_directory(export_dir, overwrite=True)
