"""The training precisions ganzoo supports, and a scope that sets one.

Mixed precision (Micikevicius et al. 2018, "Mixed Precision Training") keeps
float32 weights and computes in 16 bits: `"mixed_float16"` needs loss scaling,
which the models add to both optimizers themselves
(`ganzoo.models.two_optimizers.check_optimizers`); `"mixed_bfloat16"` has
float32's exponent range and needs none. Network outputs stay float32, and
exports are float32 whatever the policy
(`ganzoo.export.float32_network.float32_network`).
"""

import contextlib

import keras

DTYPE_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")
"""The `dtype_policy` values of the recipes' configs."""


@contextlib.contextmanager
def global_dtype_policy(name):
    """Sets Keras' global dtype policy to `name` inside the block, then restores it.

    Networks take their policy when they are built, so build them inside the
    block; training and export may happen outside it.

    Args:
        name: str, one of `DTYPE_POLICIES`.

    Raises:
        ValueError: if `name` is not one of `DTYPE_POLICIES`.
    """
    if name not in DTYPE_POLICIES:
        raise ValueError(f"`dtype_policy` must be one of {DTYPE_POLICIES}. Received: {name!r}")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
