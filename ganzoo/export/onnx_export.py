"""`OnnxExport`: an export directory opened for onnxruntime inference.

NumPy and onnxruntime only; `OnnxGenerator` and `OnnxClassifier` build on it.
"""

import pathlib

import numpy as np
import onnxruntime

from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import read_manifest


class OnnxExport:
    """Reads `manifest.json`, opens the ONNX model it names, checks they agree.

    Args:
        directory: `str` or `pathlib.Path` of an export directory.
        task: the manifest `task` this runtime serves.
        providers: optional list of onnxruntime execution providers; defaults
            to `["CPUExecutionProvider"]`.

    Raises:
        FileNotFoundError: if the directory, its manifest or its ONNX file is
            missing (the message names the path).
        ValueError: if the manifest is malformed, is for another task, or its
            input/output names differ from the ONNX graph's.
    """

    def __init__(self, directory, task, providers=None):
        directory = pathlib.Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"No export directory at '{directory}'.")
        manifest = read_manifest(directory / MANIFEST_FILE_NAME)
        if manifest["task"] != task:
            raise ValueError(
                f"'{directory}' holds a '{manifest['task']}' export; {type(self).__name__} "
                f"runs '{task}' exports only."
            )
        model_path = directory / manifest["files"]["onnx"]
        if not model_path.is_file():
            raise FileNotFoundError(f"No ONNX model at '{model_path}'.")
        session = onnxruntime.InferenceSession(
            str(model_path), providers=providers or ["CPUExecutionProvider"]
        )
        input_names = [entry["name"] for entry in manifest["inputs"]]
        output_names = sorted(entry["name"] for entry in manifest["outputs"])
        session_inputs = [node.name for node in session.get_inputs()]
        session_outputs = sorted(node.name for node in session.get_outputs())
        if session_inputs != input_names or session_outputs != output_names:
            raise ValueError(
                f"'{model_path}' has inputs {session_inputs} and outputs {session_outputs}, "
                f"but the manifest names inputs {input_names} and outputs {output_names}."
            )
        self._directory = directory
        self._manifest = manifest
        self._session = session

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
        """tuple `(height, width, channels)` of the images produced or taken."""
        return tuple(self._manifest["image_shape"])

    # Images per onnxruntime call: the graph's activations for one chunk, not
    # for the whole request, are what memory has to hold.
    CHUNK_SIZE = 500

    def _check_latents(self, z, latent_dim):
        """Raises unless `z` is a finite float32 array `(num_samples, latent_dim)`."""
        if not isinstance(z, np.ndarray):
            raise TypeError(f"`z` must be a NumPy array of dtype float32. Received: {type(z)}.")
        if z.dtype != np.float32:
            raise TypeError(
                f"`z` must have dtype float32. Received dtype: {z.dtype}. "
                "Convert it with `z.astype(np.float32)`."
            )
        if z.ndim != 2 or z.shape[1] != latent_dim:
            raise ValueError(
                f"`z` must have shape (num_samples, {latent_dim}). Received shape: {z.shape}."
            )
        if not np.isfinite(z).all():
            rows = np.flatnonzero(~np.isfinite(z).all(axis=1))
            raise ValueError(
                f"`z` must be finite: rows {rows[:5].tolist()} hold NaN or infinity "
                f"({len(rows)} rows in all); they would give NaN images."
            )

    def _run_in_chunks(self, output_name, feeds, output_shape):
        """Runs the session on `CHUNK_SIZE` rows at a time into one float32 array."""
        num_samples = len(next(iter(feeds.values())))
        images = np.empty((num_samples, *output_shape), dtype=np.float32)
        for start in range(0, num_samples, self.CHUNK_SIZE):
            chunk = {name: value[start : start + self.CHUNK_SIZE] for name, value in feeds.items()}
            (images[start : start + self.CHUNK_SIZE],) = self._session.run([output_name], chunk)
        return images
