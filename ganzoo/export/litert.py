"""Export a network as a LiteRT (`.tflite`) flatbuffer with named inputs and outputs."""

import pathlib
import tempfile

import tensorflow as tf

from ganzoo.export.saved_model import DEFAULT_SIGNATURE
from ganzoo.export.saved_model import export_saved_model
from ganzoo.files import atomic_output


def export_litert(model, path, input_signature, *, output_names=None):
    """Write `model`'s inference pass as a LiteRT model with TFLite builtin ops only.

    The conversion is TensorFlow's own (`tf.lite.TFLiteConverter`) from a
    SavedModel of the same serving model (the path Keras' `export_litert`
    takes), so the file's signature `serving_default` takes the inputs by the
    specs' names, with a resizable batch dimension, and returns the outputs
    by `output_names`. Only builtin ops are allowed: the file runs in the
    LiteRT interpreter (`ai-edge-litert`, without TensorFlow) with no Flex
    delegate. Input contracts are not in the graph (LiteRT has no assertion
    op); `ganzoo.runtime` checks them in NumPy.

    Args:
        model: a built `keras.Model` (a network, never a training wrapper).
        path: `str` or `pathlib.Path` of the `.tflite` file to create. It must
            not exist yet.
        input_signature: list of named `tf.TensorSpec` with a `None` batch
            dimension, one per model input.
        output_names: optional sequence of output names, one per model output.

    Returns:
        `pathlib.Path` of the written file.

    Raises:
        FileExistsError: if `path` already exists.
        ValueError: if the signature or `output_names` do not fit the model.
        tf.lite ConverterError: if the network uses an op LiteRT has no
            builtin for.

    Example:

    >>> import tempfile, keras, tensorflow as tf
    >>> z = keras.Input((8,), name="z")
    >>> net = keras.Model(z, keras.layers.Dense(2)(z))
    >>> spec = [tf.TensorSpec((None, 8), tf.float32, name="z")]
    >>> path = export_litert(net, tempfile.mkdtemp() + "/m.tflite", spec, output_names=["y"])
    >>> path.suffix
    '.tflite'
    """
    path = pathlib.Path(path)
    if path.exists():
        raise FileExistsError(f"LiteRT path already exists: '{path}'.")
    with tempfile.TemporaryDirectory() as scratch:
        saved_model = export_saved_model(
            model, pathlib.Path(scratch) / "saved_model", input_signature, output_names=output_names
        )
        converter = tf.lite.TFLiteConverter.from_saved_model(
            str(saved_model), signature_keys=[DEFAULT_SIGNATURE]
        )
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        flatbuffer = converter.convert()
    with atomic_output(path) as temporary:
        pathlib.Path(temporary).write_bytes(flatbuffer)
    return path
