"""`ExportFormat`: one artifact format of an export, written and run the same way for every task.

An export writes each of its formats into the staging directory, runs each
on the parity inputs, and lists each under the manifest's `files` and
`parity.max_abs_diff`. Adding a format is one `ExportFormat` here:

- `saved_model`: `saved_model/`, TensorFlow's SavedModel (with the task's
  in-graph input checks), run through its `serving_default` signature.
- `onnx`: `model.onnx` (tf2onnx), run in onnxruntime.
- `litert`: `model.tflite` (TensorFlow's LiteRT converter, builtin ops), run
  in the LiteRT interpreter (`ganzoo.runtime.lite_rt_session.LiteRtSession`).

`saved_model` and `onnx` are in every export: the manifest, `ganzoo.runtime`
and `ganzoo.export.add_input_checks` read them.
"""

import dataclasses
from collections.abc import Callable

REQUIRED_FORMATS = ("saved_model", "onnx")


@dataclasses.dataclass(frozen=True)
class ExportFormat:
    """How one artifact format is written and run.

    Attributes:
        name: str, the key in the manifest's `files` and `parity.max_abs_diff`.
        file_name: str, the file or directory written inside the export.
        write: callable `(network, path, input_signature, output_names,
            input_checks) -> pathlib.Path`.
        runner: callable `(path) -> run`, where `run(feed)` maps a dict of
            input name to NumPy array to a dict of output name to NumPy array.
    """

    name: str
    file_name: str
    write: Callable
    runner: Callable


def _write_saved_model(network, path, input_signature, output_names, input_checks):
    from ganzoo.export.saved_model import export_saved_model

    return export_saved_model(
        network, path, input_signature, output_names=output_names, input_checks=input_checks
    )


def _saved_model_runner(path):
    import tensorflow as tf

    from ganzoo.export.saved_model import DEFAULT_SIGNATURE

    signature = tf.saved_model.load(str(path)).signatures[DEFAULT_SIGNATURE]

    def run(feed):
        outputs = signature(**{name: tf.constant(value) for name, value in feed.items()})
        return {name: value.numpy() for name, value in outputs.items()}

    return run


def _write_onnx(network, path, input_signature, output_names, input_checks):
    from ganzoo.export.onnx import DEFAULT_OPSET
    from ganzoo.export.onnx import export_onnx

    # ONNX has no assertion op: ganzoo.runtime checks the inputs in NumPy.
    del input_checks
    return export_onnx(
        network, path, input_signature, output_names=output_names, opset=DEFAULT_OPSET
    )


def _onnx_runner(path):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    output_names = [output.name for output in session.get_outputs()]

    def run(feed):
        return dict(zip(output_names, session.run(output_names, dict(feed)), strict=True))

    return run


def _write_litert(network, path, input_signature, output_names, input_checks):
    from ganzoo.export.litert import export_litert

    # LiteRT has no assertion op either.
    del input_checks
    return export_litert(network, path, input_signature, output_names=output_names)


def _litert_runner(path):
    from ganzoo.runtime.lite_rt_session import LiteRtSession

    session = LiteRtSession(path)
    output_names = [output.name for output in session.get_outputs()]

    def run(feed):
        return dict(zip(output_names, session.run(output_names, feed), strict=True))

    return run


FORMATS = {
    export_format.name: export_format
    for export_format in (
        ExportFormat("saved_model", "saved_model", _write_saved_model, _saved_model_runner),
        ExportFormat("onnx", "model.onnx", _write_onnx, _onnx_runner),
        ExportFormat("litert", "model.tflite", _write_litert, _litert_runner),
    )
}
"""Every format an export can write, by name."""


def check_formats(formats):
    """Returns the `ExportFormat`s named by `formats`, in the order given.

    Args:
        formats: sequence of format names, keys of `FORMATS`; must include
            `"saved_model"` and `"onnx"`.

    Raises:
        TypeError: if `formats` is not a sequence of strings.
        ValueError: if a name is unknown or repeated, or a required format is
            missing.
    """
    if isinstance(formats, (str, bytes)) or not all(isinstance(name, str) for name in formats):
        raise TypeError(
            f"`formats` must be a sequence of format names from {sorted(FORMATS)}. "
            f"Received: {formats!r}."
        )
    formats = list(formats)
    unknown = [name for name in formats if name not in FORMATS]
    missing = [name for name in REQUIRED_FORMATS if name not in formats]
    if unknown or missing or len(set(formats)) != len(formats):
        raise ValueError(
            f"`formats` must name each format once, from {sorted(FORMATS)}, and include "
            f"{list(REQUIRED_FORMATS)} (the manifest and ganzoo.runtime read them). "
            f"Received: {formats}."
        )
    return [FORMATS[name] for name in formats]
