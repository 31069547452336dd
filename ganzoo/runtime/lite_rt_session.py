"""`LiteRtSession`: a `.tflite` file behind the part of onnxruntime's session API we use."""

import collections

TensorName = collections.namedtuple("TensorName", ["name"])


class LiteRtSession:
    """Runs a LiteRT model's `serving_default` signature like an onnxruntime session.

    Uses the interpreter of the `ai-edge-litert` package (NumPy, no
    TensorFlow); where that package is missing, TensorFlow's own
    `tf.lite.Interpreter` runs the same file. The signature resizes its
    inputs to each call's batch.

    Args:
        path: `str` or `pathlib.Path` of a `.tflite` file written by
            `ganzoo.export.litert.export_litert`.

    Raises:
        ValueError: if the file has no `serving_default` signature.
    """

    SIGNATURE = "serving_default"

    def __init__(self, path):
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            import tensorflow as tf

            Interpreter = tf.lite.Interpreter  # noqa: N806
        interpreter = Interpreter(model_path=str(path))
        signatures = interpreter.get_signature_list()
        if self.SIGNATURE not in signatures:
            raise ValueError(
                f"'{path}' has signatures {sorted(signatures)}; expected '{self.SIGNATURE}'."
            )
        self._runner = interpreter.get_signature_runner(self.SIGNATURE)
        self._inputs = list(signatures[self.SIGNATURE]["inputs"])
        self._outputs = list(signatures[self.SIGNATURE]["outputs"])

    def get_inputs(self):
        """list of objects with a `name`, one per input."""
        return [TensorName(name) for name in self._inputs]

    def get_outputs(self):
        """list of objects with a `name`, one per output."""
        return [TensorName(name) for name in self._outputs]

    def run(self, output_names, feed):
        """list of NumPy arrays, the outputs named by `output_names` for `feed`."""
        outputs = self._runner(**feed)
        return [outputs[name] for name in output_names]
