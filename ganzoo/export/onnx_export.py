"""`OnnxExport`: an export directory opened for onnxruntime inference.

NumPy and onnxruntime only; `OnnxGenerator` and `OnnxClassifier` build on it.
"""

import pathlib

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
