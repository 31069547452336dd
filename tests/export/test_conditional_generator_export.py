"""Export of a class-conditional generator and its onnxruntime-only runtime."""

import json

import keras
import numpy as np
import onnx
import onnxruntime
import pytest
import tensorflow as tf

import ganzoo.export
from ganzoo.export.conditional_generator_export import export_conditional_generator
from ganzoo.export.manifest import CONDITIONAL_TASK
from ganzoo.export.manifest import read_manifest
from ganzoo.export.manifest import validate_manifest
from ganzoo.latents import sample_latents
from ganzoo.networks.conditional_dcgan_generator import ConditionalDCGANGenerator
from ganzoo.runtime import OnnxConditionalGenerator
from ganzoo.runtime import OnnxGenerator

LATENT_DIM = 8
NUM_CLASSES = 3
IMAGE_SHAPE = (28, 28, 1)
CLASS_NAMES = ["zero", "one", "two"]
BATCH_SIZES = (1, 3)
TRAINING_CONFIG = {"batch_size": 64, "learning_rate": 2e-4}


def _build_generator():
    keras.utils.set_random_seed(3)
    return ConditionalDCGANGenerator(
        latent_dim=LATENT_DIM, num_classes=NUM_CLASSES, image_shape=IMAGE_SHAPE, base_filters=8
    )


@pytest.fixture(scope="module")
def generator():
    return _build_generator()


@pytest.fixture(scope="module")
def exported(generator, tmp_path_factory):
    """One export of the tiny conditional generator, shared by the read-only tests."""
    return export_conditional_generator(
        generator,
        tmp_path_factory.mktemp("conditional") / "cdcgan",
        class_names=CLASS_NAMES,
        dataset="mnist",
        training_config=TRAINING_CONFIG,
        parity_batch_sizes=BATCH_SIZES,
    )


def _in_memory(generator, latents, labels):
    return keras.ops.convert_to_numpy(
        generator([latents, np.asarray(labels, np.int32)], training=False)
    )


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_round_trip_matches_in_memory_generator(generator, exported, batch_size):
    latents = sample_latents(batch_size, LATENT_DIM, seed=100 + batch_size)
    labels = np.arange(batch_size, dtype=np.int32)[::-1] % NUM_CLASSES
    expected = _in_memory(generator, latents, labels)

    signature = tf.saved_model.load(str(exported / "saved_model")).signatures["serving_default"]
    from_saved_model = signature(z=tf.constant(latents), label=tf.constant(labels))["images"]
    session = onnxruntime.InferenceSession(
        str(exported / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    (from_session,) = session.run(["images"], {"z": latents, "label": labels})
    from_runtime = OnnxConditionalGenerator(exported).generate(latents, labels)

    assert expected.shape == (batch_size, *IMAGE_SHAPE)
    for actual in (from_saved_model.numpy(), from_session, from_runtime):
        assert actual.dtype == np.float32
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-4)


def test_onnx_names_dtypes_and_dynamic_batch(exported):
    graph = onnx.load(str(exported / "model.onnx")).graph
    assert [node.name for node in graph.input] == ["z", "label"]
    assert [node.type.tensor_type.elem_type for node in graph.input] == [
        onnx.TensorProto.FLOAT,
        onnx.TensorProto.INT32,
    ]
    assert [node.type.tensor_type.shape.dim[0].dim_param for node in graph.input] == [
        "batch",
        "batch",
    ]
    assert [node.name for node in graph.output] == ["images"]


def test_manifest_records_classes_and_parity(exported):
    manifest = read_manifest(exported / "manifest.json")
    validate_manifest(manifest)
    assert manifest["task"] == CONDITIONAL_TASK
    assert manifest["num_classes"] == NUM_CLASSES
    assert manifest["class_names"] == CLASS_NAMES
    assert manifest["latent_dim"] == LATENT_DIM
    assert manifest["image_shape"] == list(IMAGE_SHAPE)
    assert manifest["dataset"] == "mnist"
    assert manifest["training_config"] == TRAINING_CONFIG
    assert manifest["inputs"] == [
        {
            "name": "z",
            "shape": [None, LATENT_DIM],
            "dtype": "float32",
            "distribution": "standard_normal",
        },
        {"name": "label", "shape": [None], "dtype": "int32", "range": [0, NUM_CLASSES - 1]},
    ]
    assert [output["name"] for output in manifest["outputs"]] == ["images"]
    parity = manifest["parity"]
    assert parity["batch_sizes"] == list(BATCH_SIZES)
    assert parity["tolerance"] == 1e-4
    assert 0.0 <= parity["max_abs_diff"]["saved_model"] <= 1e-4
    assert 0.0 <= parity["max_abs_diff"]["onnx"] <= 1e-4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda manifest: manifest.pop("num_classes"), r"missing required keys \['num_classes'\]"),
        (lambda manifest: manifest.pop("class_names"), r"missing required keys \['class_names'\]"),
        (lambda manifest: manifest["class_names"].pop(), "list of 3"),
        (lambda manifest: manifest.update(class_names=["a", "a", "b"]), "distinct"),
        (lambda manifest: manifest.update(num_classes=0), "`num_classes` must be a positive"),
    ],
    ids=["no_num_classes", "no_class_names", "too_few_names", "repeated", "zero_classes"],
)
def test_manifest_validation_rejects_bad_class_fields(exported, change, message):
    manifest = json.loads((exported / "manifest.json").read_text())
    change(manifest)
    with pytest.raises(ValueError, match=message):
        validate_manifest(manifest)


def test_runtime_properties(exported):
    runtime = OnnxConditionalGenerator(exported)
    assert runtime.latent_dim == LATENT_DIM
    assert runtime.num_classes == NUM_CLASSES
    assert runtime.class_names == tuple(CLASS_NAMES)
    assert runtime.image_shape == IMAGE_SHAPE
    assert ganzoo.export.OnnxConditionalGenerator is OnnxConditionalGenerator
    assert ganzoo.export.export_conditional_generator is export_conditional_generator


def test_output_depends_on_the_label(exported):
    runtime = OnnxConditionalGenerator(exported)
    latents = np.repeat(sample_latents(1, LATENT_DIM, seed=5), NUM_CLASSES, axis=0)
    images = runtime.generate(latents, np.arange(NUM_CLASSES))
    for first in range(NUM_CLASSES):
        for second in range(first + 1, NUM_CLASSES):
            assert np.max(np.abs(images[first] - images[second])) > 1e-3


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 3, 1], r"\[0, 2\]\. .*\[3\] at positions \[1\]"),
        ([-1, 0, 7], r"\[0, 2\]\. .*\[-1, 7\] at positions \[0, 2\]"),
    ],
    ids=["too_large", "negative_and_large"],
)
def test_generate_rejects_labels_out_of_range(exported, labels, message):
    latents = sample_latents(3, LATENT_DIM, seed=0)
    with pytest.raises(ValueError, match=message):
        OnnxConditionalGenerator(exported).generate(latents, np.array(labels, np.int32))


def test_saved_model_asserts_label_range_and_finite_z(exported):
    """In the SavedModel's graph label -1 used to be read as label 9 (here 2)."""
    serve = tf.saved_model.load(str(exported / "saved_model")).signatures["serving_default"]
    latents = sample_latents(2, LATENT_DIM, seed=0)
    for labels in ([-1, 0], [0, NUM_CLASSES]):
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"`label` must be in \[0, 2\]"):
            serve(z=tf.constant(latents), label=tf.constant(labels, tf.int32))
    latents[1, 0] = np.inf
    with pytest.raises(tf.errors.InvalidArgumentError, match="`z` must be finite"):
        serve(z=tf.constant(latents), label=tf.constant([0, 1], tf.int32))


@pytest.mark.parametrize(
    "labels",
    [np.array([0.0, 1.0, 2.0], np.float32), np.array([0, 1, 2], np.float64), [0.0, 1.0, 2.0]],
    ids=["float32", "float64", "float_list"],
)
def test_generate_rejects_float_labels(exported, labels):
    latents = sample_latents(3, LATENT_DIM, seed=0)
    with pytest.raises(TypeError, match="integer class indices. Received dtype: float"):
        OnnxConditionalGenerator(exported).generate(latents, labels)


@pytest.mark.parametrize(
    ("latents", "labels", "error", "message"),
    [
        (sample_latents(2, LATENT_DIM + 1, seed=0), [0, 1], ValueError, r"\(num_samples, 8\)"),
        (np.zeros((2, LATENT_DIM), np.float64), [0, 1], TypeError, "dtype float32"),
        (sample_latents(2, LATENT_DIM, seed=0), [0, 1, 2], ValueError, r"`z` 2, `labels` 3"),
        (sample_latents(2, LATENT_DIM, seed=0), [[0], [1]], ValueError, r"\(num_samples,\)"),
    ],
    ids=["latent_size", "latent_dtype", "label_count", "label_rank"],
)
def test_generate_rejects_bad_shapes(exported, latents, labels, error, message):
    with pytest.raises(error, match=message):
        OnnxConditionalGenerator(exported).generate(latents, labels)


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint16])
def test_generate_accepts_other_integer_labels(exported, dtype):
    runtime = OnnxConditionalGenerator(exported)
    latents = sample_latents(3, LATENT_DIM, seed=1)
    reference = runtime.generate(latents, np.array([2, 0, 1], np.int32))
    np.testing.assert_array_equal(runtime.generate(latents, np.array([2, 0, 1], dtype)), reference)


def test_sample_is_seeded(generator, exported):
    runtime = OnnxConditionalGenerator(exported)
    images = runtime.sample([0, 1, 2, 2], seed=9)
    expected = _in_memory(generator, sample_latents(4, LATENT_DIM, seed=9), [0, 1, 2, 2])
    np.testing.assert_allclose(images, expected, rtol=0, atol=1e-4)
    np.testing.assert_array_equal(runtime.sample([0, 1, 2, 2], seed=9), images)
    assert runtime.to_uint8(images).dtype == np.uint8
    with pytest.raises(ValueError, match="non-empty"):
        runtime.sample([], seed=0)
    with pytest.raises(ValueError, match=r"\[5\]"):
        runtime.sample([0, 5], seed=0)


def test_runtimes_refuse_each_others_exports(exported, exported_directory):
    with pytest.raises(ValueError, match="conditional_image_generation"):
        OnnxGenerator(exported)
    with pytest.raises(ValueError, match="unconditional_image_generation"):
        OnnxConditionalGenerator(exported_directory)


def _images_from(latent, embedded):
    x = keras.layers.Concatenate()([latent, embedded])
    x = keras.layers.Dense(4 * 4 * 3, activation="tanh")(x)
    return keras.layers.Reshape((4, 4, 3))(x)


def _one_input():
    latent = keras.Input((LATENT_DIM,), name="z")
    x = keras.layers.Dense(4 * 4 * 3, activation="tanh")(latent)
    return keras.Model(latent, keras.layers.Reshape((4, 4, 3))(x))


def _label_named_class():
    latent = keras.Input((LATENT_DIM,), name="z")
    label = keras.Input((), dtype="int32", name="class_id")
    images = _images_from(latent, keras.layers.Embedding(NUM_CLASSES, 4)(label))
    return keras.Model([latent, label], images)


def _float_label():
    latent = keras.Input((LATENT_DIM,), name="z")
    label = keras.Input((1,), dtype="float32", name="label")
    return keras.Model([latent, label], _images_from(latent, label))


def _label_column():
    latent = keras.Input((LATENT_DIM,), name="z")
    label = keras.Input((1,), dtype="int32", name="label")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(NUM_CLASSES, 4)(label))
    return keras.Model([latent, label], _images_from(latent, embedded))


def _int_latent():
    latent = keras.Input((LATENT_DIM,), dtype="int32", name="z")
    label = keras.Input((), dtype="int32", name="label")
    floats = keras.layers.Embedding(NUM_CLASSES, 4)(label)
    return keras.Model([latent, label], _images_from(keras.ops.cast(latent, "float32"), floats))


@pytest.mark.parametrize(
    ("build", "class_names", "error", "message"),
    [
        (_one_input, CLASS_NAMES, ValueError, r"exactly two inputs.*Received inputs named \['z'\]"),
        (_label_named_class, CLASS_NAMES, ValueError, r"named \['z', 'class_id'\]"),
        (_float_label, CLASS_NAMES, ValueError, "'label' must be int32.*Received dtype: float32"),
        (_label_column, CLASS_NAMES, ValueError, r"shape \(None,\).*\(None, 1\)"),
        (_int_latent, CLASS_NAMES, ValueError, "'z' must be float32.*int32"),
        (lambda: keras.layers.Dense(3), CLASS_NAMES, TypeError, "must be a `keras.Model`"),
        (_build_generator, ["a", "b"], ValueError, r"give 3 names.*Received 2"),
        (_build_generator, "abc", TypeError, "sequence of non-empty strings"),
        (_build_generator, ["a", "a", "b"], ValueError, "each once"),
    ],
    ids=[
        "one_input",
        "label_named_class_id",
        "float_label",
        "label_column",
        "int_latent",
        "layer",
        "class_count",
        "names_string",
        "repeated_names",
    ],
)
def test_rejects_wrong_generator(tmp_path, build, class_names, error, message):
    with pytest.raises(error, match=message):
        export_conditional_generator(
            build(), tmp_path / "bad", class_names=class_names, parity_batch_sizes=(1,)
        )
    assert list(tmp_path.iterdir()) == []
