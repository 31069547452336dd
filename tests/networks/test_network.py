"""Every network `ganzoo.networks` exports rebuilds from its config with the same outputs."""

import doctest
import inspect

import keras
import numpy as np
import pytest

from ganzoo import networks
from ganzoo.networks import network as network_module
from ganzoo.networks.network import Network

# Tiny versions of every exported network, one per option that changes the
# architecture, so that a constructor argument missing from `get_config`
# rebuilds a different graph and fails the round trip.
CASES = [
    (networks.DCGANGenerator, {"latent_dim": 12, "image_shape": (32, 32, 3), "base_filters": 4}),
    (networks.DCGANDiscriminator, {"image_shape": (28, 28, 1), "base_filters": 4}),
    (
        networks.DCGANDiscriminator,
        {"image_shape": (32, 32, 3), "base_filters": 4, "spectral_normalization": True},
    ),
    (
        networks.DCGANDiscriminator,
        {"image_shape": (28, 28, 1), "base_filters": 4, "batch_normalization": False},
    ),
    (networks.ConditionalDCGANGenerator, {"latent_dim": 8, "num_classes": 3, "base_filters": 4}),
    (
        networks.ConditionalDCGANGenerator,
        {"latent_dim": 8, "num_classes": 3, "base_filters": 4, "conditioning": "batch_norm"},
    ),
    (networks.ConditionalDCGANDiscriminator, {"num_classes": 3, "base_filters": 4}),
    (
        networks.ConditionalDCGANDiscriminator,
        {"num_classes": 3, "base_filters": 4, "conditioning": "concat", "embedding_dim": 4},
    ),
    (
        networks.SemiSupervisedDiscriminator,
        {"num_classes": 3, "base_filters": 4, "input_noise": 0.3, "hidden_noise": 0.5},
    ),
    (networks.StandardCNNGenerator, {"latent_dim": 8, "base_filters": 4}),
    (networks.StandardCNNDiscriminator, {"base_filters": 4, "leaky_relu_slope": 0.1}),
    (networks.ResNetGenerator, {"num_residual_blocks": 2, "base_filters": 4}),
    (networks.UNetGenerator, {"num_downsamples": 5, "base_filters": 4, "dropout": 0.5}),
    (networks.PatchGANDiscriminator, {"base_filters": 4, "num_layers": 2}),
    (
        networks.PatchGANDiscriminator,
        {"base_filters": 4, "num_layers": 2, "spectral_normalization": True},
    ),
    (
        networks.DomainClassifier,
        {"num_classes": 3, "base_filters": 4, "feature_dim": 8, "num_blocks": 2},
    ),
    (networks.InceptionFeatures, {"weights": None, "image_shape": (32, 32, 1)}),
    (networks.FIDInceptionV3, {"weights": None, "channels": 1}),
]


def _case_id(case):
    network_class, arguments = case
    options = "-".join(f"{key}={value}" for key, value in arguments.items() if value is not None)
    return f"{network_class.__name__}[{options}]"


def _inputs(network, seed=0):
    """Random inputs for `network`: batch 2, 32 pixels where the size is free, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    values = []
    for tensor in network.inputs:
        if "int" in str(tensor.dtype):
            values.append(np.array([0, 1], np.int32))
        else:
            shape = [2] + [32 if size is None else size for size in tensor.shape[1:]]
            values.append(rng.uniform(-1.0, 1.0, shape).astype(np.float32))
    return values if len(values) > 1 else values[0]


def _numpy(outputs):
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [keras.ops.convert_to_numpy(output) for output in outputs]


def test_every_exported_network_has_a_case():
    exported = {
        name
        for name in networks.__all__
        if inspect.isclass(getattr(networks, name))
        and issubclass(getattr(networks, name), keras.Model)
    }
    assert exported == {network_class.__name__ for network_class, _ in CASES}


@pytest.mark.parametrize(("network_class", "arguments"), CASES, ids=map(_case_id, CASES))
def test_from_config_rebuilds_the_same_network(network_class, arguments):
    keras.utils.set_random_seed(0)
    network = network_class(**arguments, name="original")
    config = network.get_config()
    # Every constructor argument is in the config, with the value given.
    parameters = set(inspect.signature(network_class).parameters) - {"kwargs"}
    assert set(config) - {"name", "trainable"} == parameters
    assert config["name"] == "original"
    assert {key: config[key] for key in arguments} == arguments
    if isinstance(network, Network):
        for key in parameters:
            assert getattr(network, key) == config[key]

    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(network))
    assert type(restored) is network_class
    assert restored.get_config() == config
    restored.set_weights(network.get_weights())
    inputs = _inputs(network)
    for expected, actual in zip(
        _numpy(network(inputs, training=False)),
        _numpy(restored(inputs, training=False)),
        strict=True,
    ):
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


def test_config_keys_must_not_shadow_keras_model_attributes():
    features = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="weights"):
        Network(features, keras.layers.Dense(1)(features), config={"weights": None})


def test_docstring_examples():
    failures, attempts = doctest.testmod(network_module, verbose=False, report=True)
    assert attempts > 0
    assert failures == 0
