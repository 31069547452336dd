import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from ganzoo.data import load_image_arrays
from ganzoo.runtime import OnnxClassifier
from ganzoo.training.recipe_files import load_recipe

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "train_domain_classifier.py"


def test_presets_override_only_known_fields():
    recipe = load_recipe("train_domain_classifier")
    default = recipe.make_config()
    assert default.export_dir is None  # runs/classifiers/<dataset>
    assert (default.dataset, default.take, default.overwrite) == ("fashion_mnist", None, True)
    smoke = recipe.make_config("smoke", epochs=2)
    assert smoke.epochs == 2 and smoke.take == 512 and smoke.learning_rate == default.learning_rate
    with pytest.raises(ValueError, match="Unknown config fields"):
        recipe.make_config(epoch=3)
    with pytest.raises(ValueError, match="Unknown preset"):
        recipe.make_config("huge")
    parsed = recipe.parse_args(["--preset", "smoke", "--dropout", "0.1", "--no-overwrite"])
    assert parsed.dropout == 0.1 and parsed.overwrite is False and parsed.base_filters == 4


@pytest.mark.large
def test_smoke_preset_trains_evaluates_and_exports(tmp_path):
    export_dir = tmp_path / "export"
    command = [
        sys.executable,
        str(RECIPE),
        "--preset",
        "smoke",
        "--export-dir",
        str(export_dir),
        "--data-source",
        "idx",
    ]
    # Run this checkout's ganzoo, whatever an installed copy points to.
    environment = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=environment
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Exported the classifier" in result.stdout
    assert "on 10000 images" in result.stdout

    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert manifest["task"] == "image_classification"
    assert manifest["dataset"] == "fashion_mnist"
    assert manifest["feature_dim"] == 16
    config = manifest["training_config"]
    assert (config["epochs"], config["take"], config["test_examples"]) == (1, 512, 10_000)
    assert config["recipe"] == "recipes/train_domain_classifier.py"
    assert max(manifest["parity"]["max_abs_diff"].values()) <= 1e-4
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export"]

    # The recorded accuracy is that of the exported network on the whole split.
    classifier = OnnxClassifier(export_dir)
    pixels, labels = load_image_arrays("fashion_mnist", "test", source="idx")
    probabilities, features = classifier.predict(pixels.astype(np.float32) / 127.5 - 1.0)
    accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == labels))
    assert abs(accuracy - manifest["test_accuracy"]) <= 0.002
    assert features.shape == (10_000, 16)


@pytest.mark.large
def test_two_domain_classifier_from_unpaired_folders(tmp_path):
    """`--data-dir`: trainA is class 0, trainB class 1, scored on testA + testB."""
    make_folders = load_recipe("make_unpaired_fashion_mnist")
    folders = tmp_path / "sneaker2boot"
    make_folders.main(["--output", str(folders), "--max-per-domain", "40", "--size", "32"])

    recipe = load_recipe("train_domain_classifier")
    config = recipe.make_config(
        "sneaker2boot",
        data_dir=str(folders),
        base_filters=4,
        feature_dim=8,
        batch_size=8,
        epochs=8,
        export_dir=str(tmp_path / "classifier"),
    )
    _, accuracy, export_path = recipe.train(config)
    # Sneakers and ankle boots are easy to tell apart; chance is 0.5.
    assert accuracy > 0.75
    classifier = OnnxClassifier(export_path)
    assert classifier.class_names == ("sneaker", "ankle boot")
    assert classifier.image_shape == (32, 32, 3)
    manifest = json.loads((export_path / "manifest.json").read_text())
    assert manifest["test_accuracy"] == pytest.approx(accuracy)
    assert manifest["training_config"]["test_examples"] == 80


def test_an_export_it_may_not_replace_stops_it_before_training(tmp_path, monkeypatch):
    recipe = load_recipe("train_domain_classifier")
    (tmp_path / "export").mkdir()
    config = recipe.make_config("smoke", export_dir=str(tmp_path / "export"), overwrite=False)
    monkeypatch.setattr(recipe, "load_training_data", lambda config: pytest.fail("trained"))
    with pytest.raises(FileExistsError):
        recipe.train(config)
