"""int8 copies of an export's ONNX graph, calibrated on real inputs, beside `model.onnx`.

NumPy and onnxruntime only (`onnxruntime.quantization`); no TensorFlow.
"""

import json
import pathlib

import numpy as np

from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import read_manifest
from ganzoo.export.manifest import write_manifest
from ganzoo.files import atomic_output

INT8_FILE_NAME = "model.int8.onnx"
INT8_FILES_KEY = "onnx_int8"
METHODS = ("static", "dynamic")
# Static quantization wraps only the ops that carry weights in Q/DQ pairs.
# Quantizing every op as well (the quantizer's default) put Q/DQ pairs around
# each elementwise op of the CycleGAN generators' instance normalization: on
# 64 test sneakers that doubled the mean absolute difference to float32
# (0.043 against 0.022) and was slower still.
STATIC_OP_TYPES = ("Conv", "ConvTranspose", "MatMul")


def quantize_int8(export_dir, calibration_inputs, *, calibration, method="static", overwrite=False):
    """Writes `model.int8.onnx` into an export and records it in the manifest.

    `"static"` is `onnxruntime.quantization.quantize_static`: QDQ format,
    int8 per-channel weights and uint8 activations for the ops in
    `STATIC_OP_TYPES`, ranges from the min and max over `calibration_inputs`.
    `"dynamic"` is `quantize_dynamic` (int8 weights, activations quantized at
    run time; no calibration). The float32 graph and the SavedModel are left
    as they are. The manifest gains `files.onnx_int8` and an `int8` entry:
    the method, the calibration description and row count, and the largest
    and mean absolute difference to the float32 graph on the calibration
    inputs. Run the copy with `ganzoo.runtime`'s `backend="onnxruntime_int8"`;
    measure its quality cost (e.g. domain FID) before shipping it.

    The quantized file is written beside the manifest under a temporary name
    and renamed, and the manifest is replaced atomically after it: bad inputs
    or a failed quantization leave the export as it was, and a failed
    manifest write removes a new int8 file again.

    Args:
        export_dir: `str` or `pathlib.Path` of an export with `manifest.json`
            and its ONNX file.
        calibration_inputs: list of dicts from input name to NumPy array, each
            a batch the export's contract accepts (real data: images of the
            training split for a translator or classifier, standard-normal `z`
            for a generator). At least one batch; `"dynamic"` uses them only
            to measure the difference.
        calibration: str, what the calibration inputs are, for the manifest
            (e.g. `"256 training images of trainA (sneaker)"`).
        method: `"static"` or `"dynamic"`.
        overwrite: bool; replace an existing int8 copy.

    Returns:
        dict, the manifest's new `int8` entry.

    Raises:
        ValueError: for an unknown method, no calibration batches, inputs the
            manifest's contract refuses (see `ganzoo.runtime.OnnxModel`), or
            a description that is not a non-empty string.
        FileExistsError: if the export has an int8 copy and `overwrite` is False.
        FileNotFoundError: if the export or its ONNX file is missing.
    """
    from onnxruntime.quantization import CalibrationDataReader
    from onnxruntime.quantization import CalibrationMethod
    from onnxruntime.quantization import QuantFormat
    from onnxruntime.quantization import QuantType
    from onnxruntime.quantization import quantize_dynamic
    from onnxruntime.quantization import quantize_static

    from ganzoo.runtime import RUNTIME_CLASSES

    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}. Received: {method!r}.")
    if not isinstance(calibration, str) or not calibration:
        raise ValueError(f"`calibration` must describe the inputs. Received: {calibration!r}.")
    if not calibration_inputs:
        raise ValueError("`calibration_inputs` must hold at least one batch.")
    export_dir = pathlib.Path(export_dir)
    manifest = read_manifest(export_dir / MANIFEST_FILE_NAME)
    if INT8_FILES_KEY in manifest["files"] and not overwrite:
        raise FileExistsError(
            f"'{export_dir}' already has an int8 copy "
            f"({manifest['files'][INT8_FILES_KEY]}); pass overwrite=True to replace it."
        )
    runtime = RUNTIME_CLASSES[manifest["task"]](export_dir)
    input_names = sorted(entry["name"] for entry in manifest["inputs"])
    for batch in calibration_inputs:
        if not isinstance(batch, dict) or sorted(batch) != input_names:
            received = sorted(batch) if isinstance(batch, dict) else type(batch).__name__
            raise ValueError(
                f"Each calibration batch must be a dict of every input {input_names}. "
                f"Received: {received}."
            )
    feeds = [
        runtime.check_inputs({name: (name, value) for name, value in batch.items()})
        for batch in calibration_inputs
    ]
    source = export_dir / manifest["files"]["onnx"]
    target = export_dir / INT8_FILE_NAME
    with atomic_output(target) as temporary:
        if method == "dynamic":
            quantize_dynamic(source, temporary, weight_type=QuantType.QInt8)
        else:

            class Reader(CalibrationDataReader):
                def __init__(self):
                    self._batches = iter(feeds)

                def get_next(self):
                    return next(self._batches, None)

            quantize_static(
                source,
                temporary,
                Reader(),
                quant_format=QuantFormat.QDQ,
                op_types_to_quantize=list(STATIC_OP_TYPES),
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax,
            )
        largest, mean = _difference(runtime, temporary, feeds)
    entry = {
        "method": method,
        "format": "QDQ" if method == "static" else "QOperator",
        "op_types": list(STATIC_OP_TYPES) if method == "static" else None,
        "calibration": calibration,
        "calibration_rows": int(sum(len(next(iter(feed.values()))) for feed in feeds)),
        "max_abs_diff_vs_float32": largest,
        "mean_abs_diff_vs_float32": mean,
    }
    updated = json.loads(json.dumps(manifest))
    updated["files"][INT8_FILES_KEY] = INT8_FILE_NAME
    updated["int8"] = entry
    try:
        write_manifest(updated, export_dir / MANIFEST_FILE_NAME)
    except BaseException:
        if INT8_FILES_KEY not in manifest["files"]:
            target.unlink(missing_ok=True)
        raise
    return entry


def _difference(runtime, int8_path, feeds):
    """Largest and mean |int8 - float32| over every output and batch.

    The float32 outputs come from `runtime`, the export already opened for
    the input checks; only the int8 graph gets a session of its own.
    """
    import onnxruntime

    int8 = onnxruntime.InferenceSession(str(int8_path), providers=["CPUExecutionProvider"])
    names = [output["name"] for output in runtime.manifest["outputs"]]
    largest, total, count = 0.0, 0.0, 0
    for feed in feeds:
        reference = runtime.run(names, feed)
        for expected, actual in zip(reference, int8.run(names, feed), strict=True):
            difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
            largest = max(largest, float(difference.max(initial=0.0)))
            total += float(difference.sum())
            count += difference.size
    return largest, total / max(count, 1)
