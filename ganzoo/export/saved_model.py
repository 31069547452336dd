"""Export a network as a TensorFlow SavedModel with named inputs and outputs."""

import pathlib

import tensorflow as tf

from ganzoo.export.serving_model import build_serving_model

SERVING_ENDPOINT = "serve"
DEFAULT_SIGNATURE = "serving_default"


def export_saved_model(model, path, input_signature, *, output_names=None, input_checks=None):
    """Write `model`'s inference pass as a SavedModel.

    The artifact has one endpoint, `serve`, which is also the default serving
    signature `serving_default` (what TF Serving calls). Both take the inputs
    by the spec names, with a dynamic batch dimension, and return a dictionary
    keyed by `output_names`. The model runs with `training=False`. With
    `input_checks`, a call whose inputs break their contract fails with
    `tf.errors.InvalidArgumentError` before the model runs.

    Args:
        model: a built `keras.Model` (a network, never a training wrapper).
        path: `str` or `pathlib.Path`, the SavedModel directory to create. It
            must not exist yet.
        input_signature: list of named `tf.TensorSpec` with a `None` batch
            dimension, one per model input, e.g.
            `[tf.TensorSpec((None, 128), tf.float32, name="z")]`.
        output_names: optional sequence of output names, one per model
            output. Defaults to `output_0`, `output_1`, ...
        input_checks: optional callable taking the input tensors in signature
            order and returning a list of assertion ops (see
            `ganzoo.export.input_checks`), run before the model.

    Returns:
        `pathlib.Path` of the written SavedModel directory.

    Raises:
        FileExistsError: if `path` already exists.
        TypeError: if `model` is not a `keras.Model` or the signature holds
            something other than `tf.TensorSpec`.
        ValueError: if the signature or `output_names` do not fit the model
            (see `ganzoo.export.serving_model.build_serving_model`).

    Example:

    >>> import tempfile, keras, tensorflow as tf
    >>> z = keras.Input((8,), name="z")
    >>> net = keras.Model(z, keras.layers.Dense(2)(z))
    >>> spec = [tf.TensorSpec((None, 8), tf.float32, name="z")]
    >>> path = export_saved_model(
    ...     net, tempfile.mkdtemp() + "/sm", spec, output_names=["scores"]
    ... )
    >>> serving = tf.saved_model.load(str(path)).signatures["serving_default"]
    >>> serving(z=tf.zeros((3, 8)))["scores"].shape
    TensorShape([3, 2])
    """
    path = pathlib.Path(path)
    if path.exists():
        raise FileExistsError(f"SavedModel path already exists: '{path}'.")
    serving_model, export_signature = build_serving_model(model, input_signature, output_names)
    # `keras.Model.export` stores every weight twice (once per Keras variable
    # wrapper, once per captured `tf.Variable`; keras issue 23553), doubling
    # the artifact and the memory of whoever loads it. Saving a module that
    # tracks only the underlying `tf.Variable`s, which the traced function
    # captures too, stores each once.
    specs = export_signature[0] if len(export_signature) == 1 else export_signature

    def serve(*inputs):
        if input_checks is not None:
            with tf.control_dependencies(input_checks(*inputs)):
                inputs = [tf.identity(tensor) for tensor in inputs]
        return serving_model(inputs[0] if len(inputs) == 1 else list(inputs), training=False)

    module = tf.Module()
    module.variables_to_save = [variable.value for variable in serving_model.variables]
    flat_specs = [specs] if isinstance(specs, tf.TensorSpec) else list(specs)
    module.serve = tf.function(serve, input_signature=flat_specs, autograph=False)
    concrete = module.serve.get_concrete_function()
    tf.saved_model.save(
        module,
        str(path),
        signatures={DEFAULT_SIGNATURE: concrete, SERVING_ENDPOINT: concrete},
    )
    return path
