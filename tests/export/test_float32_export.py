"""Networks trained under a mixed-precision policy export as float32."""

import keras
import numpy as np
import onnx
import pytest
import tensorflow as tf

from ganzoo.compat.keras_workarounds import all_layers
from ganzoo.export import export_generator
from ganzoo.export import export_image_translator
from ganzoo.export.float32_network import float32_network
from ganzoo.latents import sample_latents
from ganzoo.networks import DCGANGenerator
from ganzoo.networks import ResNetGenerator
from ganzoo.training.precision import global_dtype_policy


def _randomize(network, seed):
    """Non-initial weights (BN statistics included), so that copying them matters."""
    rng = np.random.default_rng(seed)
    network.set_weights(
        [
            np.abs(rng.normal(1.0, 0.2, w.shape)).astype("float32")
            if "variance" in v.path
            else rng.normal(0.0, 0.1, w.shape).astype("float32")
            for v, w in zip(network.weights, network.get_weights(), strict=True)
        ]
    )
    return network


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_float32_twin_computes_in_float32_with_the_same_weights(policy):
    with global_dtype_policy(policy):
        mixed = _randomize(DCGANGenerator(16, (28, 28, 1), base_filters=8), seed=0)
    assert mixed.get_layer(index=1).compute_dtype != "float32"

    twin = float32_network(mixed)

    assert twin is not mixed
    assert {layer.compute_dtype for layer in all_layers(twin)} == {"float32"}
    for a, b in zip(twin.get_weights(), mixed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    reference = DCGANGenerator(16, (28, 28, 1), base_filters=8)
    reference.set_weights(mixed.get_weights())
    z = sample_latents(4, 16, seed=1)
    np.testing.assert_array_equal(twin(z, training=False), reference(z, training=False))
    # 16-bit arithmetic moves the images by about 1e-2 (bfloat16 has 8 bits of mantissa).
    difference = np.abs(np.asarray(mixed(z, training=False)) - np.asarray(twin(z)))
    assert 0 < difference.max() < 0.1
    assert keras.config.dtype_policy().name == "float32"


def test_a_float32_network_is_returned_unchanged():
    generator = DCGANGenerator(16, (28, 28, 1), base_filters=8)
    assert float32_network(generator) is generator


def test_a_plain_functional_model_with_pinned_mixed_layers_becomes_float32():
    z = keras.Input((4,), name="z")
    hidden = keras.layers.Dense(8, activation="relu", dtype="mixed_float16")(z)
    output = keras.layers.Dense(3, dtype="float32")(hidden)
    model = keras.Model(z, output)
    twin = float32_network(model)
    assert [layer.dtype_policy.name for layer in twin.layers[1:]] == ["float32", "float32"]
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(twin(x), model(x), atol=1e-2)


def test_float32_network_rejects_a_non_model():
    with pytest.raises(TypeError, match="must be a keras.Model"):
        float32_network(keras.layers.Dense(3))


def test_global_dtype_policy_restores_the_previous_policy_after_an_error():
    with pytest.raises(RuntimeError), global_dtype_policy("mixed_bfloat16"):
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
        raise RuntimeError
    assert keras.config.dtype_policy().name == "float32"


def test_global_dtype_policy_rejects_an_unknown_policy():
    with pytest.raises(ValueError, match="mixed_bfloat16.*Received: 'bfloat16'"):
        with global_dtype_policy("bfloat16"):
            pass


def _onnx_tensor_types(path):
    graph = onnx.load(str(path)).graph
    types = {init.data_type for init in graph.initializer}
    types |= {value.type.tensor_type.elem_type for value in [*graph.input, *graph.output]}
    # Mixed-precision layers would show up as casts to 16-bit types.
    types |= {
        attribute.i
        for node in graph.node
        if node.op_type == "Cast"
        for attribute in node.attribute
        if attribute.name == "to"
    }
    return {onnx.TensorProto.DataType.Name(kind) for kind in types}


def test_a_bfloat16_generator_exports_float32_artifacts_equal_to_its_twin(tmp_path):
    with global_dtype_policy("mixed_bfloat16"):
        mixed = _randomize(DCGANGenerator(16, (28, 28, 1), base_filters=8), seed=2)

    path = export_generator(mixed, tmp_path / "export", parity_batch_sizes=(1, 3))

    assert _onnx_tensor_types(path / "model.onnx") <= {"FLOAT", "INT64", "INT32"}
    reader = tf.train.load_checkpoint(str(path / "saved_model" / "variables" / "variables"))
    stored = {
        name: dtype
        for name, dtype in reader.get_variable_to_dtype_map().items()
        if "VARIABLE_VALUE" in name
    }
    assert stored and set(stored.values()) == {tf.float32}
    loaded = tf.saved_model.load(str(path / "saved_model"))
    z = sample_latents(3, 16, seed=5)
    served = loaded.serve(tf.constant(z))
    served = next(iter(served.values())) if isinstance(served, dict) else served
    np.testing.assert_allclose(served, float32_network(mixed)(z, training=False), atol=1e-5)


def test_a_bfloat16_translator_exports_float32_onnx(tmp_path):
    with global_dtype_policy("mixed_bfloat16"):
        mixed = _randomize(
            ResNetGenerator(channels=1, num_residual_blocks=1, base_filters=4), seed=3
        )

    path = export_image_translator(
        mixed,
        tmp_path / "translator",
        image_shape=(16, 16, 1),
        parity_image_sizes=((16, 16),),
        parity_batch_sizes=(1,),
    )

    assert _onnx_tensor_types(path / "model.onnx") <= {"FLOAT", "INT64", "INT32"}
