"""Tests for writing and reading `manifest.json`."""

import datetime
import json

import numpy as np
import pytest

from ganzoo.export.manifest import build_manifest
from ganzoo.export.manifest import example_inputs
from ganzoo.export.manifest import package_versions
from ganzoo.export.manifest import read_manifest
from ganzoo.export.manifest import write_manifest


def _manifest(**overrides):
    fields = {
        "name": "tiny",
        "inputs": [
            {
                "name": "z",
                "shape": [None, 8],
                "dtype": "float32",
                "distribution": "standard_normal",
            }
        ],
        "outputs": [
            {
                "name": "images",
                "shape": [None, 8, 8, 3],
                "dtype": "float32",
                "value_range": [-1.0, 1.0],
                "layout": "NHWC",
            }
        ],
        "latent_dim": 8,
        "image_shape": [8, 8, 3],
        "parity": {
            "batch_sizes": [1, 3],
            "tolerance": 1e-4,
            "max_abs_diff": {"saved_model": 0.0, "onnx": 1.2e-7},
        },
        "files": {"saved_model": "saved_model", "onnx": "model.onnx"},
        "dataset": "mnist",
        "training_config": {"epochs": 2},
    }
    fields.update(overrides)
    return build_manifest(**fields)


def test_write_read_round_trip(tmp_path):
    manifest = _manifest()
    path = write_manifest(manifest, tmp_path / "manifest.json")
    assert read_manifest(path) == manifest
    assert [entry.name for entry in tmp_path.iterdir()] == ["manifest.json"]
    assert manifest["format_version"] == 1
    assert manifest["task"] == "unconditional_image_generation"
    created = datetime.datetime.fromisoformat(manifest["created"])
    assert created.utcoffset() == datetime.timedelta(0)
    raw = json.loads(path.read_text())
    assert raw["inputs"][0]["shape"] == [None, 8]


def test_write_replaces_existing_file(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("old")
    write_manifest(_manifest(name="new"), path)
    assert read_manifest(path)["name"] == "new"
    assert [entry.name for entry in tmp_path.iterdir()] == ["manifest.json"]


def test_versions_cover_the_stack():
    versions = package_versions()
    assert set(versions) == {
        "python",
        "tensorflow",
        "keras",
        "tf2onnx",
        "onnx",
        "onnxruntime",
        "numpy",
        "ganzoo",
    }
    assert all(isinstance(version, str) for version in versions.values())


def test_unserializable_training_config_writes_nothing(tmp_path):
    manifest = _manifest(training_config={"optimizer": object()})
    with pytest.raises(TypeError, match="training_config"):
        write_manifest(manifest, tmp_path / "manifest.json")
    assert list(tmp_path.iterdir()) == []


def test_build_rejects_malformed_fields():
    with pytest.raises(ValueError, match="latent_dim"):
        _manifest(latent_dim=0)
    with pytest.raises(ValueError, match="image_shape"):
        _manifest(image_shape=[8, 8])
    with pytest.raises(ValueError, match=r"files\.onnx"):
        _manifest(files={"saved_model": "saved_model"})


def test_read_reports_missing_keys(tmp_path):
    manifest = _manifest()
    del manifest["latent_dim"]
    del manifest["files"]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"missing required keys") as raised:
        read_manifest(path)
    assert "'latent_dim'" in str(raised.value)
    assert "'files'" in str(raised.value)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_read_rejects_non_manifests(tmp_path, text, message):
    path = tmp_path / "manifest.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_manifest(path)


def test_read_rejects_bad_values(tmp_path):
    manifest = _manifest()
    manifest["format_version"] = 99
    manifest["inputs"][0]["shape"] = [None, "8"]
    manifest["parity"]["max_abs_diff"] = {"onnx": 0.0}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError) as raised:
        read_manifest(path)
    message = str(raised.value)
    assert "format_version" in message and "99" in message
    assert "inputs[0]`.shape" in message
    assert "max_abs_diff" in message


def test_read_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.json"):
        read_manifest(tmp_path / "absent.json")


def test_inputs_follow_the_manifest():
    """Latents, cycling labels and images at the training size of a dynamic-size input."""
    manifest = {
        "image_shape": [32, 32, 3],
        "inputs": [
            {
                "name": "z",
                "shape": [None, 5],
                "dtype": "float32",
                "distribution": "standard_normal",
            },
            {"name": "label", "shape": [None], "dtype": "int32", "range": [0, 2]},
            {
                "name": "images",
                "shape": [None, None, None, 3],
                "dtype": "float32",
                "value_range": [-1.0, 1.0],
            },
        ],
    }
    inputs = example_inputs(manifest, 4, seed=3)
    assert inputs["z"].shape == (4, 5) and inputs["z"].dtype == np.float32
    np.testing.assert_array_equal(inputs["label"], [0, 1, 2, 0])
    assert inputs["label"].dtype == np.int32
    assert inputs["images"].shape == (4, 32, 32, 3)
    assert inputs["images"].min() >= -1.0 and inputs["images"].max() <= 1.0
    np.testing.assert_array_equal(example_inputs(manifest, 4, seed=3)["z"], inputs["z"])
    with pytest.raises(ValueError, match="Cannot make values"):
        example_inputs({"inputs": [{"name": "x", "shape": [None], "dtype": "int32"}]}, 1)
