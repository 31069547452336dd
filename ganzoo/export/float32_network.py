"""A float32 twin of a network trained under a mixed-precision policy.

Exports are float32 whatever the training precision: a `mixed_float16` or
`mixed_bfloat16` network computes in 16 bits while keeping float32 weights, and
a serving user expects neither 16-bit kernels in the ONNX graph nor a result
that depends on the policy in force when the network was built. Every exporter
calls `float32_network` first, and its parity check compares the artifacts
with that twin.
"""

import keras

from ganzoo.compat.keras_workarounds import all_layers
from ganzoo.training.precision import global_dtype_policy

MIXED_POLICIES = ("mixed_float16", "mixed_bfloat16")


def float32_network(network):
    """Returns `network` if it computes in float32, else a float32 copy with its weights.

    The copy is rebuilt from `network.get_config()` with every mixed-precision
    layer policy (`"mixed_float16"`, `"mixed_bfloat16"`) replaced by
    `"float32"` and the global policy set to `"float32"` while it is built (the
    ganzoo networks take their policy from the global one); then it receives
    `network.get_weights()`, which are float32 under a mixed policy. Layers
    given an explicit non-mixed dtype keep it.

    Args:
        network: a built `keras.Model` whose class can be rebuilt with
            `from_config` (the ganzoo networks and functional models can).

    Returns:
        `keras.Model` computing in float32, `network` itself if it already does.

    Raises:
        TypeError: if `network` is not a `keras.Model`.
        ValueError: if the copy does not compute in float32 or its weights do
            not line up with the original's (a `get_config` that drops part
            of the architecture).
    """
    if not isinstance(network, keras.Model):
        raise TypeError(
            f"`network` must be a keras.Model. Received: {network!r} of type {type(network)}."
        )
    if not _mixed_layers(network):
        return network
    config = _float32_config(network.get_config())
    with global_dtype_policy("float32"):
        copy = network.__class__.from_config(config)
    if _mixed_layers(copy):
        raise ValueError(
            f"Rebuilding {network.name!r} in float32 left mixed-precision layers "
            f"{_mixed_layers(copy)}; its `get_config` must not pin their dtype policy."
        )
    weights = network.get_weights()
    expected = [tuple(variable.shape) for variable in copy.weights]
    if [tuple(weight.shape) for weight in weights] != expected:
        raise ValueError(
            f"The float32 rebuild of {network.name!r} has weights of shapes {expected}, "
            f"the network {[tuple(weight.shape) for weight in weights]}; its `get_config` "
            "does not describe the whole architecture."
        )
    copy.set_weights(weights)
    return copy


def _mixed_layers(network):
    return sorted(
        layer.name for layer in all_layers(network) if layer.dtype_policy.name in MIXED_POLICIES
    )


def _float32_config(value):
    """`value` with every serialized mixed `DTypePolicy` turned into float32."""
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy" and (
            value.get("config", {}).get("name") in MIXED_POLICIES
        ):
            return {**value, "config": {**value["config"], "name": "float32"}}
        return {key: _float32_config(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_float32_config(item) for item in value]
    if isinstance(value, str) and value in MIXED_POLICIES:
        return "float32"
    return value
