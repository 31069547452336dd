import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from tests.test_case import run_recipe_smoke

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "sgan_fashion_mnist.py"
BENCHMARK = REPO / "benchmarks" / "semi_supervised.py"
ENVIRONMENT = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}


@pytest.mark.large
def test_smoke_preset_trains_on_real_fashion_mnist_and_exports_both_networks(tmp_path):
    run_dir, export_dir, _ = run_recipe_smoke(
        "sgan_fashion_mnist",
        tmp_path,
        "--num-labels",
        "30",
        "--train-split",
        "train[:50000]",
        "--validation-split",
        "train[59800:]",
        "--decay-epochs",
        "1",
    )
    assert (run_dir / "samples" / "epoch_002.png").exists()

    classifier_manifest = json.loads((export_dir / "classifier" / "manifest.json").read_text())
    assert classifier_manifest["task"] == "image_classification"
    assert classifier_manifest["class_names"][9] == "Ankle boot"
    assert 0.0 <= classifier_manifest["test_accuracy"] <= 1.0
    labelled = classifier_manifest["training_config"]["labelled_indices"]
    assert len(labelled) == len(set(labelled)) == 30
    # The validation images' accuracy is logged every epoch.
    assert 0.0 <= classifier_manifest["training_config"]["final_metrics"]["val_accuracy"] <= 1.0
    assert classifier_manifest["training_config"]["validation_split"] == "train[59800:]"
    assert classifier_manifest["training_config"]["decay_epochs"] == 1
    generator_manifest = json.loads((export_dir / "generator" / "manifest.json").read_text())
    assert generator_manifest["task"] == "unconditional_image_generation"

    from ganzoo.runtime import OnnxClassifier
    from ganzoo.runtime import OnnxGenerator

    images = OnnxGenerator(export_dir / "generator").sample(3, seed=0)
    probabilities, _ = OnnxClassifier(export_dir / "classifier").predict(images)
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_a_validation_split_from_the_test_images_is_refused_before_training(tmp_path):
    result = subprocess.run(
        [sys.executable, str(RECIPE), "--preset", "smoke", "--validation-split", "test[:500]"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=ENVIRONMENT,
    )
    assert result.returncode != 0
    assert "validation_split must not be a part of the test split" in result.stderr
    assert not (tmp_path / "runs").exists()


@pytest.mark.large
def test_benchmark_runs_on_tiny_sizes_and_resumes(tmp_path):
    output = tmp_path / "table"
    command = [
        sys.executable,
        str(BENCHMARK),
        "--preset",
        "smoke",
        "--labels",
        "10",
        "20",
        "--seeds",
        "0",
        "--epochs",
        "1",
        "--steps-per-epoch",
        "2",
        "--data-source",
        "idx",
        "--output",
        str(output),
    ]
    for _ in range(2):
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=ENVIRONMENT
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    records = [json.loads(line) for line in (tmp_path / "table.jsonl").read_text().splitlines()]
    # The second invocation found both runs done and repeated neither.
    assert [record["num_labels"] for record in records] == [10, 20]
    assert all(record["steps"] == 2 for record in records)
    assert "Skipping" in result.stdout
    table = (tmp_path / "table.md").read_text()
    assert "| fashion_mnist (1 epoch) | 10 | 0 |" in table
