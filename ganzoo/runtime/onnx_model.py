"""`OnnxModel`: an export directory opened for onnxruntime (or LiteRT) inference.

NumPy and onnxruntime (or the LiteRT interpreter) only. Every runtime of
`ganzoo.runtime` builds on this class: it opens the ONNX (or LiteRT) file
that `manifest.json` names, checks the two agree, and checks every input
against the manifest's contract (name, dtype, shape, value range) before
the network sees it.
"""

import pathlib

import numpy as np

from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import read_manifest
from ganzoo.images import check_image_values
from ganzoo.runtime.lite_rt_session import LiteRtSession

BACKENDS = {"onnxruntime": "onnx", "onnxruntime_int8": "onnx_int8", "litert": "litert"}
"""What runs the network, and the manifest `files` key of the file it runs:
onnxruntime on `model.onnx`, onnxruntime on the int8 copy
(`ganzoo.export.quantize_int8`), or the LiteRT interpreter on `model.tflite`
(exports written with `formats=[..., "litert"]`)."""
HOW_TO_ADD = {
    "onnx_int8": "add it with ganzoo.export.quantize_int8",
    "litert": "export it with formats=[..., 'litert']",
}


class OnnxModel:
    """An export directory opened with onnxruntime, its inputs checked by its manifest.

    Subclasses set `TASK` (the manifest `task` they serve) and may set
    `INPUT_NAMES` and `OUTPUT_NAMES` (the manifest's names, checked at load);
    their public methods call `check_inputs` and `run`.

    What `check_inputs` enforces, for each manifest input entry:
    - a NumPy array (`TypeError` otherwise);
    - float32 for `"dtype": "float32"` (not cast; `TypeError`, with the
      scaling hint for uint8 pixels); any integer dtype for an int32 input,
      converted to int32 (floats and bools are refused, not rounded);
    - the rank and every fixed dimension of `"shape"`, one batch size across
      inputs, and for image inputs of a manifest with `size_multiple` /
      `min_size` heights and widths that are multiples of it and no smaller;
    - finite values; `"value_range": [-1, 1]` through
      `ganzoo.images.check_image_values` (which names the `[0, 255]` or
      `[0, 1]` mistake); `"range": [low, high]` for integer inputs.

    Args:
        directory: `str` or `pathlib.Path` of an export directory.
        providers: optional list of onnxruntime execution providers; defaults
            to `["CPUExecutionProvider"]`.
        backend: `"onnxruntime"` (default, `model.onnx`),
            `"onnxruntime_int8"` (`model.int8.onnx`, see
            `ganzoo.export.quantize_int8`) or `"litert"` (`model.tflite` in
            the LiteRT interpreter of the `ai-edge-litert` package, which
            needs NumPy and no TensorFlow).

    Raises:
        FileNotFoundError: if the directory, its manifest or the backend's
            model file is missing (the message names the path).
        ValueError: if the manifest is malformed, is for another task, names
            inputs or outputs other than `INPUT_NAMES` / `OUTPUT_NAMES`, or
            its input/output names differ from the ONNX graph's.
    """

    TASK = None
    """str, the manifest task this runtime serves; set by subclasses."""

    INPUT_NAMES = None
    """tuple of str (in any order) the manifest must list as inputs; None: any."""

    OUTPUT_NAMES = None
    """tuple of str (in any order) the manifest must list as outputs; None: any."""

    CHUNK_SIZE = 500
    """Rows per onnxruntime call in `run`: memory holds one chunk's activations."""

    def __init__(self, directory, providers=None, backend="onnxruntime"):
        directory = pathlib.Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"No export directory at '{directory}'.")
        manifest = read_manifest(directory / MANIFEST_FILE_NAME)
        if manifest["task"] != self.TASK:
            raise ValueError(
                f"'{directory}' holds a '{manifest['task']}' export; {type(self).__name__} "
                f"runs '{self.TASK}' exports only."
            )
        input_names = [entry["name"] for entry in manifest["inputs"]]
        output_names = sorted(entry["name"] for entry in manifest["outputs"])
        for kind, names, expected in (
            ("inputs", input_names, self.INPUT_NAMES),
            ("outputs", output_names, self.OUTPUT_NAMES),
        ):
            if expected is not None and sorted(names) != sorted(expected):
                raise ValueError(
                    f"'{directory}' manifest lists {kind} {sorted(names)}; "
                    f"{type(self).__name__} expects {kind} {sorted(expected)}."
                )
        if backend not in BACKENDS:
            raise ValueError(f"`backend` must be one of {sorted(BACKENDS)}. Received: {backend!r}.")
        file_key = BACKENDS[backend]
        if file_key not in manifest["files"]:
            raise FileNotFoundError(
                f"'{directory}' has no {file_key} file (its manifest lists "
                f"{sorted(manifest['files'])}); {HOW_TO_ADD[file_key]}."
            )
        model_path = directory / manifest["files"][file_key]
        if not model_path.is_file():
            raise FileNotFoundError(f"No {file_key} model at '{model_path}'.")
        if backend != "litert":
            import onnxruntime

            session = onnxruntime.InferenceSession(
                str(model_path), providers=providers or ["CPUExecutionProvider"]
            )
        else:
            session = LiteRtSession(model_path)
        session_inputs = [node.name for node in session.get_inputs()]
        session_outputs = sorted(node.name for node in session.get_outputs())
        if sorted(session_inputs) != sorted(input_names) or session_outputs != output_names:
            raise ValueError(
                f"'{model_path}' has inputs {session_inputs} and outputs {session_outputs}, "
                f"but the manifest names inputs {input_names} and outputs {output_names}."
            )
        self._directory = directory
        self._manifest = manifest
        self._session = session
        self._input_specs = {entry["name"]: entry for entry in manifest["inputs"]}
        self._output_specs = {entry["name"]: entry for entry in manifest["outputs"]}

    @property
    def directory(self):
        """`pathlib.Path` of the export directory."""
        return self._directory

    @property
    def manifest(self):
        """dict, the export's validated manifest (a copy is not made)."""
        return self._manifest

    @property
    def image_shape(self):
        """tuple `(height, width, channels)` of the images produced or taken
        (`None` for a fully convolutional translator's height and width)."""
        return tuple(self._manifest["image_shape"])

    def check_inputs(self, arrays, *, batch_name="batch", refuse_unit_range=False):
        """Checks arrays against the manifest's inputs; returns the feeds to run.

        Args:
            arrays: dict from manifest input name to `(argument, value)`:
                the name the caller's argument has (used in messages) and the
                value passed.
            batch_name: str, what the messages call the batch dimension
                (`"num_samples"`, `"num_images"`, `"batch"`).
            refuse_unit_range: bool; refuse `[-1, 1]` images with no negative
                value (data scaled to `[0, 1]`), see
                `ganzoo.images.check_image_values`.

        Returns:
            dict from input name to the NumPy array to feed (integer inputs
            converted to int32; float inputs are the arrays passed).

        Raises:
            TypeError: if a value is not a NumPy array or has the wrong dtype.
            ValueError: if a name is not one of the manifest's inputs, or a
                shape, a batch size or a value breaks the contract (the
                message names the argument, what was received and what was
                expected).
        """
        unknown = sorted(set(arrays) - set(self._input_specs))
        if unknown:
            raise ValueError(
                f"'{self._directory}' has no inputs {unknown}; its inputs are "
                f"{sorted(self._input_specs)}."
            )
        feeds = {}
        batch_sizes = {}
        for name, (argument, value) in arrays.items():
            spec = self._input_specs[name]
            value = self._check_dtype(argument, value, spec)
            self._check_shape(argument, value, spec, batch_name)
            batch_sizes[argument] = value.shape[0]
            self._check_values(argument, value, spec, refuse_unit_range)
            feeds[name] = value
        if len(set(batch_sizes.values())) > 1:
            sizes = ", ".join(f"`{argument}` {size}" for argument, size in batch_sizes.items())
            raise ValueError(f"The inputs must have the same number of rows. Received {sizes}.")
        return feeds

    def run(self, output_names, feeds, chunk_size=None):
        """Runs the session `chunk_size` rows at a time; returns float32 arrays.

        Args:
            output_names: list of manifest output names to compute.
            feeds: dict from input name to checked arrays (`check_inputs`),
                all with the same number of rows.
            chunk_size: optional int >= 1, rows per onnxruntime call (bounds
                memory, not the results); defaults to `CHUNK_SIZE`.

        Returns:
            list of NumPy arrays, one per output name, each with the rows of
            every chunk in order. With zero rows, empty arrays of the
            manifest's shape (a dimension it leaves open is 0) are returned
            without running the session.
        """
        chunk_size = chunk_size or self.CHUNK_SIZE
        num_rows = len(next(iter(feeds.values())))
        if num_rows == 0:
            # onnxruntime is not asked for zero rows: some kernels (Pad) refuse them.
            return [
                np.empty(
                    [0, *(size or 0 for size in self._output_specs[name]["shape"][1:])],
                    dtype=self._output_specs[name]["dtype"],
                )
                for name in output_names
            ]
        outputs = None
        for start in range(0, num_rows, chunk_size):
            chunk = {name: value[start : start + chunk_size] for name, value in feeds.items()}
            results = self._session.run(output_names, chunk)
            if outputs is None:
                outputs = [
                    np.empty((num_rows, *result.shape[1:]), dtype=result.dtype)
                    for result in results
                ]
            for output, result in zip(outputs, results, strict=True):
                output[start : start + len(result)] = result
        return outputs

    # === Checks, one per property of the contract ===

    @staticmethod
    def _check_dtype(argument, value, spec):
        expected = spec["dtype"]
        if not isinstance(value, np.ndarray):
            raise TypeError(
                f"`{argument}` must be a NumPy array of dtype {expected}. "
                f"Received: {type(value).__name__}."
            )
        if expected == "int32":
            if not np.issubdtype(value.dtype, np.integer):
                raise TypeError(
                    f"`{argument}` must be integer class indices. Received dtype: "
                    f"{value.dtype}. Float labels are not rounded; convert them explicitly."
                )
            return value.astype(np.int32)
        if value.dtype != np.dtype(expected):
            if value.dtype == np.uint8 and "value_range" in spec:
                hint = " Scale uint8 pixels with `x.astype(np.float32) / 127.5 - 1`."
            else:
                hint = f" Convert it with `{argument}.astype(np.{expected})`."
            raise TypeError(
                f"`{argument}` must have dtype {expected}. Received dtype: {value.dtype}.{hint}"
            )
        return value

    def _check_shape(self, argument, value, spec, batch_name):
        shape = spec["shape"]
        spatial = len(shape) == 4 and "value_range" in spec
        names = [batch_name]
        for axis, size in enumerate(shape[1:], start=1):
            if size is not None:
                names.append(str(size))
            elif spatial and axis in (1, 2):
                names.append(("height", "width")[axis - 1])
            else:
                names.append("None")
        expected = f"({', '.join(names)}{',' if len(names) == 1 else ''})"
        fits = value.ndim == len(shape) and all(
            size is None or value.shape[axis] == size for axis, size in enumerate(shape)
        )
        size_multiple = self._manifest.get("size_multiple")
        min_size = self._manifest.get("min_size")
        if spatial and size_multiple and min_size is not None:
            if fits:
                heights_and_widths = value.shape[1:3]
                fits = all(
                    size % size_multiple == 0 and size >= min_size for size in heights_and_widths
                )
            if not fits:
                raise ValueError(
                    f"`{argument}` must have shape {expected} with height and width "
                    f"multiples of {size_multiple} and at least {min_size}. "
                    f"Received shape {value.shape}."
                )
        if not fits:
            raise ValueError(
                f"`{argument}` must have shape {expected}. Received shape: {value.shape}."
            )

    @staticmethod
    def _check_values(argument, value, spec, refuse_unit_range):
        if "value_range" in spec:
            check_image_values(value, argument=argument, refuse_unit_range=refuse_unit_range)
        elif np.issubdtype(value.dtype, np.floating) and value.size:
            finite = np.isfinite(value).reshape(len(value), -1).all(axis=1)
            if not finite.all():
                rows = np.flatnonzero(~finite)
                raise ValueError(
                    f"`{argument}` must be finite: rows {rows[:5].tolist()} hold NaN or "
                    f"infinity ({len(rows)} rows in all); they would give NaN outputs."
                )
        if "range" in spec and value.size:
            low, high = spec["range"]
            outside = (value < low) | (value > high)
            if outside.any():
                bad = sorted({int(label) for label in value[outside]})
                raise ValueError(
                    f"Every `{argument}` value must be in [{low}, {high}]. Received "
                    f"out-of-range values {bad} at positions {np.flatnonzero(outside).tolist()}."
                )
