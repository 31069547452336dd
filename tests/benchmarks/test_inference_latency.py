"""`benchmarks/inference_latency.py` runs end to end on a tiny export; timings are not asserted."""

import json
import pathlib

import keras
import numpy as np
import pytest

from ganzoo.benchmarking.benchmark_files import load_benchmark
from ganzoo.benchmarking.inference_backend import InferenceBackend
from ganzoo.benchmarking.inference_latency_report import format_inference_latency_report
from ganzoo.benchmarking.quantized_copy import calibration_batches
from ganzoo.benchmarking.quantized_copy import quantized_copy
from ganzoo.benchmarking.reports import SUMMARY_END
from ganzoo.benchmarking.reports import SUMMARY_START
from ganzoo.export.generator_export import export_generator
from ganzoo.runtime import OnnxGenerator

REPO = pathlib.Path(__file__).resolve().parents[2]
RESULTS = REPO / "benchmarks" / "results" / "inference_latency.md"
LATENT_DIM = 8
TABLES = ("latency", "memory", "sizes", "generator_quality", "translation_quality", "investigation")

benchmark = load_benchmark("inference_latency")


def _tiny_fashion_generator():
    """z (8,) -> Dense -> (7, 7, 4) -> two stride-2 deconvolutions -> (28, 28, 1), tanh.

    Fashion-MNIST's shape, so that `ganzoo evaluate` and its domain classifier
    take its samples; seeded, so every run exports the same network.
    """
    keras.utils.set_random_seed(7)
    latent = keras.Input((LATENT_DIM,), name="z")
    x = keras.layers.Dense(7 * 7 * 4, activation="relu")(latent)
    x = keras.layers.Reshape((7, 7, 4))(x)
    x = keras.layers.Conv2DTranspose(4, 5, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same")(x)
    images = keras.layers.Activation("tanh", name="images")(x)
    return keras.Model(latent, images, name="tiny_fashion_generator")


@pytest.fixture(scope="module")
def tiny_export(tmp_path_factory):
    return export_generator(
        _tiny_fashion_generator(),
        tmp_path_factory.mktemp("exported") / "tiny",
        dataset="fashion_mnist",
        training_config={"epochs": 0},
        parity_batch_sizes=(1, 4),
    )


@pytest.mark.large
def test_runs_on_a_tiny_export_and_writes_every_row(tiny_export, tmp_path):
    """Two timed rounds, every backend, memory, and FID of float32 vs int8 on 64 samples."""
    output = tmp_path / "inference_latency.md"
    report = benchmark.main(
        [
            "--exports",
            str(tiny_export),
            "--batch-sizes",
            "1",
            "4",
            "--rounds",
            "2",
            "--seconds",
            "0",
            "--warmup",
            "1",
            "--block-seconds",
            "0.01",
            "--pause",
            "0",
            "--memory-calls",
            "1",
            "--num-samples",
            "64",
            "--classifiers-dir",
            str(REPO / "exported" / "classifiers"),
            "--output",
            str(output),
        ]
    )
    backends = ["SavedModel", "onnxruntime", "onnxruntime int8 dynamic", "onnxruntime int8 static"]
    rows = {(row["batch_size"], row["backend"]): row for row in report["latency"]}
    assert sorted(rows) == sorted((batch, name) for batch in (1, 4) for name in backends)
    for row in rows.values():
        assert row["rounds"] == 2 and row["calls"] >= 2
        assert 0 < row["median_ms"] <= row["p90_ms"]
        assert row["images_per_second"] > 0 and row["speedup_vs_saved_model"] > 0
    for batch in (1, 4):
        # The float32 ONNX model equals the SavedModel; int8 stays close to it.
        assert rows[(batch, "onnxruntime")]["max_abs_diff"] < 1e-4
        for name in backends[2:]:
            assert rows[(batch, name)]["mean_abs_diff"] < 0.05
            assert rows[(batch, name)]["max_abs_diff"] < 0.5

    memory = {row["backend"]: row for row in report["memory"]}
    assert sorted(memory) == sorted(backends)
    for row in memory.values():
        assert 0 < row["import_rss_mib"] <= row["peak_rss_mib"]
    # The onnxruntime processes never import TensorFlow, which alone takes hundreds of MiB.
    assert memory["onnxruntime"]["import_rss_mib"] < memory["SavedModel"]["import_rss_mib"]

    (sizes,) = report["sizes"]
    assert sizes["onnx int8 dynamic mb"] < sizes["onnx float32 mb"]

    quality = {row["model"]: row for row in report["generator_quality"]}
    assert sorted(quality) == ["float32", "int8 dynamic", "int8 static"]
    for row in quality.values():
        assert row["num_samples"] == 64 and np.isfinite(row["metrics"]["fid_domain"])

    text = output.read_text()
    for batch, name in rows:
        assert f"| tiny | {batch} | {name} |" in text
    for name in backends:
        assert f"| tiny | {name} |" in text
    assert "| tiny | int8 static |" in text and "CPU flags:" in text
    tables = {json.loads(line)["table"] for line in output.with_suffix(".jsonl").open()}
    assert tables == {"latency", "memory", "sizes", "generator_quality"}


@pytest.mark.large
def test_a_quantized_copy_leaves_the_export_as_it_was(tiny_export, tmp_path):
    before = sorted(path.name for path in tiny_export.iterdir())
    manifest_text = (tiny_export / "manifest.json").read_text()
    batches, description = calibration_batches(tiny_export, num_batches=2, batch_size=4, seed=3)
    assert description == "8 inputs drawn as for the timing (seed 3)"
    copy = quantized_copy(tiny_export, tmp_path / "copy", "static", batches, description)
    assert sorted(path.name for path in tiny_export.iterdir()) == before
    assert (tiny_export / "manifest.json").read_text() == manifest_text
    # The copy has no SavedModel; its int8 graph opens like any export's.
    assert not (copy / "saved_model").exists()
    int8 = OnnxGenerator(copy, backend="onnxruntime_int8").sample(4, seed=0)
    float32 = OnnxGenerator(tiny_export).sample(4, seed=0)
    assert int8.shape == float32.shape and np.abs(int8 - float32).mean() < 0.05
    with pytest.raises(FileExistsError):
        quantized_copy(tiny_export, copy, "dynamic", batches, description)


def test_the_committed_tables_are_written_again_from_their_records():
    """The Markdown writer still writes the committed tables, line by line, from the JSONL."""
    rows = [json.loads(line) for line in RESULTS.with_suffix(".jsonl").read_text().splitlines()]
    tables = {}
    for row in rows:
        tables.setdefault(row["table"], []).append(row)
    # The machine and run facts are not in the records, and not in the tables.
    versions = dict.fromkeys(("python", "tensorflow", "onnxruntime", "onnx", "numpy"), "")
    facts = dict.fromkeys(
        (
            "cpu",
            "cpu_count",
            "memory",
            "onnxruntime_intra_op_num_threads",
            "onnxruntime_inter_op_num_threads",
            "onnxruntime_execution_mode",
            "onnxruntime_graph_optimization_level",
            "tensorflow_intra_op_threads",
            "tensorflow_inter_op_threads",
            "tf_enable_onednn_opts",
        ),
        "",
    )
    facts.update(cpu_flags=[], missing_cpu_flags=[], onnxruntime_providers=[], versions=versions)
    report = {
        "facts": facts,
        "schedule": {"rounds": 1, "seconds": 0, "warmup": 1, "block_seconds": 0, "pause": 0},
        "summary": None,
        "load_average_start": (0, 0, 0),
        "load_average_end": (0, 0, 0),
        "other_processes": [],
        "seconds": 0,
        "command": "",
        "calibration": {},
        "notes": [],
        **{name: tables.get(name, []) for name in TABLES},
    }
    written = set(format_inference_latency_report(report).splitlines())
    committed = RESULTS.read_text()
    # The hand-written summary has a table of its own.
    committed = committed.split(SUMMARY_START)[0] + committed.split(SUMMARY_END)[-1]
    table_lines = [line for line in committed.splitlines() if line.startswith("|")]
    assert len(table_lines) > 100
    assert [line for line in table_lines if line not in written] == []


def test_backend_names():
    assert InferenceBackend("saved_model", threads=1).name == "SavedModel (1 thread)"
    assert InferenceBackend("onnxruntime", "int8 static").name == "onnxruntime int8 static"
    assert (
        InferenceBackend("onnxruntime", spinning=False, optimization_level="basic").name
        == "onnxruntime (no spinning, ORT_ENABLE_BASIC)"
    )
    with pytest.raises(ValueError, match="`runtime` must be one of.*Received: 'torch'"):
        InferenceBackend("torch")
