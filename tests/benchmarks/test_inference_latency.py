"""`benchmarks/inference_latency.py` runs end to end on a tiny export; timings are not asserted."""

import importlib.util
import json
import pathlib

import keras
import numpy as np
import pytest

from ganzoo.export.generator_export import export_generator

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "inference_latency.py"
LATENT_DIM = 8


def _load_script():
    spec = importlib.util.spec_from_file_location("inference_latency", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark = _load_script()


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


def test_rounds_interleave_the_backends_in_rotated_order():
    calls = []
    runners = {name: (lambda inputs, name=name: calls.append(name) or name) for name in "ABC"}
    schedule = benchmark.Schedule(rounds=3, seconds=0, warmup=1, block_seconds=0, pause=0)
    times, block_medians, outputs = benchmark.time_backends(runners, {}, schedule)
    # Each runner's output call and warm-up call, then rounds ABC, BCA, CAB, where a
    # block is one untimed call and one timed call.
    assert calls == list("AABBCC") + [name for name in "ABCBCACAB" for _ in range(2)]
    assert {name: len(values) for name, values in times.items()} == {"A": 3, "B": 3, "C": 3}
    assert {name: len(values) for name, values in block_medians.items()} == {
        "A": 3,
        "B": 3,
        "C": 3,
    }
    assert outputs == {"A": "A", "B": "B", "C": "C"}


def test_backend_names():
    assert benchmark.Backend("saved_model", threads=1).name == "SavedModel (1 thread)"
    assert benchmark.Backend("onnxruntime", "int8 static").name == "onnxruntime int8 static"
    assert (
        benchmark.Backend("onnxruntime", spinning=False, optimization_level="basic").name
        == "onnxruntime (no spinning, ORT_ENABLE_BASIC)"
    )
