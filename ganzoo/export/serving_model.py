"""Wrap a network in a Keras model with named inputs and named outputs.

Both exporters (`saved_model.py` and `onnx.py`) go through this wrapper, so the
SavedModel signature and the ONNX graph get the same input names (taken from
the `tf.TensorSpec` names) and the same output names (the keys of the wrapper's
output dictionary). The wrapped network is always called with `training=False`,
so layers such as `BatchNormalization` and `Dropout` run in inference mode.
"""

from collections.abc import Sequence

import keras
import tensorflow as tf


def validate_input_signature(input_signature):
    """Check that an input signature is a list of named, batch-dynamic specs.

    Args:
        input_signature: sequence of `tf.TensorSpec`, one per network input,
            e.g. `[tf.TensorSpec((None, 128), tf.float32, name="z")]`. Each
            spec needs a unique non-empty `name` and a known rank of at least
            1 whose first (batch) dimension is `None`.

    Returns:
        list of `tf.TensorSpec`, the same specs in the same order.

    Raises:
        TypeError: if `input_signature` is not a list or tuple, or holds
            anything other than `tf.TensorSpec`.
        ValueError: if it is empty, a spec has no name, a name repeats, or a
            spec has an unknown rank or a fixed batch dimension.
    """
    if not isinstance(input_signature, (list, tuple)):
        raise TypeError(
            "`input_signature` must be a list of `tf.TensorSpec`. "
            f"Received: {input_signature!r} of type {type(input_signature)}."
        )
    if not input_signature:
        raise ValueError("`input_signature` must hold at least one `tf.TensorSpec`.")
    names = []
    for spec in input_signature:
        if not isinstance(spec, tf.TensorSpec):
            raise TypeError(
                "Every entry of `input_signature` must be a `tf.TensorSpec`. "
                f"Received: {spec!r} of type {type(spec)}."
            )
        if not spec.name:
            raise ValueError(
                "Every `tf.TensorSpec` in `input_signature` needs a `name`, which "
                f"becomes the exported input name. Received: {spec!r}."
            )
        if spec.shape.rank is None or spec.shape.rank < 1:
            raise ValueError(
                f"Input '{spec.name}' needs a known rank of at least 1 (batch "
                f"first). Received shape: {spec.shape}."
            )
        if spec.shape[0] is not None:
            raise ValueError(
                f"Input '{spec.name}' must have a dynamic batch dimension (None). "
                f"Received shape: {spec.shape}."
            )
        names.append(spec.name)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"Input names must be unique. Repeated: {duplicates}.")
    return list(input_signature)


def build_serving_model(model, input_signature, output_names=None):
    """Wrap `model` for export with named inputs and a dictionary of outputs.

    Args:
        model: a built `keras.Model` (a network, not a training wrapper). A
            functional model is fed by input name; any other model is called
            with the inputs in `input_signature` order (a single tensor for
            one input, a list for several).
        input_signature: sequence of named `tf.TensorSpec`, see
            `validate_input_signature`.
        output_names: optional sequence of strings, one per model output in
            the order the model returns them. Defaults to `output_0`,
            `output_1`, ...

    Returns:
        tuple `(serving_model, export_signature)`: a functional `keras.Model`
        whose inputs are named after the specs and whose output is a
        dictionary keyed by `output_names`, and the input signature in the
        structure that `keras.Model.export` expects for it.

    Raises:
        TypeError: if `model` is not a `keras.Model`, or see
            `validate_input_signature`.
        ValueError: if the spec names do not match a functional model's input
            names, the number of `output_names` does not match the outputs,
            or see `validate_input_signature`.

    Example:

    >>> import keras, tensorflow as tf
    >>> z = keras.Input((8,), name="z")
    >>> net = keras.Model(z, keras.layers.Dense(2)(z))
    >>> spec = [tf.TensorSpec((None, 8), tf.float32, name="z")]
    >>> wrapper, signature = build_serving_model(net, spec, ["scores"])
    >>> sorted(wrapper.output.keys())
    ['scores']
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a `keras.Model`. Received: {model!r} of type {type(model)}."
        )
    specs = validate_input_signature(input_signature)
    inputs = [
        keras.Input(
            shape=tuple(spec.shape.as_list()[1:]),
            dtype=spec.dtype.name,
            name=spec.name,
        )
        for spec in specs
    ]
    by_name = {spec.name: tensor for spec, tensor in zip(specs, inputs, strict=True)}

    structure = _functional_input_structure(model)
    if structure is not None:
        model_names = [tensor.name for tensor in keras.tree.flatten(structure)]
        if sorted(model_names) != sorted(by_name):
            raise ValueError(
                "The `input_signature` names must match the model's input names. "
                f"Received specs named {sorted(by_name)}; the model's inputs are "
                f"named {sorted(model_names)}."
            )
        model_inputs = keras.tree.map_structure(lambda tensor: by_name[tensor.name], structure)
    else:
        model_inputs = inputs[0] if len(inputs) == 1 else inputs

    flat_outputs = keras.tree.flatten(model(model_inputs, training=False))
    if output_names is None:
        output_names = [f"output_{index}" for index in range(len(flat_outputs))]
    if isinstance(output_names, str) or not isinstance(output_names, Sequence):
        raise TypeError(
            f"`output_names` must be a sequence of strings. Received: {output_names!r}."
        )
    if len(output_names) != len(flat_outputs) or len(set(output_names)) != len(output_names):
        raise ValueError(
            f"`output_names` must give one unique name per model output; the model "
            f"has {len(flat_outputs)} output(s). Received: {list(output_names)}."
        )
    outputs = dict(zip(output_names, flat_outputs, strict=True))
    serving_model = keras.Model(
        inputs=inputs[0] if len(inputs) == 1 else inputs,
        outputs=outputs,
        name=f"{model.name}_serving",
    )
    # `keras.Model.export` wants one positional argument per call argument of
    # the functional wrapper: the spec itself, or the list of specs.
    export_signature = [specs[0]] if len(specs) == 1 else [specs]
    return serving_model, export_signature


def _functional_input_structure(model):
    """Return the symbolic input structure of a functional model, else None."""
    try:
        structure = model.input
    except (AttributeError, ValueError):
        return None
    flat = keras.tree.flatten(structure)
    if not flat or not all(isinstance(tensor, keras.KerasTensor) for tensor in flat):
        return None
    return structure
