"""The generic exporters with two named inputs, as a conditional generator has."""

import keras
import numpy as np
import onnx
import pytest
import tensorflow as tf

from ganzoo.export.onnx import export_onnx
from ganzoo.export.parity import measure_parity
from ganzoo.export.saved_model import export_saved_model

LATENT_DIM = 6
NUM_CLASSES = 4
# Deliberately not the model's input order: inputs are matched by name.
SIGNATURE = [
    tf.TensorSpec((None,), tf.int32, name="label"),
    tf.TensorSpec((None, LATENT_DIM), tf.float32, name="z"),
]


def _conditional_generator():
    latent = keras.Input((LATENT_DIM,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = keras.layers.Embedding(NUM_CLASSES, LATENT_DIM)(label)
    x = keras.layers.Concatenate()([latent, embedded])
    x = keras.layers.Dense(4 * 4 * 2)(x)
    x = keras.layers.Reshape((4, 4, 2))(x)
    x = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same")(x)
    images = keras.layers.Activation("tanh")(x)
    return keras.Model([latent, label], images)


def _feeds(batch_size):
    rng = np.random.default_rng(batch_size)
    return {
        "z": rng.standard_normal((batch_size, LATENT_DIM), dtype=np.float32),
        "label": rng.integers(0, NUM_CLASSES, batch_size, dtype=np.int32),
    }


def test_two_input_round_trip(tmp_path):
    generator = _conditional_generator()
    saved_model = export_saved_model(
        generator, tmp_path / "saved_model", SIGNATURE, output_names=["images"]
    )
    onnx_path = export_onnx(generator, tmp_path / "model.onnx", SIGNATURE, output_names=["images"])

    signature = tf.saved_model.load(str(saved_model)).signatures["serving_default"]
    _, inputs = signature.structured_input_signature
    assert {name: spec.dtype for name, spec in inputs.items()} == {
        "z": tf.float32,
        "label": tf.int32,
    }
    assert list(signature.structured_outputs) == ["images"]

    graph = onnx.load(str(onnx_path)).graph
    assert [node.name for node in graph.input] == ["label", "z"]
    assert [node.type.tensor_type.elem_type for node in graph.input] == [
        onnx.TensorProto.INT32,
        onnx.TensorProto.FLOAT,
    ]
    assert [node.type.tensor_type.shape.dim[0].dim_param for node in graph.input] == [
        "batch",
        "batch",
    ]
    assert [node.name for node in graph.output] == ["images"]

    feeds = [_feeds(1), _feeds(3)]
    references = [
        {
            "images": keras.ops.convert_to_numpy(
                generator([feed["z"], feed["label"]], training=False)
            )
        }
        for feed in feeds
    ]
    # Different labels must give different images, or the label is ignored.
    assert not np.allclose(references[1]["images"][0], references[1]["images"][1])
    max_abs_diff = measure_parity(
        feeds, references, {"saved_model": saved_model, "onnx": onnx_path}
    )
    assert max_abs_diff["saved_model"] <= 1e-4
    assert max_abs_diff["onnx"] <= 1e-4


def test_default_output_names(tmp_path):
    path = export_onnx(_conditional_generator(), tmp_path / "model.onnx", SIGNATURE)
    assert [node.name for node in onnx.load(str(path)).graph.output] == ["output_0"]


@pytest.mark.parametrize(
    ("signature", "error", "message"),
    [
        (
            [tf.TensorSpec((None, LATENT_DIM), tf.float32, name="z")],
            ValueError,
            r"\['z'\].*\['label', 'z'\]",
        ),
        (
            [SIGNATURE[0], tf.TensorSpec((2, LATENT_DIM), tf.float32, name="z")],
            ValueError,
            "dynamic batch dimension",
        ),
        ([SIGNATURE[0], tf.TensorSpec((None, LATENT_DIM))], ValueError, "needs a"),
        ([SIGNATURE[0], SIGNATURE[0]], ValueError, r"Repeated: \['label'\]"),
        (SIGNATURE[1], TypeError, "list of `tf.TensorSpec`"),
        ([SIGNATURE[0], keras.InputSpec(shape=(None, 6))], TypeError, "InputSpec"),
    ],
    ids=["missing", "fixed_batch", "unnamed", "repeated", "bare_spec", "input_spec"],
)
def test_rejects_bad_signatures(tmp_path, signature, error, message):
    with pytest.raises(error, match=message):
        export_saved_model(_conditional_generator(), tmp_path / "sm", signature)
    assert list(tmp_path.iterdir()) == []


def test_refuses_existing_paths(tmp_path):
    generator = _conditional_generator()
    (tmp_path / "sm").mkdir()
    (tmp_path / "model.onnx").write_text("")
    with pytest.raises(FileExistsError, match="sm"):
        export_saved_model(generator, tmp_path / "sm", SIGNATURE)
    with pytest.raises(FileExistsError, match=r"model\.onnx"):
        export_onnx(generator, tmp_path / "model.onnx", SIGNATURE)


@pytest.mark.parametrize(("opset", "error"), [(19, ValueError), (0, ValueError), ("17", TypeError)])
def test_rejects_bad_opset(tmp_path, opset, error):
    with pytest.raises(error, match="opset"):
        export_onnx(_conditional_generator(), tmp_path / "m.onnx", SIGNATURE, opset=opset)
