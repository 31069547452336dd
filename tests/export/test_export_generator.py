"""Round trip, parity, overwrite and validation tests for `export_generator`."""

import importlib
import json
import shutil

import keras
import numpy as np
import onnx
import onnxruntime
import pytest
import tensorflow as tf

from ganzoo.export import ParityError
from ganzoo.export.generator_export import export_generator
from tests.export.tiny_generator import EXPORT_BATCH_SIZES
from tests.export.tiny_generator import IMAGE_SHAPE
from tests.export.tiny_generator import LATENT_DIM
from tests.export.tiny_generator import TRAINING_CONFIG
from tests.export.tiny_generator import build_tiny_generator

TOLERANCE = 1e-4


def _latents(batch_size, seed=0):
    return np.random.default_rng(seed).standard_normal((batch_size, LATENT_DIM), dtype=np.float32)


def _leftovers(parent):
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


def test_round_trip_matches_in_memory_generator(exported_directory, tiny_generator):
    manifest = json.loads((exported_directory / "manifest.json").read_text())
    loaded = tf.saved_model.load(str(exported_directory / "saved_model"))
    session = onnxruntime.InferenceSession(
        str(exported_directory / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    measured = {"saved_model": 0.0, "onnx": 0.0}
    for batch_size in EXPORT_BATCH_SIZES:
        latents = _latents(batch_size)
        expected = keras.ops.convert_to_numpy(tiny_generator(latents, training=False))
        assert expected.shape == (batch_size, *IMAGE_SHAPE)
        served = loaded.serve(latents)["images"].numpy()
        signed = loaded.signatures["serving_default"](z=tf.constant(latents))
        from_onnx = session.run(["images"], {"z": latents})[0]
        np.testing.assert_allclose(served, expected, rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(signed["images"], expected, rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(from_onnx, expected, rtol=0, atol=TOLERANCE)
        measured["saved_model"] = max(
            measured["saved_model"], float(np.max(np.abs(served - expected)))
        )
        measured["onnx"] = max(measured["onnx"], float(np.max(np.abs(from_onnx - expected))))

    parity = manifest["parity"]
    assert parity["batch_sizes"] == list(EXPORT_BATCH_SIZES)
    assert parity["tolerance"] == TOLERANCE
    for name in ("saved_model", "onnx"):
        assert parity["max_abs_diff"][name] == pytest.approx(measured[name], abs=1e-6)
        assert parity["max_abs_diff"][name] <= TOLERANCE


def test_batch_norm_runs_in_inference_mode(exported_directory, tiny_generator):
    # A batch of one in training mode normalises every feature to beta, far
    # from the moving statistics, so the export must have used training=False.
    latents = _latents(1)
    training = keras.ops.convert_to_numpy(tiny_generator(latents, training=True))
    session = onnxruntime.InferenceSession(
        str(exported_directory / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    from_onnx = session.run(["images"], {"z": latents})[0]
    assert np.max(np.abs(from_onnx - training)) > 1e-2


def test_names_and_dynamic_batch(exported_directory):
    manifest = json.loads((exported_directory / "manifest.json").read_text())
    session = onnxruntime.InferenceSession(
        str(exported_directory / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    session_inputs = [node.name for node in session.get_inputs()]
    session_outputs = [node.name for node in session.get_outputs()]
    assert session_inputs == [entry["name"] for entry in manifest["inputs"]] == ["z"]
    assert session_outputs == [entry["name"] for entry in manifest["outputs"]]
    assert session_outputs == ["images"]

    graph = onnx.load(str(exported_directory / "model.onnx")).graph
    (latent_dims,) = [list(node.type.tensor_type.shape.dim) for node in graph.input]
    assert latent_dims[0].dim_param == "batch"
    assert not latent_dims[0].HasField("dim_value")
    assert latent_dims[1].dim_value == LATENT_DIM
    (image_dims,) = [list(node.type.tensor_type.shape.dim) for node in graph.output]
    assert image_dims[0].dim_param == "batch"
    assert [dim.dim_value for dim in image_dims[1:]] == list(IMAGE_SHAPE)

    loaded = tf.saved_model.load(str(exported_directory / "saved_model"))
    for key in ("serve", "serving_default"):
        signature = loaded.signatures[key]
        _, inputs = signature.structured_input_signature
        assert list(inputs) == ["z"]
        assert inputs["z"].shape.as_list() == [None, LATENT_DIM]
        assert inputs["z"].dtype == tf.float32
        assert list(signature.structured_outputs) == ["images"]


def test_manifest_fields(exported_directory, samples_png):
    manifest = json.loads((exported_directory / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert manifest["name"] == "tiny"
    assert manifest["task"] == "unconditional_image_generation"
    assert manifest["inputs"] == [
        {
            "name": "z",
            "shape": [None, LATENT_DIM],
            "dtype": "float32",
            "distribution": "standard_normal",
        }
    ]
    assert manifest["outputs"][0]["shape"] == [None, *IMAGE_SHAPE]
    assert manifest["outputs"][0]["value_range"] == [-1, 1]
    assert manifest["outputs"][0]["layout"] == "NHWC"
    assert manifest["latent_dim"] == LATENT_DIM
    assert manifest["image_shape"] == list(IMAGE_SHAPE)
    assert manifest["dataset"] == "fashion_mnist"
    assert manifest["training_config"] == TRAINING_CONFIG
    assert manifest["versions"]["tensorflow"] == tf.__version__
    assert manifest["versions"]["onnxruntime"] == onnxruntime.__version__
    assert manifest["files"] == {
        "saved_model": "saved_model",
        "onnx": "model.onnx",
        "extra": ["samples.png"],
    }
    copied = exported_directory / "samples.png"
    assert copied.read_bytes() == samples_png.read_bytes()
    assert sorted(path.name for path in exported_directory.parent.iterdir()) == ["tiny"]


def test_existing_directory_needs_overwrite(tmp_path):
    target = tmp_path / "tiny"
    target.mkdir()
    (target / "old.txt").write_text("previous export")
    with pytest.raises(FileExistsError, match="overwrite=True") as raised:
        export_generator(build_tiny_generator(), target, parity_batch_sizes=(1,))
    assert str(target) in str(raised.value)
    assert [path.name for path in target.iterdir()] == ["old.txt"]
    assert (target / "old.txt").read_text() == "previous export"
    assert _leftovers(tmp_path) == []

    returned = export_generator(
        build_tiny_generator(), target, overwrite=True, parity_batch_sizes=(1,)
    )
    assert returned == target
    assert sorted(path.name for path in target.iterdir()) == [
        "manifest.json",
        "model.onnx",
        "saved_model",
    ]
    assert _leftovers(tmp_path) == []


def test_parity_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    module = importlib.import_module("ganzoo.export.export_plan")
    real_measure_parity = module.measure_parity

    def drifting_measure_parity(feeds, references, *args, **kwargs):
        shifted = [
            {name: value + np.float32(0.01) for name, value in reference.items()}
            for reference in references
        ]
        return real_measure_parity(feeds, shifted, *args, **kwargs)

    monkeypatch.setattr(module, "measure_parity", drifting_measure_parity)
    target = tmp_path / "tiny"
    with pytest.raises(ParityError, match="onnx=") as raised:
        export_generator(build_tiny_generator(), target, parity_batch_sizes=(1, 2))
    assert isinstance(raised.value, ValueError)
    assert raised.value.tolerance == TOLERANCE
    for name in ("saved_model", "onnx"):
        assert raised.value.max_abs_diff[name] == pytest.approx(0.01, abs=1e-3)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_previous_export(tmp_path, monkeypatch):
    target = tmp_path / "tiny"
    target.mkdir()
    (target / "old.txt").write_text("previous export")
    module = importlib.import_module("ganzoo.export.export_plan")
    monkeypatch.setattr(
        module,
        "measure_parity",
        lambda *args, **kwargs: {"saved_model": 0.0, "onnx": float("nan")},
    )
    with pytest.raises(ParityError, match="onnx=nan"):
        export_generator(build_tiny_generator(), target, overwrite=True, parity_batch_sizes=(1,))
    assert [path.name for path in target.iterdir()] == ["old.txt"]
    assert [path.name for path in tmp_path.iterdir()] == ["tiny"]


def _two_inputs():
    latent = keras.Input((LATENT_DIM,), name="z")
    label = keras.Input((), name="label", dtype="int32")
    embedded = keras.layers.Embedding(4, LATENT_DIM)(label)
    x = keras.layers.Add()([latent, embedded])
    x = keras.layers.Dense(4 * 4 * 3, activation="tanh")(x)
    return keras.Model([latent, label], keras.layers.Reshape((4, 4, 3))(x))


def _wrong_name():
    latent = keras.Input((LATENT_DIM,), name="noise")
    x = keras.layers.Dense(4 * 4 * 3, activation="tanh")(latent)
    return keras.Model(latent, keras.layers.Reshape((4, 4, 3))(x))


def _int_input():
    latent = keras.Input((LATENT_DIM,), name="z", dtype="int32")
    x = keras.layers.Dense(4 * 4 * 3, activation="tanh")(latent)
    return keras.Model(latent, keras.layers.Reshape((4, 4, 3))(x))


def _no_tanh():
    latent = keras.Input((LATENT_DIM,), name="z")
    x = keras.layers.Dense(4 * 4 * 3, bias_initializer=keras.initializers.Constant(3.0))(latent)
    return keras.Model(latent, keras.layers.Reshape((4, 4, 3))(x))


def _flat_output():
    latent = keras.Input((LATENT_DIM,), name="z")
    return keras.Model(latent, keras.layers.Dense(5, activation="tanh")(latent))


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (_two_inputs, ValueError, r"exactly one input.*\['z', 'label'\]"),
        (_wrong_name, ValueError, r"named 'z'.*\['noise'\]"),
        (_int_input, ValueError, "must be float32. Received dtype: int32"),
        (_no_tanh, ValueError, r"in \[-1, 1\]"),
        (_flat_output, ValueError, r"returned shape \(1, 5\)"),
        (lambda: keras.layers.Dense(3), TypeError, "must be a `keras.Model`"),
    ],
    ids=["two_inputs", "wrong_name", "int_input", "no_tanh", "flat", "layer"],
)
def test_rejects_wrong_generator(tmp_path, build, error, message):
    with pytest.raises(error, match=message):
        export_generator(build(), tmp_path / "bad", parity_batch_sizes=(1,))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tolerance": -1.0}, ValueError, "finite number >= 0. Received: -1.0"),
        ({"parity_batch_sizes": ()}, ValueError, "parity_batch_sizes"),
        ({"parity_batch_sizes": (1, 0)}, ValueError, r"Received: \(1, 0\)"),
        ({"extra_files": {"model.onnx": __file__}}, ValueError, "may not overwrite"),
        ({"extra_files": {"sub/x.png": __file__}}, ValueError, "plain file name"),
        ({"extra_files": {"x.png": "/no/such/file"}}, FileNotFoundError, "/no/such"),
        ({"extra_files": ["x.png"]}, TypeError, "must map destination"),
        ({"training_config": {"optimizer": object()}}, TypeError, "JSON values"),
        ({"training_config": {"lr": float("nan")}}, TypeError, "no NaN"),
        ({"seed": 1.5}, TypeError, "`seed` must be an int"),
    ],
    ids=[
        "tolerance",
        "no_batches",
        "zero_batch",
        "reserved",
        "subdir",
        "missing",
        "list",
        "config_object",
        "config_nan",
        "seed",
    ],
)
def test_rejects_bad_arguments(tmp_path, tiny_generator, kwargs, error, message):
    with pytest.raises(error, match=message):
        export_generator(tiny_generator, tmp_path / "bad", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_published_export_has_ordinary_permissions(tiny_generator, tmp_path):
    # mkdtemp/mkstemp create private entries; a published export must not be.
    import os
    import stat

    umask = os.umask(0o022)
    try:
        path = export_generator(tiny_generator, tmp_path / "public")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert stat.S_IMODE((path / "manifest.json").stat().st_mode) == 0o644


def test_an_interrupted_export_is_cleaned_up_by_the_next(tmp_path):
    from ganzoo.export.export_steps import clean_leftovers
    from ganzoo.export.export_steps import staged_export

    directory = tmp_path / "model"
    # Killed between publish's two renames: the previous export is aside.
    (tmp_path / ".model.old-1234abcd").mkdir()
    (tmp_path / ".model.old-1234abcd" / "manifest.json").write_text("{}")
    (tmp_path / ".model.tmp-killed").mkdir()
    removed = clean_leftovers(directory)
    assert (directory / "manifest.json").read_text() == "{}"  # put back
    assert [path.name for path in removed] == [".model.tmp-killed"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model"]

    (tmp_path / ".model.tmp-killed-again").mkdir()
    with staged_export(directory) as staging:
        (staging / "manifest.json").write_text('{"new": true}')
    assert (directory / "manifest.json").read_text() == '{"new": true}'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model"]


def test_add_input_checks_gives_an_older_savedmodel_its_assertions(exported_directory, tmp_path):
    from ganzoo.export import add_input_checks
    from ganzoo.export.saved_model import export_saved_model

    # An export whose SavedModel predates the checks: NaN z gives NaN images.
    export = tmp_path / "old"
    shutil.copytree(exported_directory, export, ignore=shutil.ignore_patterns("saved_model"))
    spec = [tf.TensorSpec((None, LATENT_DIM), tf.float32, name="z")]
    generator = build_tiny_generator()
    export_saved_model(generator, export / "saved_model", spec, output_names=["images"])
    latents = _latents(3)
    latents[1, 0] = np.nan
    old = tf.saved_model.load(str(export / "saved_model")).signatures["serving_default"]
    assert np.isnan(old(z=tf.constant(latents))["images"].numpy()[1]).all()
    expected = old(z=tf.constant(_latents(3)))["images"].numpy()

    add_input_checks(export)
    new = tf.saved_model.load(str(export / "saved_model")).signatures["serving_default"]
    np.testing.assert_array_equal(new(z=tf.constant(_latents(3)))["images"].numpy(), expected)
    with pytest.raises(tf.errors.InvalidArgumentError, match="`z` must be finite"):
        new(z=tf.constant(latents))
    assert _leftovers(export) == []
