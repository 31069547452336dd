"""The steps every export shares: argument checks, staging, parity, publishing.

`ganzoo.export.export_plan.ExportPlan.write` runs them in order for every
task; the task exporters use the network checks:

- `check_*`: validate the common arguments before any slow conversion, and
  (`check_generated_images`) a generator's output.
- `symbolic_inputs`, `single_float32_input`: validate the network's inputs.
- `export_directory`: resolve the target and refuse to clobber it silently.
- `staged_export`: build in a hidden temporary directory beside the target
  and rename it into place only if the block succeeds.
- `check_parity`: raise `ParityError` when an artifact drifted too far.
"""

import contextlib
import json
import os
import pathlib
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from collections.abc import Sequence

import keras
import numpy as np

from ganzoo.export.export_format import FORMATS
from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.parity import ParityError
from ganzoo.files import apply_default_permissions

RESERVED_NAMES = (*(fmt.file_name for fmt in FORMATS.values()), MANIFEST_FILE_NAME)


def check_training_config(training_config):
    """Fail before the conversions if the manifest could not store the config.

    Raises:
        TypeError: if `training_config` is not None or a dict of JSON values.
    """
    if training_config is None:
        return
    if not isinstance(training_config, Mapping):
        raise TypeError(
            f"`training_config` must be a dict. Received: {training_config!r} of type "
            f"{type(training_config)}."
        )
    try:
        json.dumps(dict(training_config), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"`training_config` must hold only JSON values (str, int, float, bool, None, "
            f"list, dict; no NaN): {error}."
        ) from error


def check_parity_batch_sizes(batch_sizes):
    """Return the parity batch sizes as a list of Python ints.

    Raises:
        ValueError: if `batch_sizes` is not a non-empty sequence of positive ints.
    """
    if (
        isinstance(batch_sizes, (str, bytes))
        or not isinstance(batch_sizes, Sequence)
        or not batch_sizes
        or not all(
            isinstance(size, (int, np.integer)) and not isinstance(size, bool) and size > 0
            for size in batch_sizes
        )
    ):
        raise ValueError(
            "`parity_batch_sizes` must be a non-empty sequence of positive ints. "
            f"Received: {batch_sizes!r}."
        )
    return [int(size) for size in batch_sizes]


def check_tolerance(tolerance):
    """Return `tolerance` as a float.

    Raises:
        TypeError: if `tolerance` is not a number.
        ValueError: if it is negative, infinite or NaN.
    """
    if isinstance(tolerance, bool) or not isinstance(
        tolerance, (int, float, np.floating, np.integer)
    ):
        raise TypeError(f"`tolerance` must be a number. Received: {tolerance!r}.")
    tolerance = float(tolerance)
    if not 0.0 <= tolerance < float("inf"):
        raise ValueError(f"`tolerance` must be a finite number >= 0. Received: {tolerance}.")
    return tolerance


def check_seed(seed):
    """Raise `TypeError` unless `seed` is an int or None."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"`seed` must be an int or None. Received: {seed!r}.")


def check_dataset(dataset):
    """Raise `TypeError` unless `dataset` is a string or None."""
    if dataset is not None and not isinstance(dataset, str):
        raise TypeError(f"`dataset` must be a string or None. Received: {dataset!r}.")


def check_extra_files(extra_files):
    """Validate `extra_files` and return `{name: source pathlib.Path}`.

    Raises:
        TypeError: if `extra_files` is not None or a mapping.
        ValueError: if a name has a directory part or is written by the export.
        FileNotFoundError: if a source is not a file.
    """
    if extra_files is None:
        return {}
    if not isinstance(extra_files, Mapping):
        raise TypeError(
            "`extra_files` must map destination file names to source paths. "
            f"Received: {extra_files!r} of type {type(extra_files)}."
        )
    validated = {}
    for destination, source in extra_files.items():
        if (
            not isinstance(destination, str)
            or destination in ("", ".", "..")
            or pathlib.PurePath(destination).name != destination
            or "/" in destination
            or "\\" in destination
        ):
            raise ValueError(
                "Each `extra_files` key must be a plain file name without a "
                f"directory part. Received: {destination!r}."
            )
        if destination in RESERVED_NAMES:
            raise ValueError(
                f"`extra_files` may not overwrite '{destination}'; the names "
                f"{list(RESERVED_NAMES)} are written by the export."
            )
        source = pathlib.Path(source)
        if not source.is_file():
            raise FileNotFoundError(
                f"`extra_files['{destination}']` source is not a file: '{source}'."
            )
        validated[destination] = source
    return validated


def export_directory(directory, overwrite):
    """Return the absolute export directory, checking that it may be written.

    Raises:
        ValueError: if `directory` names no directory (e.g. `"/"`).
        FileExistsError: if it exists and is not a directory, or exists and
            `overwrite` is False.
    """
    directory = pathlib.Path(os.path.abspath(directory))
    if not directory.name:
        raise ValueError(f"`directory` must name a directory. Received: {directory}.")
    if directory.exists() and not directory.is_dir():
        raise FileExistsError(f"Export path exists and is not a directory: '{directory}'.")
    if directory.exists() and not overwrite:
        raise FileExistsError(
            f"Export directory already exists: '{directory}'. Pass overwrite=True to replace it."
        )
    return directory


@contextlib.contextmanager
def staged_export(directory):
    """Yield a hidden staging directory that replaces `directory` on success.

    The staging directory (`.<name>.tmp-*`) sits beside `directory`, so the
    final rename stays on one file system. If the block raises, the staging
    directory is deleted and `directory` is left as it was.

    What an export killed midway left beside `directory` is cleaned first
    (`clean_leftovers`): its staging directories are deleted, and a previous
    export it had renamed aside (`.<name>.old-*`) is put back when
    `directory` is missing.

    Args:
        directory: absolute `pathlib.Path` of the export (see
            `export_directory`); its parent is created if missing.

    Yields:
        `pathlib.Path` of the empty staging directory.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(directory)
    staging = pathlib.Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.tmp-"))
    apply_default_permissions(staging)
    try:
        yield staging
        publish(staging, directory)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def clean_leftovers(directory):
    """Removes what an interrupted export to `directory` left beside it.

    A process killed while staging leaves `.<name>.tmp-*`; one killed inside
    `publish`, between its two renames, leaves the previous export as
    `.<name>.old-*` and no `directory`. Staging directories are deleted;
    the newest retired export is renamed back when `directory` is missing,
    and the other retired ones are deleted.

    Args:
        directory: absolute `pathlib.Path` of the export.

    Returns:
        list of the `pathlib.Path`s removed or restored.
    """
    parent = directory.parent
    if not parent.is_dir():
        return []
    staged = sorted(parent.glob(f".{directory.name}.tmp-*"))
    retired = sorted(parent.glob(f".{directory.name}.old-*"), key=lambda path: path.stat().st_mtime)
    if retired and not directory.exists():
        os.replace(retired.pop(), directory)
    for path in staged + retired:
        shutil.rmtree(path, ignore_errors=True)
    return staged + retired


def symbolic_inputs(model, *, role, first_input_name):
    """Return the symbolic inputs of a functional network.

    Args:
        model: the network to export.
        role: `"generator"`, `"classifier"`, ... for the messages.
        first_input_name: the name of its (first) expected input, for the hint
            in the message.

    Returns:
        non-empty list of `keras.KerasTensor`, the network's inputs in order.

    Raises:
        TypeError: if `model` is not a `keras.Model`.
        ValueError: if it has no symbolic inputs (e.g. an unbuilt subclass).
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`{role}` must be a `keras.Model` network (not a training "
            f"wrapper). Received: {model!r} of type {type(model)}."
        )
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            f"The {role} '{model.name}' has no symbolic inputs. Build it as a functional "
            f'model starting from `keras.Input(..., name="{first_input_name}")`.'
        )
    return list(inputs)


def single_float32_input(model, *, role, input_name, shape_text):
    """Validate a network with one float32 input and return its shape without batch.

    Args:
        model: the network to export.
        role: `"generator"`, `"classifier"`, ... for the messages.
        input_name: the name the input must have (it becomes the exported name).
        shape_text: the expected shape in words, e.g. `"(None, latent_dim)"`;
            its number of comma-separated entries is the required rank.

    Returns:
        tuple of ints: the input's shape after the (dynamic) batch dimension.

    Raises:
        TypeError: if `model` is not a `keras.Model`.
        ValueError: if it has no symbolic inputs, not exactly one input named
            `input_name`, a dtype other than float32, another rank, a fixed
            batch dimension or an unknown non-batch dimension.
    """
    inputs = symbolic_inputs(model, role=role, first_input_name=input_name)
    if len(inputs) != 1 or inputs[0].name != input_name:
        raise ValueError(
            f"A {role} must have exactly one input, named '{input_name}'. "
            f"Received inputs named {[tensor.name for tensor in inputs]}."
        )
    dtype = keras.backend.standardize_dtype(inputs[0].dtype)
    if dtype != "float32":
        raise ValueError(
            f"The {role}'s input '{input_name}' must be float32. Received dtype: {dtype}."
        )
    shape = tuple(inputs[0].shape)
    rank = shape_text.count(",") + 1
    if len(shape) != rank or shape[0] is not None or not all(shape[1:]):
        raise ValueError(
            f"The {role}'s input '{input_name}' must have shape {shape_text} with fixed "
            f"sizes after the batch dimension. Received shape: {shape}."
        )
    return tuple(int(size) for size in shape[1:])


def check_generated_images(images, batch_size):
    """Check a generator's NumPy output for one parity batch.

    Args:
        images: NumPy array returned by the in-memory generator.
        batch_size: int, the number of latents it was given.

    Raises:
        ValueError: if `images` is not float32 of shape `(batch_size, height,
            width, channels)` with every value in `[-1, 1]` (NaN fails).
    """
    if images.ndim != 4 or images.shape[0] != batch_size:
        raise ValueError(
            "The generator must return images of shape (batch, height, width, "
            f"channels). For a batch of {batch_size} it returned shape "
            f"{images.shape}."
        )
    if images.dtype != np.float32:
        raise ValueError(
            f"The generator must return float32 images. Received dtype: "
            f"{images.dtype}. Under mixed precision give its last layer "
            'dtype="float32".'
        )
    if not np.all((images >= -1.0) & (images <= 1.0)):
        raise ValueError(
            "The generator must return images in [-1, 1] (end it with tanh). "
            f"Received values in [{np.nanmin(images)}, {np.nanmax(images)}]"
            f"{' with NaN' if np.isnan(images).any() else ''}."
        )


def image_tensor_entry(name, image_shape):
    """The manifest entry of an NHWC float32 image tensor in `[-1, 1]`."""
    return {
        "name": name,
        "shape": [None, *image_shape],
        "dtype": "float32",
        "value_range": [-1.0, 1.0],
        "layout": "NHWC",
    }


def check_parity(max_abs_diff, tolerance, *, subject, details):
    """Raise `ParityError` unless every artifact is within `tolerance`.

    Args:
        max_abs_diff: dict from format name to the largest difference, from
            `ganzoo.export.parity.measure_parity`; NaN never passes.
        tolerance: float, the largest difference allowed.
        subject: str naming the network, e.g. `"generator"`.
        details: str describing the parity inputs, for the message.
    """
    if all(difference <= tolerance for difference in max_abs_diff.values()):
        return
    differences = ", ".join(f"{name}={value:.3g}" for name, value in max_abs_diff.items())
    raise ParityError(
        f"The exported {subject} disagrees with the in-memory {subject}: "
        f"max |difference| {differences} over {details}, tolerance {tolerance:.3g}.",
        max_abs_diff=max_abs_diff,
        tolerance=tolerance,
    )


def copy_extra_files(extra_files, staging):
    """Copy validated `extra_files` (`{name: Path}`) into `staging`."""
    for destination, source in extra_files.items():
        shutil.copyfile(source, staging / destination)


def publish(staging, directory):
    """Rename the finished `staging` directory to `directory`.

    An existing `directory` is first renamed aside, then deleted once the new
    one is in place; if the final rename fails, the old one is put back.
    """
    if not directory.exists():
        os.replace(staging, directory)
        return
    retired = directory.with_name(f".{directory.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(directory, retired)
    try:
        os.replace(staging, directory)
    except BaseException:
        os.replace(retired, directory)
        raise
    shutil.rmtree(retired, ignore_errors=True)
