"""Measure how far exported artifacts drift from the in-memory network."""

import numpy as np


class ParityError(ValueError):
    """An exported artifact disagrees with the in-memory network.

    Attributes:
        max_abs_diff: dict mapping format name (`"saved_model"`, `"onnx"`,
            `"litert"`) to the largest absolute difference measured, a
            Python float.
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


def measure_parity(feeds, references, artifacts):
    """Run exported artifacts on fixed inputs and compare with references.

    Each artifact is opened by its format's runner
    (`ganzoo.export.export_format.FORMATS`): the SavedModel through its
    `serving_default` signature, the ONNX file in onnxruntime, the LiteRT
    file in the LiteRT interpreter; inputs are passed by name.

    Args:
        feeds: sequence of dicts, one per batch, mapping input name to a NumPy
            array of the exported dtype and shape `(batch, ...)`.
        references: sequence of dicts, one per entry of `feeds`, mapping
            output name to the in-memory network's NumPy output.
        artifacts: dict from format name (`"saved_model"`, `"onnx"`,
            `"litert"`) to the path of that artifact.

    Returns:
        dict from format name to the largest absolute difference over all
        batches and outputs, a Python float (NaN if any output is NaN).

    Raises:
        ValueError: if `feeds` and `references` differ in length, or a format
            name is unknown.
        ParityError: if an artifact returns a different set of outputs or an
            output of a different shape than the reference.
    """
    from ganzoo.export.export_format import FORMATS

    if len(feeds) != len(references):
        raise ValueError(f"Got {len(feeds)} feeds but {len(references)} reference outputs.")
    unknown = sorted(set(artifacts) - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown formats {unknown}; known: {sorted(FORMATS)}.")
    runners = {name: FORMATS[name].runner(path) for name, path in artifacts.items()}
    max_abs_diff = dict.fromkeys(runners, 0.0)
    for feed, reference in zip(feeds, references, strict=True):
        for format_name, run in runners.items():
            diff = _max_abs_diff(format_name, run(feed), reference)
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
