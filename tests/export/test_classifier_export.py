"""Round trip, runtime and validation tests for `export_classifier` and `OnnxClassifier`."""

import json
import pathlib
import shutil

import keras
import numpy as np
import onnxruntime
import pytest
import tensorflow as tf

from ganzoo.data import dataset_info
from ganzoo.data import load_image_arrays
from ganzoo.export import export_classifier
from ganzoo.export.manifest import CLASSIFICATION_TASK
from ganzoo.export.manifest import build_manifest
from ganzoo.export.manifest import read_manifest
from ganzoo.networks import DomainClassifier
from ganzoo.runtime import OnnxClassifier

REPO = pathlib.Path(__file__).resolve().parents[2]
PRETRAINED = REPO / "exported" / "classifiers" / "fashion_mnist"
IMAGE_SHAPE = (16, 16, 3)
CLASS_NAMES = ["cat", "dog", "bird"]
FEATURE_DIM = 8
TOLERANCE = 1e-4
TRAINING_CONFIG = {"epochs": 0, "note": "untrained"}


def _tiny_classifier():
    """A deterministic untrained classifier whose batch norm is far from identity.

    Moving statistics far from the batch statistics make a graph exported in
    training mode disagree with the in-memory network.
    """
    classifier = DomainClassifier(
        IMAGE_SHAPE,
        num_classes=len(CLASS_NAMES),
        base_filters=4,
        feature_dim=FEATURE_DIM,
        num_blocks=2,
        convolutions_per_block=1,
        name="tiny_classifier",
    )
    rng = np.random.default_rng(1234)
    for variable in classifier.weights:
        shape = tuple(variable.shape)
        if "variance" in variable.path:
            value = rng.uniform(0.5, 2.0, shape)
        elif "moving_mean" in variable.path:
            value = rng.normal(0.3, 0.5, shape)
        else:
            value = rng.normal(0.0, 0.4, shape)
        variable.assign(value.astype("float32"))
    return classifier


def _images(batch_size, seed=0, shape=IMAGE_SHAPE):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, (batch_size, *shape)).astype(np.float32)


def _keras_outputs(classifier, images):
    logits = classifier(images, training=False)
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(logits, axis=-1))
    features = keras.ops.convert_to_numpy(classifier.features_model(images, training=False))
    return probabilities, features


@pytest.fixture(scope="module")
def exported_classifier(tmp_path_factory):
    keras.utils.clear_session()
    return export_classifier(
        _tiny_classifier(),
        tmp_path_factory.mktemp("classifiers") / "tiny",
        dataset="toy",
        class_names=CLASS_NAMES,
        test_accuracy=0.5,
        training_config=TRAINING_CONFIG,
        parity_batch_sizes=(1, 3),
        tolerance=TOLERANCE,
    )


@pytest.mark.parametrize("batch_size", [1, 6])
def test_round_trip_matches_keras(exported_classifier, batch_size):
    classifier = _tiny_classifier()
    images = _images(batch_size, seed=batch_size)
    probabilities, features = _keras_outputs(classifier, images)
    assert probabilities.shape == (batch_size, len(CLASS_NAMES))
    assert features.shape == (batch_size, FEATURE_DIM)

    signature = tf.saved_model.load(str(exported_classifier / "saved_model")).signatures[
        "serving_default"
    ]
    served = signature(images=tf.constant(images))
    session = onnxruntime.InferenceSession(
        str(exported_classifier / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    from_onnx = dict(
        zip(
            ["probabilities", "features"],
            session.run(["probabilities", "features"], {"images": images}),
            strict=True,
        )
    )
    for outputs in (
        {name: value.numpy() for name, value in served.items()},
        from_onnx,
    ):
        assert sorted(outputs) == ["features", "probabilities"]
        np.testing.assert_allclose(outputs["probabilities"], probabilities, rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(outputs["features"], features, rtol=0, atol=TOLERANCE)


def test_batch_norm_runs_in_inference_mode(exported_classifier):
    classifier = _tiny_classifier()
    images = _images(1)
    training = keras.ops.convert_to_numpy(classifier.features_model(images, training=True))
    _, features = OnnxClassifier(exported_classifier).predict(images)
    assert np.max(np.abs(features - training)) > 1e-2


def test_manifest_fields(exported_classifier):
    manifest = read_manifest(exported_classifier / "manifest.json")
    assert manifest["task"] == CLASSIFICATION_TASK == "image_classification"
    assert manifest["class_names"] == CLASS_NAMES
    assert manifest["feature_dim"] == FEATURE_DIM
    assert manifest["test_accuracy"] == 0.5
    assert manifest["dataset"] == "toy"
    assert manifest["training_config"] == TRAINING_CONFIG
    assert manifest["image_shape"] == list(IMAGE_SHAPE)
    assert "latent_dim" not in manifest
    assert manifest["inputs"] == [
        {
            "name": "images",
            "shape": [None, *IMAGE_SHAPE],
            "dtype": "float32",
            "value_range": [-1.0, 1.0],
            "layout": "NHWC",
        }
    ]
    assert [(entry["name"], entry["shape"]) for entry in manifest["outputs"]] == [
        ("probabilities", [None, len(CLASS_NAMES)]),
        ("features", [None, FEATURE_DIM]),
    ]
    parity = manifest["parity"]
    assert parity["batch_sizes"] == [1, 3] and parity["tolerance"] == TOLERANCE
    assert max(parity["max_abs_diff"].values()) <= TOLERANCE
    assert sorted(path.name for path in exported_classifier.iterdir()) == [
        "manifest.json",
        "model.onnx",
        "saved_model",
    ]
    assert [path.name for path in exported_classifier.parent.iterdir()] == ["tiny"]


def test_onnx_classifier_batches_internally(exported_classifier):
    runtime = OnnxClassifier(exported_classifier)
    assert runtime.class_names == tuple(CLASS_NAMES)
    assert (runtime.image_shape, runtime.feature_dim, runtime.test_accuracy) == (
        IMAGE_SHAPE,
        FEATURE_DIM,
        0.5,
    )
    images = _images(7, seed=3)
    probabilities, features = runtime.predict(images, batch_size=3)
    assert probabilities.dtype == features.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    expected_probabilities, expected_features = _keras_outputs(_tiny_classifier(), images)
    np.testing.assert_allclose(probabilities, expected_probabilities, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(features, expected_features, rtol=0, atol=TOLERANCE)
    whole_probabilities, whole_features = runtime.predict(images, batch_size=100)
    np.testing.assert_allclose(whole_probabilities, probabilities, rtol=0, atol=1e-6)
    np.testing.assert_allclose(whole_features, features, rtol=0, atol=1e-6)
    empty_probabilities, empty_features = runtime.predict(_images(0))
    assert empty_probabilities.shape == (0, 3) and empty_features.shape == (0, FEATURE_DIM)


@pytest.mark.parametrize(
    ("images", "error", "message"),
    [
        (np.zeros((2, *IMAGE_SHAPE), np.uint8), TypeError, r"uint8.*127\.5"),
        (np.zeros((2, *IMAGE_SHAPE), np.float64), TypeError, "float64"),
        (np.zeros((2, *IMAGE_SHAPE), np.float32).tolist(), TypeError, "NumPy array"),
        (np.zeros((2, 28, 28, 1), np.float32), ValueError, r"\(num_images, 16, 16, 3\)"),
        (np.zeros(IMAGE_SHAPE, np.float32), ValueError, r"Received shape: \(16, 16, 3\)"),
        (np.full((1, *IMAGE_SHAPE), 255.0, np.float32), ValueError, r"\[-1, 1\]"),
        (np.full((1, *IMAGE_SHAPE), np.nan, np.float32), ValueError, "NaN"),
    ],
    ids=["uint8", "float64", "list", "wrong_size", "rank3", "pixel_range", "nan"],
)
def test_predict_rejects_bad_images(exported_classifier, images, error, message):
    runtime = OnnxClassifier(exported_classifier)
    with pytest.raises(error, match=message):
        runtime.predict(images)


def test_predict_rejects_bad_batch_size(exported_classifier):
    with pytest.raises(ValueError, match="batch_size"):
        OnnxClassifier(exported_classifier).predict(_images(2), batch_size=0)


def test_onnx_classifier_rejects_generator_exports(exported_directory):
    with pytest.raises(ValueError, match="unconditional_image_generation"):
        OnnxClassifier(exported_directory)


def test_onnx_classifier_checks_the_graph(exported_classifier, tmp_path):
    renamed = tmp_path / "renamed"
    shutil.copytree(exported_classifier, renamed)
    manifest = json.loads((renamed / "manifest.json").read_text())
    manifest["inputs"][0]["name"] = "pixels"
    (renamed / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="'pixels'"):
        OnnxClassifier(renamed)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        OnnxClassifier(tmp_path / "nowhere")


def _no_features_layer():
    images = keras.Input(IMAGE_SHAPE, name="images")
    x = keras.layers.GlobalAveragePooling2D()(images)
    return keras.Model(images, keras.layers.Dense(3)(x))


def _wrong_input_name():
    images = keras.Input(IMAGE_SHAPE, name="pixels")
    x = keras.layers.GlobalAveragePooling2D()(images)
    x = keras.layers.Dense(4, name="features")(x)
    return keras.Model(images, keras.layers.Dense(3)(x))


@pytest.mark.parametrize(
    ("build", "kwargs", "error", "message"),
    [
        (_no_features_layer, {}, ValueError, "no layer named 'features'"),
        (_wrong_input_name, {}, ValueError, r"named 'images'.*\['pixels'\]"),
        (
            lambda: DomainClassifier((None, None, 3), 3, base_filters=2, feature_dim=4),
            {},
            ValueError,
            "fixed sizes",
        ),
        (lambda: keras.layers.Dense(3), {}, TypeError, "must be a `keras.Model`"),
        (_tiny_classifier, {"class_names": ["a", "b"]}, ValueError, "3 distinct names"),
        (_tiny_classifier, {"class_names": ["a", "a", "b"]}, ValueError, "distinct"),
        (_tiny_classifier, {"class_names": "abc"}, TypeError, "class_names"),
        (_tiny_classifier, {"test_accuracy": 1.5}, ValueError, "test_accuracy"),
        (_tiny_classifier, {"test_accuracy": "0.9"}, TypeError, "test_accuracy"),
        (_tiny_classifier, {"training_config": {"x": object()}}, TypeError, "JSON"),
        (_tiny_classifier, {"parity_batch_sizes": ()}, ValueError, "parity_batch_sizes"),
    ],
    ids=[
        "no_features",
        "input_name",
        "variable_size",
        "layer",
        "class_count",
        "class_repeat",
        "class_str",
        "accuracy_range",
        "accuracy_type",
        "config",
        "batches",
    ],
)
def test_export_rejects_bad_arguments(tmp_path, build, kwargs, error, message):
    arguments = {
        "dataset": None,
        "class_names": CLASS_NAMES,
        "test_accuracy": None,
        "training_config": None,
        **kwargs,
    }
    with pytest.raises(error, match=message):
        export_classifier(build(), tmp_path / "bad", **arguments)
    assert list(tmp_path.iterdir()) == []


def _classification_manifest(**overrides):
    fields = {
        "name": "tiny",
        "task": CLASSIFICATION_TASK,
        "inputs": [{"name": "images", "shape": [None, 8, 8, 1], "dtype": "float32"}],
        "outputs": [
            {"name": "probabilities", "shape": [None, 2], "dtype": "float32"},
            {"name": "features", "shape": [None, 4], "dtype": "float32"},
        ],
        "image_shape": [8, 8, 1],
        "class_names": ["no", "yes"],
        "feature_dim": 4,
        "test_accuracy": 0.75,
        "parity": {
            "batch_sizes": [1],
            "tolerance": 1e-4,
            "max_abs_diff": {"saved_model": 0.0, "onnx": 0.0},
        },
        "files": {"saved_model": "saved_model", "onnx": "model.onnx"},
    }
    fields.update(overrides)
    return build_manifest(**fields)


def test_classification_manifest_validation():
    manifest = _classification_manifest()
    assert "latent_dim" not in manifest and manifest["class_names"] == ["no", "yes"]
    assert _classification_manifest(test_accuracy=None)["test_accuracy"] is None
    with pytest.raises(ValueError, match="class_names"):
        _classification_manifest(class_names=["only"])
    with pytest.raises(ValueError, match="class_names"):
        _classification_manifest(class_names=None)
    with pytest.raises(ValueError, match="feature_dim"):
        _classification_manifest(feature_dim=0)
    with pytest.raises(ValueError, match="test_accuracy"):
        _classification_manifest(test_accuracy=1.2)


@pytest.mark.large
def test_pretrained_fashion_mnist_classifier_accuracy():
    """The shipped classifier, through onnxruntime, on all 10,000 real test images."""
    classifier = OnnxClassifier(PRETRAINED)
    info = dataset_info("fashion_mnist")
    assert classifier.class_names == info.class_names
    assert classifier.image_shape == info.image_shape
    manifest = classifier.manifest
    assert manifest["dataset"] == "fashion_mnist"
    assert manifest["training_config"]["test_examples"] == 10_000
    assert max(manifest["parity"]["max_abs_diff"].values()) <= 1e-4

    pixels, labels = load_image_arrays("fashion_mnist", "test", source="auto")
    assert len(labels) == 10_000
    probabilities, features = classifier.predict(pixels.astype(np.float32) / 127.5 - 1.0)
    accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == labels))
    assert accuracy >= 0.90
    assert abs(accuracy - classifier.test_accuracy) <= 0.002
    assert features.shape == (10_000, classifier.feature_dim)
    # Features used for FID must vary across images, not collapse to constants.
    assert np.count_nonzero(features.std(axis=0) > 1e-3) >= classifier.feature_dim // 2

    size = sum(path.stat().st_size for path in PRETRAINED.rglob("*") if path.is_file())
    assert size < 2 * 1024 * 1024
