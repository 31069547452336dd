import json
import pathlib
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest

from ganzoo.data import load_image_arrays
from ganzoo.evaluation import evaluate
from ganzoo.export import export_generator

REPO = pathlib.Path(__file__).resolve().parents[1]
CLASSIFIER = REPO / "exported" / "classifiers" / "fashion_mnist"


def _collapsed_generator(latent_dim=8):
    """A generator that ignores z and always draws the mean sneaker."""
    images, labels = load_image_arrays("fashion_mnist", split="train", source="idx")
    mean_sneaker = images[labels == 7].mean(axis=0).astype(np.float32) / 127.5 - 1.0
    z = keras.Input((latent_dim,), name="z")
    dense = keras.layers.Dense(28 * 28, kernel_initializer="zeros", activation="tanh")
    outputs = keras.layers.Reshape((28, 28, 1))(dense(z))
    generator = keras.Model(z, outputs)
    dense.bias.assign(np.arctanh(np.clip(mean_sneaker.reshape(-1), -0.999, 0.999)))
    return generator


@pytest.mark.large
def test_a_collapsed_generator_scores_worse_than_real_data_on_every_metric(tmp_path):
    export = export_generator(
        _collapsed_generator(), tmp_path / "collapsed", dataset="fashion_mnist"
    )
    unevaluated = (export / "manifest.json").read_text()
    result = evaluate(export, classifier_dir=CLASSIFIER, num_samples=1000, seed=0)
    # Without write=True the export is left as it was.
    assert (export / "manifest.json").read_text() == unevaluated
    generated, floor = result["generated"], result["real_train_vs_test"]
    assert generated["fid_domain"] > floor["fid_domain"] + 50
    assert generated["kid_domain"] > floor["kid_domain"] + 0.5
    assert generated["recall_domain"] < 0.05 < 0.8 < floor["recall_domain"]
    # The mean sneaker is blurrier than any real image: outside the real manifold.
    assert generated["precision_domain"] < floor["precision_domain"] - 0.5
    assert generated["inception_score_domain"] < 1.5 < 7.0 < floor["inception_score_domain"]
    assert generated["class_entropy_bits"] < 0.5 < 3.0 < floor["class_entropy_bits"]

    evaluate(export, classifier_dir=CLASSIFIER, num_samples=1000, seed=0, write=True)
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["metrics"]["generated"] == pytest.approx(generated)
    assert manifest["metrics"]["num_generated"] == 1000 and manifest["metrics"]["seed"] == 0
    assert "domain classifier" in manifest["metrics"]["extractor"]


@pytest.mark.large
def test_ganzoo_evaluate_command_on_the_pretrained_dcgan(tmp_path):
    # A copy, so the command's manifest update does not touch the checkout.
    shutil.copytree(REPO / "exported" / "dcgan_fashion_mnist", tmp_path / "dcgan")
    manifest_path = tmp_path / "dcgan" / "manifest.json"
    shipped = manifest_path.read_bytes()
    command = [
        sys.executable,
        "-m",
        "ganzoo.cli",
        "evaluate",
        str(tmp_path / "dcgan"),
        "--classifier",
        str(CLASSIFIER),
        "--num-samples",
        "1000",
        "--write",
    ]
    # The shipped 10,000-sample numbers are not replaced by 1,000-sample ones.
    refused = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert refused.returncode == 1 and "10,000-sample 'metrics'" in refused.stderr
    assert manifest_path.read_bytes() == shipped
    manifest = json.loads(shipped)
    del manifest["metrics"]
    manifest_path.write_text(json.dumps(manifest))
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| fid_domain |" in completed.stdout and "test accuracy 0.9164" in completed.stdout
    metrics = json.loads((tmp_path / "dcgan" / "manifest.json").read_text())["metrics"]
    # A trained DCGAN is between a collapsed generator and the data itself.
    assert metrics["real_train_vs_test"]["fid_domain"] < metrics["generated"]["fid_domain"] < 50
    assert (
        0.3 < metrics["generated"]["recall_domain"] < metrics["real_train_vs_test"]["recall_domain"]
    )
    assert metrics["generated"]["class_entropy_bits"] > 3.0


def test_evaluate_without_dataset_or_classifier_is_rejected(tmp_path):
    z = keras.Input((4,), name="z")
    generator = keras.Model(z, keras.layers.Reshape((2, 2, 1))(keras.layers.Dense(4, "tanh")(z)))
    export = export_generator(generator, tmp_path / "anonymous")
    with pytest.raises(ValueError, match="names no dataset"):
        evaluate(export)


def _class_mean_generator(shift):
    """A conditional generator drawing the mean image of class (label + shift) % 10."""
    images, labels = load_image_arrays("fashion_mnist", split="train", source="idx")
    means = np.stack([images[labels == (c + shift) % 10].mean(axis=0) for c in range(10)])
    table = np.arctanh(np.clip(means.reshape(10, -1) / 127.5 - 1.0, -0.999, 0.999))
    z = keras.Input((4,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedding = keras.layers.Embedding(10, 28 * 28)
    # z is ignored (a zero-weight dense keeps it an input of the graph).
    x = keras.layers.Add()(
        [
            embedding(label),
            keras.layers.Dense(28 * 28, kernel_initializer="zeros", use_bias=False)(z),
        ]
    )
    outputs = keras.layers.Reshape((28, 28, 1))(keras.layers.Activation("tanh")(x))
    generator = keras.Model([z, label], outputs)
    embedding.embeddings.assign(table.astype(np.float32))
    return generator


@pytest.mark.large
def test_label_accuracy_of_a_conditional_generator(tmp_path):
    from ganzoo.data import dataset_info
    from ganzoo.export import export_conditional_generator

    class_names = list(dataset_info("fashion_mnist").class_names)
    accuracies = {}
    for shift in (0, 1):
        export = export_conditional_generator(
            _class_mean_generator(shift),
            tmp_path / f"shift_{shift}",
            class_names=class_names,
            dataset="fashion_mnist",
        )
        result = evaluate(export, classifier_dir=CLASSIFIER, num_samples=500, seed=0)
        accuracies[shift] = result["generated"]["label_accuracy"]
        # The floor is the classifier's accuracy on real training images.
        assert result["real_train_vs_test"]["label_accuracy"] > 0.9
    # Drawing the requested class scores high; drawing the next class scores ~0.
    # (Blurry class means: the classifier recognises 7 of the 10.)
    assert accuracies[0] > 0.6, accuracies
    assert accuracies[1] < 0.2, accuracies


@pytest.mark.large
def test_inception_features_are_reported_under_their_own_names(tmp_path):
    from ganzoo.evaluation import evaluate_inception
    from ganzoo.networks import FIDInceptionV3

    # Random weights: the plumbing, not the numbers (the network's parity
    # with pytorch-fid is tests/networks/test_fid_inception.py).
    weights = tmp_path / "random.weights.h5"
    FIDInceptionV3(weights=None, resize=None).save_weights(weights)
    export = tmp_path / "dcgan"
    shutil.copytree(REPO / "exported" / "dcgan_fashion_mnist", export)
    unevaluated = (export / "manifest.json").read_text()
    result = evaluate_inception(export, weights=weights, num_samples=20, seed=0, batch_size=20)
    assert (export / "manifest.json").read_text() == unevaluated
    tag = "inception2015_clean_20"
    assert set(result["generated"]) == {
        f"{name}_{tag}" for name in ("fid", "kid", "precision", "recall", "density", "coverage")
    } | {f"kid_{tag}_std"}
    assert result["generated"][f"fid_{tag}"] > 0 and result["num_real"] == 20
    assert result["real_train_vs_test"][f"fid_{tag}"] > 0
    evaluate_inception(
        export, weights=weights, resize="pytorch_fid", num_samples=20, write=True, batch_size=20
    )
    manifest = json.loads((export / "manifest.json").read_text())
    section = manifest["metrics_inception2015_pytorch_fid"]
    assert "fid_inception2015_pytorch_fid_20" in section["generated"]
    # Domain-feature numbers stay where they were, unmixed.
    assert "fid_domain" in manifest["metrics"]["generated"]
    assert not any("inception2015" in key for key in manifest["metrics"]["generated"])


def test_a_missing_export_is_one_line_on_stderr_and_exit_status_2(tmp_path, capsys):
    from ganzoo.cli import main

    assert main(["evaluate", str(tmp_path / "no_such_export")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("ganzoo evaluate: error:") and "no_such_export" in error
    assert "Traceback" not in error and error.count("\n") == 1
