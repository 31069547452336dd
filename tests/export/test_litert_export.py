"""The LiteRT format: each task exports a `.tflite` that matches the network, run without TF."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ganzoo.export import export_classifier
from ganzoo.export import export_conditional_generator
from ganzoo.export import export_generator
from ganzoo.export import export_image_translator
from ganzoo.latents import sample_latents
from ganzoo.networks import ConditionalDCGANGenerator
from ganzoo.networks import DomainClassifier
from ganzoo.networks import ResNetGenerator
from ganzoo.runtime import RUNTIME_CLASSES
from tests.export.tiny_generator import build_tiny_generator

FORMATS = ("saved_model", "onnx", "litert")
BATCH_SIZES = (1, 3)


def _export(task, directory):
    """Exports a tiny network of `task` with LiteRT; returns the directory and a call."""
    common = {"formats": FORMATS, "parity_batch_sizes": BATCH_SIZES, "tolerance": 1e-4}
    if task == "unconditional_image_generation":
        path = export_generator(build_tiny_generator(), directory, **common)
        return path, lambda runtime, n: runtime.generate(sample_latents(n, 8, seed=n))
    if task == "conditional_image_generation":
        generator = ConditionalDCGANGenerator(
            latent_dim=8, num_classes=3, image_shape=(16, 16, 1), base_filters=8
        )
        path = export_conditional_generator(
            generator, directory, class_names=["a", "b", "c"], **common
        )
        return path, lambda runtime, n: runtime.generate(
            sample_latents(n, 8, seed=n), np.arange(n) % 3
        )
    if task == "image_classification":
        classifier = DomainClassifier(
            (16, 16, 1), num_classes=2, base_filters=4, feature_dim=8, num_blocks=1
        )
        path = export_classifier(
            classifier,
            directory,
            dataset=None,
            class_names=["no", "yes"],
            test_accuracy=None,
            training_config=None,
            **common,
        )
        images = np.random.default_rng(0).uniform(-1, 1, (3, 16, 16, 1)).astype(np.float32)
        return path, lambda runtime, n: np.concatenate(runtime.predict(images[:n]), axis=1)
    generator = ResNetGenerator(base_filters=4, num_residual_blocks=1)
    path = export_image_translator(
        generator,
        directory,
        image_shape=(16, 16, 3),
        parity_image_sizes=[(16, 16), (8, 12)],
        **common,
    )
    images = np.random.default_rng(0).uniform(-1, 1, (3, 12, 16, 3)).astype(np.float32)
    return path, lambda runtime, n: runtime.translate(images[:n])


@pytest.mark.parametrize("task", sorted(RUNTIME_CLASSES))
def test_every_task_exports_litert_with_parity_and_runs_it_like_onnx(task, tmp_path):
    path, call = _export(task, tmp_path / "export")
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["files"]["litert"] == "model.tflite"
    assert (path / "model.tflite").stat().st_size > 0
    # The export's own parity check ran the .tflite against the network.
    assert set(manifest["parity"]["max_abs_diff"]) == set(FORMATS)
    assert manifest["parity"]["max_abs_diff"]["litert"] <= 1e-4
    onnx = RUNTIME_CLASSES[task](path)
    litert = RUNTIME_CLASSES[task](path, backend="litert")
    for batch_size in BATCH_SIZES:
        np.testing.assert_allclose(
            call(litert, batch_size), call(onnx, batch_size), rtol=0, atol=1e-4
        )


def test_litert_is_optional_and_the_runtime_says_how_to_get_it(tmp_path):
    path = export_generator(build_tiny_generator(), tmp_path / "plain", parity_batch_sizes=(1,))
    assert not (path / "model.tflite").exists()
    with pytest.raises(FileNotFoundError, match=r"formats=\[\.\.\., 'litert'\]"):
        RUNTIME_CLASSES["unconditional_image_generation"](path, backend="litert")
    with pytest.raises(ValueError, match="`backend` must be one of"):
        RUNTIME_CLASSES["unconditional_image_generation"](path, backend="tflite")


@pytest.mark.parametrize(
    ("formats", "error", "message"),
    [
        (("saved_model", "litert"), ValueError, r"include \['saved_model', 'onnx'\]"),
        (("saved_model", "onnx", "coreml"), ValueError, "from"),
        (("saved_model", "onnx", "onnx"), ValueError, "each format once"),
        ("onnx", TypeError, "sequence of format names"),
    ],
)
def test_bad_formats_are_refused_before_any_conversion(tmp_path, formats, error, message):
    with pytest.raises(error, match=message):
        export_generator(build_tiny_generator(), tmp_path / "x", formats=formats)
    assert not (tmp_path / "x").exists()


_NO_TENSORFLOW_SCRIPT = textwrap.dedent(
    """
    import sys

    from ganzoo.runtime import OnnxGenerator

    images = OnnxGenerator(sys.argv[1], backend="litert").sample(2, seed=0)
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras"))
    assert not heavy, heavy
    assert "ai_edge_litert" in sys.modules
    print(*images.shape)
    """
)


def test_the_litert_runtime_imports_no_tensorflow(tmp_path):
    path = export_generator(
        build_tiny_generator(), tmp_path / "lite", formats=FORMATS, parity_batch_sizes=(1,)
    )
    completed = subprocess.run(
        [sys.executable, "-c", _NO_TENSORFLOW_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["2", "8", "8", "3"]
