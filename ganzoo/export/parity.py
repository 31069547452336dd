"""Measure how far exported artifacts drift from the in-memory network."""

import numpy as np
import onnxruntime
import tensorflow as tf

from ganzoo.export.saved_model import DEFAULT_SIGNATURE


class ParityError(ValueError):
    """An exported artifact disagrees with the in-memory network.

    Attributes:
        max_abs_diff: dict mapping format name (`"saved_model"`, `"onnx"`) to
            the largest absolute difference measured, a Python float.
        tolerance: float, the largest difference that was allowed.

    Example:

    >>> error = ParityError("onnx drifted", max_abs_diff={"onnx": 0.5},
    ...                     tolerance=1e-4)
    >>> isinstance(error, ValueError), error.max_abs_diff["onnx"]
    (True, 0.5)
    """

    def __init__(self, message, *, max_abs_diff, tolerance):
        super().__init__(message)
        self.max_abs_diff = dict(max_abs_diff)
        self.tolerance = tolerance


def measure_parity(feeds, references, saved_model_dir, onnx_path, *, providers=None):
    """Run exported artifacts on fixed inputs and compare with references.

    The SavedModel is reloaded with `tf.saved_model.load` and called through
    its `serving_default` signature (inputs by name); the ONNX file runs in an
    `onnxruntime.InferenceSession`.

    Args:
        feeds: sequence of dicts, one per batch, mapping input name to a NumPy
            array of the exported dtype and shape `(batch, ...)`.
        references: sequence of dicts, one per entry of `feeds`, mapping
            output name to the in-memory network's NumPy output.
        saved_model_dir: path of the SavedModel directory.
        onnx_path: path of the `.onnx` file.
        providers: onnxruntime execution providers; defaults to
            `["CPUExecutionProvider"]`.

    Returns:
        dict `{"saved_model": float, "onnx": float}`: the largest absolute
        difference over all batches and outputs (NaN if any output is NaN).

    Raises:
        ValueError: if `feeds` and `references` differ in length.
        ParityError: if an artifact returns a different set of outputs or an
            output of a different shape than the reference.
    """
    if len(feeds) != len(references):
        raise ValueError(f"Got {len(feeds)} feeds but {len(references)} reference outputs.")
    signature = tf.saved_model.load(str(saved_model_dir)).signatures[DEFAULT_SIGNATURE]
    session = onnxruntime.InferenceSession(
        str(onnx_path), providers=providers or ["CPUExecutionProvider"]
    )
    onnx_output_names = [output.name for output in session.get_outputs()]
    max_abs_diff = {"saved_model": 0.0, "onnx": 0.0}
    for feed, reference in zip(feeds, references, strict=True):
        tensors = {name: tf.constant(value) for name, value in feed.items()}
        saved_model_outputs = {name: value.numpy() for name, value in signature(**tensors).items()}
        onnx_outputs = dict(
            zip(
                onnx_output_names,
                session.run(onnx_output_names, dict(feed)),
                strict=True,
            )
        )
        for format_name, outputs in (
            ("saved_model", saved_model_outputs),
            ("onnx", onnx_outputs),
        ):
            diff = _max_abs_diff(format_name, outputs, reference)
            max_abs_diff[format_name] = _nan_max(max_abs_diff[format_name], diff)
    return max_abs_diff


def _max_abs_diff(format_name, outputs, reference):
    if sorted(outputs) != sorted(reference):
        raise ParityError(
            f"The {format_name} artifact returns outputs {sorted(outputs)}, "
            f"expected {sorted(reference)}.",
            max_abs_diff={format_name: float("inf")},
            tolerance=None,
        )
    largest = 0.0
    for name, expected in reference.items():
        actual = np.asarray(outputs[name])
        expected = np.asarray(expected)
        if actual.shape != expected.shape:
            raise ParityError(
                f"The {format_name} output '{name}' has shape {actual.shape}, "
                f"expected {expected.shape}.",
                max_abs_diff={format_name: float("inf")},
                tolerance=None,
            )
        if actual.size:
            difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
            largest = _nan_max(largest, float(np.max(difference)))
    return largest


def _nan_max(first, second):
    """Max of two floats that keeps NaN, so a NaN output can never pass."""
    if np.isnan(first) or np.isnan(second):
        return float("nan")
    return max(first, second)
