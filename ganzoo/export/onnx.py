"""Export a network as an ONNX graph with named inputs and outputs."""

import pathlib
import warnings

import onnx

from ganzoo.export.serving_model import build_serving_model

# tf2onnx 1.17 supports opsets up to 18; 17 is read by every current runtime.
DEFAULT_OPSET = 17
MAX_OPSET = 18
BATCH_DIM_NAME = "batch"


def export_onnx(model, path, input_signature, *, output_names=None, opset=DEFAULT_OPSET):
    """Write `model`'s inference pass as an ONNX file and check it.

    Conversion goes through `keras.Model.export(format="onnx")`, i.e. tf2onnx.
    The graph's inputs are named after the specs and its outputs after
    `output_names`; every dynamic batch dimension is named `"batch"`. The
    written file passes `onnx.checker.check_model(..., full_check=True)`.

    Args:
        model: a built `keras.Model` (a network, never a training wrapper).
        path: `str` or `pathlib.Path` of the `.onnx` file to create. It must
            not exist yet.
        input_signature: list of named `tf.TensorSpec` with a `None` batch
            dimension, one per model input, e.g.
            `[tf.TensorSpec((None, 128), tf.float32, name="z")]`.
        output_names: optional sequence of output names, one per model
            output. Defaults to `output_0`, `output_1`, ...
        opset: int in `[1, 18]`, the ONNX opset of the default domain.

    Returns:
        `pathlib.Path` of the written ONNX file.

    Raises:
        FileExistsError: if `path` already exists.
        TypeError: if `opset` is not an int, `model` is not a `keras.Model`, or
            the signature holds something other than `tf.TensorSpec`.
        ValueError: if `opset` is out of range, or the signature or
            `output_names` do not fit the model.
        onnx.checker.ValidationError: if the converted graph is invalid.

    Example:

    >>> import tempfile, keras, tensorflow as tf
    >>> z = keras.Input((8,), name="z")
    >>> net = keras.Model(z, keras.layers.Dense(2)(z))
    >>> spec = [tf.TensorSpec((None, 8), tf.float32, name="z")]
    >>> path = export_onnx(
    ...     net, tempfile.mkdtemp() + "/net.onnx", spec, output_names=["scores"]
    ... )
    >>> [graph_input.name for graph_input in onnx.load(path).graph.input]
    ['z']
    """
    if isinstance(opset, bool) or not isinstance(opset, int):
        raise TypeError(f"`opset` must be an int. Received: {opset!r}.")
    if not 1 <= opset <= MAX_OPSET:
        raise ValueError(
            f"`opset` must be in [1, {MAX_OPSET}] (the tf2onnx maximum). Received: {opset}."
        )
    path = pathlib.Path(path)
    if path.exists():
        raise FileExistsError(f"ONNX path already exists: '{path}'.")
    serving_model, export_signature = build_serving_model(model, input_signature, output_names)
    with warnings.catch_warnings():
        # Keras patches tf2onnx for NumPy 2 and probes `np.object` on the way,
        # which NumPy 2.4 answers with this FutureWarning (an error under
        # `-W error`). It says nothing about the model being exported.
        warnings.filterwarnings(
            "ignore",
            message=r"In the future `np\.object` will be defined",
            category=FutureWarning,
        )
        serving_model.export(
            str(path),
            format="onnx",
            input_signature=export_signature,
            opset_version=opset,
            verbose=False,
        )
    model_proto = onnx.load(str(path))
    _name_batch_dimensions(model_proto)
    onnx.checker.check_model(model_proto, full_check=True)
    onnx.save(model_proto, str(path))
    return path


def _name_batch_dimensions(model_proto):
    """Rename the symbolic batch dimension of graph inputs/outputs to "batch".

    tf2onnx names unknown dimensions `unk__<n>`; renaming the symbols that sit
    in the batch position of the graph's inputs and outputs (everywhere they
    occur, including intermediate value infos) makes the contract readable in
    tools such as Netron and tells the runtime these dimensions are equal.
    """
    graph = model_proto.graph
    batch_symbols = set()
    for value_info in list(graph.input) + list(graph.output):
        dims = value_info.type.tensor_type.shape.dim
        if dims and dims[0].HasField("dim_param"):
            batch_symbols.add(dims[0].dim_param)
    if not batch_symbols:
        return
    for value_info in list(graph.input) + list(graph.output) + list(graph.value_info):
        for dim in value_info.type.tensor_type.shape.dim:
            if dim.HasField("dim_param") and dim.dim_param in batch_symbols:
                dim.dim_param = BATCH_DIM_NAME
