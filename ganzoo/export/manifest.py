"""Write and read `manifest.json`, the description of an exported model.

This module imports neither TensorFlow nor Keras: `ganzoo.runtime`
reads manifests where only NumPy and onnxruntime are installed.

A manifest is a JSON object with these keys (shapes use `null` for dynamic
dimensions):

- `format_version`: int, currently 1.
- `name`: str, the export's name (its directory name).
- `task`: str, `"unconditional_image_generation"`,
  `"conditional_image_generation"`, `"image_classification"` or
  `"image_to_image_translation"`.
- `inputs` / `outputs`: lists of `{"name", "shape", "dtype", ...}`; a latent
  input adds `"distribution": "standard_normal"`, an image tensor adds
  `"value_range": [-1, 1]` and `"layout": "NHWC"`.
- `image_shape`: `[height, width, channels]` of the generated or classified
  images (for a translator: the size it was trained at; it takes others).
- generators only: `latent_dim`, int.
- conditional generators also: `num_classes`, int; `class_names`, list of
  `num_classes` distinct str indexed by label. Their `label` input adds
  `"range": [0, num_classes - 1]`.
- classifiers only: `class_names`, list of str indexed by label;
  `feature_dim`, int, the size of the `features` output; `test_accuracy`,
  float in `[0, 1]` or null.
- image translators only: `size_multiple`, int, the number height and width
  must be multiples of; `min_size`, int, the smallest height and width the
  network takes (a multiple of `size_multiple`); `source_domain` and
  `target_domain`, str or null.

Input contracts: every input entry gives its shape and dtype; `z` must be
finite, `label` within its `range`, images finite and within their
`value_range` (and, for translators, sides multiples of `size_multiple` and at
least `min_size`). The SavedModel enforces these with in-graph assertions;
the ONNX and LiteRT graphs cannot, so `ganzoo.runtime` checks them in NumPy.
- `dataset`: str or null; `training_config`: JSON object.
- `versions`: package versions at export time.
- `parity`: `{"batch_sizes", "tolerance", "max_abs_diff": {"saved_model",
  "onnx"[, "litert"]}}`, the differences measured against the in-memory
  network, one per format written.
- `files`: `{"saved_model": "saved_model", "onnx": "model.onnx"[, "litert":
  "model.tflite"], "extra": [...]}`, relative to the export directory.
- `created`: UTC time of the export, ISO 8601.
"""

import datetime
import importlib.metadata
import json
import pathlib
import platform
import sys

import numpy as np

import ganzoo
from ganzoo.files import atomic_output

FORMAT_VERSION = 1
MANIFEST_FILE_NAME = "manifest.json"
UNCONDITIONAL_TASK = "unconditional_image_generation"
CONDITIONAL_TASK = "conditional_image_generation"
CLASSIFICATION_TASK = "image_classification"
TRANSLATION_TASK = "image_to_image_translation"

# Module name -> distributions that may provide it, first match wins.
_VERSIONED_PACKAGES = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
    "keras": ("keras",),
    "tf2onnx": ("tf2onnx",),
    "onnx": ("onnx",),
    "onnxruntime": ("onnxruntime", "onnxruntime-gpu"),
    "numpy": ("numpy",),
}
_REQUIRED_KEYS = (
    "format_version",
    "name",
    "task",
    "inputs",
    "outputs",
    "image_shape",
    "dataset",
    "training_config",
    "versions",
    "parity",
    "files",
    "created",
)
# Keys a task adds; every task not listed is a generator's and adds `latent_dim`.
_TASK_KEYS = {
    CLASSIFICATION_TASK: ("class_names", "feature_dim", "test_accuracy"),
    CONDITIONAL_TASK: ("latent_dim", "num_classes", "class_names"),
    TRANSLATION_TASK: ("size_multiple", "min_size", "source_domain", "target_domain"),
}
_GENERATOR_KEYS = ("latent_dim",)


def package_versions():
    """Versions of Python, the export stack and ganzoo, without importing them.

    A module that is already imported reports its `__version__`; otherwise the
    installed distribution's metadata is read.

    Returns:
        dict mapping `"python"`, `"tensorflow"`, `"keras"`, `"tf2onnx"`,
        `"onnx"`, `"onnxruntime"`, `"numpy"` and `"ganzoo"` to a version
        string, or to None for a package that is not installed.
    """
    versions = {"python": platform.python_version()}
    for module_name, distributions in _VERSIONED_PACKAGES.items():
        versions[module_name] = _installed_version(module_name, distributions)
    versions["ganzoo"] = ganzoo.__version__
    return versions


def build_manifest(
    *,
    name,
    inputs,
    outputs,
    image_shape,
    parity,
    files,
    task=UNCONDITIONAL_TASK,
    latent_dim=None,
    class_names=None,
    num_classes=None,
    feature_dim=None,
    test_accuracy=None,
    size_multiple=None,
    min_size=None,
    source_domain=None,
    target_domain=None,
    dataset=None,
    training_config=None,
    onnx_opset=None,
):
    """Assemble and validate a manifest dictionary.

    Args:
        name: str, the export's name.
        inputs: list of dicts `{"name", "shape", "dtype", ...}`.
        outputs: list of dicts `{"name", "shape", "dtype", ...}`.
        image_shape: sequence of 3 positive ints, `(height, width, channels)`.
        parity: dict `{"batch_sizes": [int], "tolerance": float,
            "max_abs_diff": {"saved_model": float, "onnx": float}}`.
        files: dict with at least `"saved_model"` and `"onnx"` relative paths.
        task: str, the task name.
        latent_dim: int > 0, size of the latent vector `z`; required for
            generator tasks, not stored for `"image_classification"`.
        class_names: for `"image_classification"`: sequence of at least two
            distinct class names, indexed by label; for
            `"conditional_image_generation"`: `num_classes` distinct names.
        num_classes: for `"conditional_image_generation"`: int > 0, the
            number of labels the generator takes.
        feature_dim: for `"image_classification"`: int > 0, the size of
            the `features` output.
        test_accuracy: for `"image_classification"`: float in `[0, 1]`, the
            accuracy on the dataset's test split, or None if not measured.
        size_multiple: for `"image_to_image_translation"`: int > 0, what
            height and width must be multiples of.
        min_size: for `"image_to_image_translation"`: int, a positive
            multiple of `size_multiple`, the smallest height and width.
        source_domain, target_domain: for `"image_to_image_translation"`:
            str or None, the names of the input and output domains.
        dataset: str or None, the training dataset's name.
        training_config: dict of JSON-serializable values, or None for `{}`.
        onnx_opset: optional int, recorded as `onnx_opset`.

    Returns:
        dict ready for `write_manifest`, with `format_version`, `versions` and
        `created` (current UTC time) filled in.

    Raises:
        ValueError: if a field is missing or malformed (see
            `validate_manifest`).
    """
    if task == CLASSIFICATION_TASK:
        task_fields = {
            "class_names": None if class_names is None else list(class_names),
            "feature_dim": feature_dim,
            "test_accuracy": test_accuracy,
        }
    elif task == CONDITIONAL_TASK:
        task_fields = {
            "latent_dim": latent_dim,
            "num_classes": num_classes,
            "class_names": None if class_names is None else list(class_names),
        }
    elif task == TRANSLATION_TASK:
        task_fields = {
            "size_multiple": size_multiple,
            "min_size": min_size,
            "source_domain": source_domain,
            "target_domain": target_domain,
        }
    else:
        task_fields = {"latent_dim": latent_dim}
    manifest = {
        "format_version": FORMAT_VERSION,
        "name": name,
        "task": task,
        "inputs": [dict(entry) for entry in inputs],
        "outputs": [dict(entry) for entry in outputs],
        **task_fields,
        "image_shape": list(image_shape),
        "dataset": dataset,
        "training_config": {} if training_config is None else dict(training_config),
        "versions": package_versions(),
        "parity": parity,
        "files": dict(files),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    if onnx_opset is not None:
        manifest["onnx_opset"] = onnx_opset
    validate_manifest(manifest)
    return manifest


def write_manifest(manifest, path):
    """Validate `manifest` and write it as JSON, atomically.

    The JSON goes to a temporary file beside `path` that is then renamed over
    it (`ganzoo.files.atomic_output`), so readers see either the old file or
    the complete new one.

    Args:
        manifest: dict, e.g. from `build_manifest`.
        path: `str` or `pathlib.Path` of the file to write (usually
            `<export>/manifest.json`); missing parent directories are created.

    Returns:
        `pathlib.Path` of the written file.

    Raises:
        ValueError: if the manifest is malformed or holds NaN or infinity.
        TypeError: if a value (e.g. in `training_config`) is not JSON
            serializable.
    """
    validate_manifest(manifest)
    try:
        text = json.dumps(manifest, indent=2, allow_nan=False) + "\n"
    except TypeError as error:
        raise TypeError(
            f"The manifest holds a value that JSON cannot store: {error}. "
            "Pass `training_config` values as str, int, float, bool, None, "
            "list or dict."
        ) from error
    path = pathlib.Path(path)
    with atomic_output(path) as temporary:
        pathlib.Path(temporary).write_text(text, encoding="utf-8")
    return path


def read_manifest(path):
    """Read and validate a manifest file.

    Args:
        path: `str` or `pathlib.Path` of a `manifest.json` file.

    Returns:
        dict, the validated manifest.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if the file is not valid JSON, not a JSON object, or
            misses or malforms a required field; the message names the path
            and every problem found.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No manifest file at '{path}'.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"Malformed manifest '{path}': not valid JSON ({error}).") from error
    try:
        validate_manifest(manifest)
    except ValueError as error:
        raise ValueError(f"Malformed manifest '{path}': {error}") from None
    return manifest


def validate_manifest(manifest):
    """Check a manifest's required keys and their types.

    Args:
        manifest: the decoded manifest, expected to be a dict.

    Raises:
        ValueError: naming every missing or malformed field, or an unsupported
            `format_version`.
    """
    if not isinstance(manifest, dict):
        raise ValueError(f"a manifest must be a JSON object, got {type(manifest).__name__}.")
    task_keys = _TASK_KEYS.get(manifest.get("task"), _GENERATOR_KEYS)
    missing = [key for key in (*_REQUIRED_KEYS, *task_keys) if key not in manifest]
    if missing:
        # Name the task when it is what asks for the key, e.g. a manifest whose
        # task was changed to "conditional_image_generation" without `num_classes`.
        task_missing = [key for key in missing if key in task_keys]
        for_task = f" (the task {manifest['task']!r} needs {task_missing})" if task_missing else ""
        raise ValueError(f"missing required keys {missing}{for_task}.")
    problems = []
    version = manifest["format_version"]
    if not _is_int(version):
        problems.append(f"`format_version` must be an int, got {version!r}")
    elif version != FORMAT_VERSION:
        problems.append(
            f"`format_version` {version} is not supported; this ganzoo "
            f"({ganzoo.__version__}) reads version {FORMAT_VERSION}"
        )
    for key in ("name", "task", "created"):
        if not isinstance(manifest[key], str) or not manifest[key]:
            problems.append(f"`{key}` must be a non-empty string")
    for key in ("inputs", "outputs"):
        problems.extend(_tensor_list_problems(key, manifest[key]))
    if manifest["task"] == CLASSIFICATION_TASK:
        problems.extend(_classification_problems(manifest))
    elif manifest["task"] == TRANSLATION_TASK:
        problems.extend(_translation_problems(manifest))
    else:
        if manifest["task"] == CONDITIONAL_TASK:
            problems.extend(_conditional_problems(manifest))
        latent_dim = manifest["latent_dim"]
        if not _is_int(latent_dim) or latent_dim < 1:
            problems.append(f"`latent_dim` must be a positive int, got {latent_dim!r}")
    image_shape = manifest["image_shape"]
    if not (
        isinstance(image_shape, list)
        and len(image_shape) == 3
        and all(_is_int(size) and size > 0 for size in image_shape)
    ):
        problems.append(
            f"`image_shape` must be [height, width, channels] of positive ints, got {image_shape!r}"
        )
    if manifest["dataset"] is not None and not isinstance(manifest["dataset"], str):
        problems.append(f"`dataset` must be a string or null, got {manifest['dataset']!r}")
    for key in ("training_config", "versions"):
        if not isinstance(manifest[key], dict):
            problems.append(f"`{key}` must be an object")
    problems.extend(_parity_problems(manifest["parity"]))
    files = manifest["files"]
    if not isinstance(files, dict):
        problems.append("`files` must be an object")
    else:
        for key in ("saved_model", "onnx"):
            if not isinstance(files.get(key), str) or not files.get(key):
                problems.append(f"`files.{key}` must be a non-empty string")
    if problems:
        raise ValueError("; ".join(problems) + ".")


def _classification_problems(manifest):
    problems = []
    class_names = manifest["class_names"]
    if (
        not isinstance(class_names, list)
        or len(class_names) < 2
        or not all(isinstance(name, str) and name for name in class_names)
        or len(set(class_names)) != len(class_names)
    ):
        problems.append(
            f"`class_names` must be a list of at least two distinct non-empty strings, "
            f"got {class_names!r}"
        )
    feature_dim = manifest["feature_dim"]
    if not _is_int(feature_dim) or feature_dim < 1:
        problems.append(f"`feature_dim` must be a positive int, got {feature_dim!r}")
    accuracy = manifest["test_accuracy"]
    if accuracy is not None and not (_is_number(accuracy) and 0.0 <= accuracy <= 1.0):
        problems.append(f"`test_accuracy` must be a number in [0, 1] or null, got {accuracy!r}")
    return problems


def _translation_problems(manifest):
    problems = []
    size_multiple = manifest["size_multiple"]
    if not _is_int(size_multiple) or size_multiple < 1:
        problems.append(f"`size_multiple` must be a positive int, got {size_multiple!r}")
    else:
        min_size = manifest["min_size"]
        if not _is_int(min_size) or min_size < 1 or min_size % size_multiple:
            problems.append(
                f"`min_size` must be a positive multiple of `size_multiple` ({size_multiple}), "
                f"got {min_size!r}"
            )
    for key in ("source_domain", "target_domain"):
        if manifest[key] is not None and not isinstance(manifest[key], str):
            problems.append(f"`{key}` must be a string or null, got {manifest[key]!r}")
    return problems


def _conditional_problems(manifest):
    num_classes = manifest["num_classes"]
    if not _is_int(num_classes) or num_classes < 1:
        return [f"`num_classes` must be a positive int, got {num_classes!r}"]
    class_names = manifest["class_names"]
    if (
        not isinstance(class_names, list)
        or len(class_names) != num_classes
        or not all(isinstance(name, str) and name for name in class_names)
        or len(set(class_names)) != len(class_names)
    ):
        return [
            f"`class_names` must be a list of {num_classes} (`num_classes`) distinct "
            f"non-empty strings, got {class_names!r}"
        ]
    return []


def _tensor_list_problems(key, entries):
    if not isinstance(entries, list) or not entries:
        return [f"`{key}` must be a non-empty list"]
    problems = []
    for index, entry in enumerate(entries):
        where = f"`{key}[{index}]`"
        if not isinstance(entry, dict):
            problems.append(f"{where} must be an object")
            continue
        for field in ("name", "dtype"):
            if not isinstance(entry.get(field), str) or not entry.get(field):
                problems.append(f"{where}.{field} must be a non-empty string")
        shape = entry.get("shape")
        if not isinstance(shape, list) or not all(
            size is None or (_is_int(size) and size >= 0) for size in shape
        ):
            problems.append(f"{where}.shape must be a list of ints or nulls, got {shape!r}")
    return problems


def _parity_problems(parity):
    if not isinstance(parity, dict):
        return ["`parity` must be an object"]
    problems = []
    batch_sizes = parity.get("batch_sizes")
    if not isinstance(batch_sizes, list) or not all(
        _is_int(size) and size > 0 for size in batch_sizes
    ):
        problems.append("`parity.batch_sizes` must be a list of positive ints")
    if not _is_number(parity.get("tolerance")):
        problems.append("`parity.tolerance` must be a number")
    max_abs_diff = parity.get("max_abs_diff")
    if not isinstance(max_abs_diff, dict) or not all(
        _is_number(max_abs_diff.get(key)) for key in ("saved_model", "onnx")
    ):
        problems.append("`parity.max_abs_diff` must hold numbers `saved_model` and `onnx`")
    return problems


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _installed_version(module_name, distributions):
    module = sys.modules.get(module_name)
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    for distribution in distributions:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def example_inputs(manifest, batch_size, seed=0):
    """One batch of inputs that follows an export's contract, from its manifest.

    For timing, calibration and tests: the values are drawn as the inputs
    are described, not taken from data.

    Args:
        manifest: dict, an export manifest (`ganzoo.export.manifest`).
        batch_size: int >= 1.
        seed: int, seeds the latents and images.

    Returns:
        dict mapping each input name to a NumPy array: standard-normal
        float32 latents, int32 labels `0, 1, ..., num_classes - 1, 0, ...`,
        or float32 images uniform in the input's value range at the
        manifest's `image_shape` (where height and width are dynamic).

    Raises:
        ValueError: for an input none of these describe.
    """
    rng = np.random.default_rng(seed)
    inputs = {}
    for spec in manifest["inputs"]:
        if spec.get("distribution") == "standard_normal":
            inputs[spec["name"]] = rng.standard_normal(
                (batch_size, *spec["shape"][1:]), dtype=np.float32
            )
        elif "range" in spec:
            low, high = spec["range"]
            labels = low + np.arange(batch_size) % (high - low + 1)
            inputs[spec["name"]] = labels.astype(spec["dtype"])
        elif "value_range" in spec:
            low, high = spec["value_range"]
            shape = [
                size if size is not None else manifest["image_shape"][axis]
                for axis, size in enumerate(spec["shape"][1:])
            ]
            inputs[spec["name"]] = rng.uniform(low, high, (batch_size, *shape)).astype(
                spec["dtype"]
            )
        else:
            raise ValueError(f"Cannot make values for the input {spec!r}.")
    return inputs
