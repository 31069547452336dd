"""`InferenceBackend`: one way of running an export, and the bare callable that runs it.

The runners call the runtime directly, as a serving process would: the
SavedModel's `serving_default` signature (NumPy in through `tf.constant`,
NumPy out), or an `onnxruntime.InferenceSession` on `CPUExecutionProvider`
with the backend's session options. They skip `ganzoo.runtime`'s input
checks on purpose, so a timing measures the runtime and nothing of ours.
TensorFlow and onnxruntime are imported only by the runner that needs them,
so a process that runs onnxruntime never imports TensorFlow.
"""

import dataclasses
import pathlib

RUNTIMES = ("saved_model", "onnxruntime")
OPTIMIZATION_LEVELS = ("all", "extended", "basic")


@dataclasses.dataclass(frozen=True)
class InferenceBackend:
    """One way of running an export.

    Attributes:
        runtime: `"saved_model"` or `"onnxruntime"`.
        model: `"float32"` (the export's own files) or the name of another
            ONNX file of it, such as `"int8 dynamic"` / `"int8 static"`
            (onnxruntime only); `make_runner` looks it up in `onnx_paths`.
        threads: int, 0 for the runtime's default. For onnxruntime the
            session's `intra_op_num_threads`; for TensorFlow both its intra-
            and inter-op thread counts (set before the SavedModel is loaded).
        spinning: bool, onnxruntime only: `session.intra_op.allow_spinning`
            (worker threads busy-wait for work; on by default).
        optimization_level: onnxruntime only: `"all"` (the default, with
            the NCHWc layout transformer), `"extended"` or `"basic"`.

    Raises:
        ValueError: for an unknown runtime or optimization level.

    Example:

    >>> InferenceBackend("onnxruntime", "int8 static", threads=1).name
    'onnxruntime int8 static (1 thread)'
    """

    runtime: str
    model: str = "float32"
    threads: int = 0
    spinning: bool = True
    optimization_level: str = "all"

    def __post_init__(self):
        if self.runtime not in RUNTIMES:
            raise ValueError(f"`runtime` must be one of {RUNTIMES}. Received: {self.runtime!r}.")
        if self.optimization_level not in OPTIMIZATION_LEVELS:
            raise ValueError(
                f"`optimization_level` must be one of {OPTIMIZATION_LEVELS}. "
                f"Received: {self.optimization_level!r}."
            )

    @property
    def name(self):
        """str, the backend as the reports name it, e.g. `"onnxruntime (no spinning)"`."""
        if self.runtime == "saved_model":
            name = "SavedModel"
        else:
            name = "onnxruntime" if self.model == "float32" else f"onnxruntime {self.model}"
        options = []
        if self.threads:
            options.append(f"{self.threads} thread" + ("s" if self.threads > 1 else ""))
        if not self.spinning:
            options.append("no spinning")
        if self.optimization_level != "all":
            options.append(f"ORT_ENABLE_{self.optimization_level.upper()}")
        return name + (f" ({', '.join(options)})" if options else "")


def make_runner(backend, export_dir, onnx_paths, manifest):
    """A callable `inputs dict -> output array` for `backend` on an export.

    Args:
        backend: an `InferenceBackend`.
        export_dir: the export directory (its SavedModel for `"saved_model"`).
        onnx_paths: dict mapping `InferenceBackend.model` to an ONNX file;
            only onnxruntime backends read it.
        manifest: the export's manifest; the runner returns its first output.

    Returns:
        callable taking a dict of NumPy input arrays and returning the first
        output as a NumPy array.

    Raises:
        KeyError: if `onnx_paths` has no file for an onnxruntime backend's model.
    """
    if backend.runtime == "saved_model":
        return _saved_model_runner(export_dir, manifest, backend.threads)
    return _onnxruntime_runner(onnx_paths[backend.model], manifest, backend)


def _saved_model_runner(export_dir, manifest, threads):
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    loaded = tf.saved_model.load(str(pathlib.Path(export_dir) / manifest["files"]["saved_model"]))
    signature = loaded.signatures["serving_default"]
    output_name = manifest["outputs"][0]["name"]

    def run(inputs):
        outputs = signature(**{name: tf.constant(value) for name, value in inputs.items()})
        return outputs[output_name].numpy()

    # Keep the loaded object alive as long as its signature is used.
    run.loaded = loaded
    return run


def _onnxruntime_runner(onnx_path, manifest, backend):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = backend.threads
    if not backend.spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = getattr(
        onnxruntime.GraphOptimizationLevel, f"ORT_ENABLE_{backend.optimization_level.upper()}"
    )
    session = onnxruntime.InferenceSession(
        str(onnx_path), options, providers=["CPUExecutionProvider"]
    )
    output_name = manifest["outputs"][0]["name"]

    def run(inputs):
        return session.run([output_name], inputs)[0]

    return run
