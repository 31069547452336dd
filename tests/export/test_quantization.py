"""`quantize_int8`: a calibrated int8 copy beside `model.onnx`, recorded in the manifest."""

import json
import shutil

import numpy as np
import onnx
import pytest

from ganzoo.export import quantize_int8
from ganzoo.latents import sample_latents
from ganzoo.runtime import OnnxGenerator
from tests.export.tiny_generator import LATENT_DIM


@pytest.fixture
def export(exported_directory, tmp_path):
    """A private copy of the session's tiny export (quantizing writes into it)."""
    shutil.copytree(exported_directory, tmp_path / "tiny")
    return tmp_path / "tiny"


def _calibration(batches=4, rows=16):
    return [{"z": sample_latents(rows, LATENT_DIM, seed=100 + index)} for index in range(batches)]


@pytest.mark.parametrize("method", ["static", "dynamic"])
def test_int8_copy_is_recorded_and_runs_close_to_float32(export, method):
    entry = quantize_int8(export, _calibration(), calibration="64 draws of z", method=method)
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["files"]["onnx_int8"] == "model.int8.onnx"
    assert manifest["int8"] == entry
    assert entry["method"] == method and entry["calibration_rows"] == 64
    # The weights are stored as int8.
    graph = onnx.load(export / "model.int8.onnx").graph
    assert any(tensor.data_type == onnx.TensorProto.INT8 for tensor in graph.initializer)
    float32 = OnnxGenerator(export)
    int8 = OnnxGenerator(export, backend="onnxruntime_int8")
    # The recorded difference is what the two graphs give on the calibration inputs.
    differences = [
        np.abs(int8.generate(batch["z"]) - float32.generate(batch["z"])) for batch in _calibration()
    ]
    assert max(float(d.max()) for d in differences) == pytest.approx(
        entry["max_abs_diff_vs_float32"], rel=1e-6
    )
    assert 0.0 < entry["mean_abs_diff_vs_float32"] < 0.1
    # Quantized, not a copy: the outputs moved, a little.
    fresh = sample_latents(8, LATENT_DIM, seed=7)
    assert 0.0 < np.abs(int8.generate(fresh) - float32.generate(fresh)).mean() < 0.1


def test_existing_copy_needs_overwrite_and_bad_inputs_leave_the_export_as_it_was(export):
    before = (export / "manifest.json").read_text()
    with pytest.raises(ValueError, match=r"`z` must have shape \(batch, 8\)"):
        quantize_int8(export, [{"z": np.zeros((4, 3), np.float32)}], calibration="bad")
    with pytest.raises(ValueError, match=r"dict of every input \['z'\]. Received: \['latent'\]"):
        quantize_int8(export, [{"latent": np.zeros((4, 8), np.float32)}], calibration="named")
    with pytest.raises(ValueError, match="at least one batch"):
        quantize_int8(export, [], calibration="none")
    with pytest.raises(ValueError, match="`method`"):
        quantize_int8(export, _calibration(), calibration="z", method="fp8")
    assert (export / "manifest.json").read_text() == before
    assert not (export / "model.int8.onnx").exists()
    with pytest.raises(FileNotFoundError, match="quantize_int8"):
        OnnxGenerator(export, backend="onnxruntime_int8")

    quantize_int8(export, _calibration(), calibration="z")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        quantize_int8(export, _calibration(), calibration="z")
    entry = quantize_int8(export, _calibration(1), calibration="one batch", overwrite=True)
    assert json.loads((export / "manifest.json").read_text())["int8"]["calibration"] == "one batch"
    assert entry["calibration_rows"] == 16
