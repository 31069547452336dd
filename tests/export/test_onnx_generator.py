"""Tests for `ganzoo.runtime.OnnxGenerator`, the onnxruntime-only side."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from ganzoo.runtime import OnnxGenerator
from tests.export.tiny_generator import IMAGE_SHAPE
from tests.export.tiny_generator import LATENT_DIM

_NO_TENSORFLOW_SCRIPT = textwrap.dedent(
    """
    import sys

    import numpy as np

    import ganzoo.export
    import ganzoo.zoo
    from ganzoo.runtime import RUNTIME_CLASSES
    from ganzoo.runtime import OnnxGenerator

    assert ganzoo.export.OnnxGenerator is OnnxGenerator
    assert ganzoo.zoo.load(sys.argv[1]).__class__ is OnnxGenerator
    assert len(RUNTIME_CLASSES) == 4
    generator = OnnxGenerator(sys.argv[1])
    images = generator.sample(3, seed=7)
    pixels = OnnxGenerator.to_uint8(images)
    heavy = sorted(
        name for name in sys.modules
        if name.split(".")[0] in ("tensorflow", "keras", "tf2onnx")
    )
    assert not heavy, heavy
    np.save(sys.argv[2], images)
    print(pixels.dtype, *pixels.shape)
    """
)


def test_runtime_imports_no_tensorflow(exported_directory, tiny_generator, tmp_path):
    output = tmp_path / "images.npy"
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    completed = subprocess.run(
        [sys.executable, "-c", _NO_TENSORFLOW_SCRIPT, str(exported_directory), output],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["uint8", "3", *map(str, IMAGE_SHAPE)]

    images = np.load(output)
    latents = np.random.default_rng(7).standard_normal((3, LATENT_DIM), dtype=np.float32)
    expected = keras.ops.convert_to_numpy(tiny_generator(latents, training=False))
    np.testing.assert_allclose(images, expected, rtol=0, atol=1e-4)


def test_properties(exported_directory):
    generator = OnnxGenerator(exported_directory)
    assert generator.latent_dim == LATENT_DIM
    assert generator.image_shape == IMAGE_SHAPE
    assert generator.input_name == "z"
    assert generator.output_name == "images"
    assert generator.manifest["name"] == "tiny"
    assert generator.directory == exported_directory


def test_generate_matches_in_memory_generator(exported_directory, tiny_generator):
    latents = np.random.default_rng(11).standard_normal((4, LATENT_DIM), dtype=np.float32)
    images = OnnxGenerator(exported_directory).generate(latents)
    expected = keras.ops.convert_to_numpy(tiny_generator(latents, training=False))
    assert images.dtype == np.float32
    assert images.shape == (4, *IMAGE_SHAPE)
    np.testing.assert_allclose(images, expected, rtol=0, atol=1e-4)


def test_sample_is_seeded_and_in_range(exported_directory):
    generator = OnnxGenerator(exported_directory)
    first = generator.sample(6, seed=3)
    np.testing.assert_array_equal(first, generator.sample(6, seed=3))
    assert not np.array_equal(first, generator.sample(6, seed=4))
    assert first.shape == (6, *IMAGE_SHAPE)
    assert first.dtype == np.float32
    assert first.min() >= -1.0 and first.max() <= 1.0
    # Not a constant image: the network really ran.
    assert first.std() > 1e-2


def test_generate_rejects_other_dtypes(exported_directory):
    generator = OnnxGenerator(exported_directory)
    with pytest.raises(TypeError, match="float64"):
        generator.generate(np.zeros((2, LATENT_DIM), dtype=np.float64))
    with pytest.raises(TypeError, match="NumPy array"):
        generator.generate([[0.0] * LATENT_DIM])


@pytest.mark.parametrize("shape", [(2, LATENT_DIM + 1), (LATENT_DIM,), (1, 2, 4)])
def test_generate_rejects_wrong_shape(exported_directory, shape):
    generator = OnnxGenerator(exported_directory)
    with pytest.raises(ValueError, match=rf"\(num_samples, {LATENT_DIM}\)") as raised:
        generator.generate(np.zeros(shape, dtype=np.float32))
    assert str(shape) in str(raised.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_generate_rejects_non_finite_latents_naming_the_rows(exported_directory, bad):
    z = np.zeros((4, LATENT_DIM), dtype=np.float32)
    z[2, 1] = bad
    with pytest.raises(ValueError, match=r"finite: rows \[2\]"):
        OnnxGenerator(exported_directory).generate(z)


def test_generate_runs_in_chunks_with_the_same_images(exported_directory, monkeypatch):
    generator = OnnxGenerator(exported_directory)
    z = np.random.default_rng(5).standard_normal((7, LATENT_DIM), dtype=np.float32)
    whole = generator.generate(z)
    calls = []
    run = generator._session.run
    monkeypatch.setattr(generator, "CHUNK_SIZE", 3)
    monkeypatch.setattr(
        generator._session,
        "run",
        lambda names, feeds: calls.append(len(feeds["z"])) or run(names, feeds),
    )
    np.testing.assert_allclose(generator.generate(z), whole, rtol=0, atol=1e-6)
    assert calls == [3, 3, 1]
    assert generator.generate(z[:0]).shape == (0, *IMAGE_SHAPE)


@pytest.mark.parametrize("num_samples", [0, -1, 2.0, True])
def test_sample_rejects_bad_counts(exported_directory, num_samples):
    with pytest.raises(ValueError, match="positive int"):
        OnnxGenerator(exported_directory).sample(num_samples)


def test_to_uint8_rounds_and_clips():
    images = np.array([-1.0002, -1.0, -0.999, 0.0, 0.5, 0.999, 1.0, 1.0002], np.float32)
    pixels = OnnxGenerator.to_uint8(images)
    assert pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels, [0, 0, 0, 128, 191, 255, 255, 255])
    with pytest.raises(TypeError, match="floating"):
        OnnxGenerator.to_uint8(np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="NaN"):
        OnnxGenerator.to_uint8(np.array([np.nan], np.float32))


def test_missing_files_raise_with_path(exported_directory, tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="nowhere"):
        OnnxGenerator(missing)

    no_model = tmp_path / "no_model"
    shutil.copytree(exported_directory, no_model)
    (no_model / "model.onnx").unlink()
    with pytest.raises(FileNotFoundError, match=r"no_model/model\.onnx"):
        OnnxGenerator(no_model)

    no_manifest = tmp_path / "no_manifest"
    shutil.copytree(exported_directory, no_manifest)
    (no_manifest / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"no_manifest/manifest\.json"):
        OnnxGenerator(no_manifest)


def test_manifest_must_match_graph(exported_directory, tmp_path):
    renamed = tmp_path / "renamed"
    shutil.copytree(exported_directory, renamed)
    manifest = json.loads((renamed / "manifest.json").read_text())
    manifest["inputs"][0]["name"] = "latent"
    (renamed / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="'latent'"):
        OnnxGenerator(renamed)


def test_rejects_other_tasks(exported_directory, tmp_path):
    conditional = tmp_path / "conditional"
    shutil.copytree(exported_directory, conditional)
    manifest = json.loads((conditional / "manifest.json").read_text())
    # A valid conditional manifest, so the refusal comes from the task check.
    manifest.update(task="conditional_image_generation", num_classes=1, class_names=["only"])
    (conditional / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="OnnxGenerator runs 'unconditional_image_generation'"):
        OnnxGenerator(conditional)
