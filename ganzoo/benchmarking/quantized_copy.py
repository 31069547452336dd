"""`quantized_copy`: an export's ONNX graph quantized to int8 in a scratch copy, for comparison.

`ganzoo.export.quantize_int8` writes one int8 copy (`model.int8.onnx`) into
an export. A benchmark that compares several quantization methods of one
export gives each its own copy of the export (manifest and float32 ONNX
graph, no SavedModel) and quantizes that, leaving the export as it was. The
copies open like any export with `backend="onnxruntime_int8"`
(`ganzoo.runtime`, `ganzoo.evaluation.evaluate`). `calibration_batches`
draws the real inputs static quantization is calibrated on.
"""

import json
import pathlib
import shutil

from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.manifest import example_inputs
from ganzoo.export.manifest import read_manifest


def quantized_copy(export_dir, output_dir, method, calibration_inputs, calibration):
    """Copies an export's manifest and ONNX graph and adds `quantize_int8`'s int8 graph.

    Args:
        export_dir: an export directory with `manifest.json` and its ONNX file.
        output_dir: directory to create; must not exist.
        method: `"dynamic"` or `"static"` (see `ganzoo.export.quantize_int8`).
        calibration_inputs: a list of input dicts (see `calibration_batches`).
        calibration: str describing them, for the copy's manifest.

    Returns:
        `pathlib.Path` of `output_dir`, whose manifest names the int8 graph
        under `files.onnx_int8`.

    Raises:
        FileExistsError: if `output_dir` exists.
        ValueError: as `quantize_int8` (unknown method, bad calibration inputs).
    """
    from ganzoo.export import quantize_int8

    export_dir = pathlib.Path(export_dir)
    output_dir = pathlib.Path(output_dir)
    manifest = read_manifest(export_dir / MANIFEST_FILE_NAME)
    output_dir.mkdir(parents=True)
    for name in (MANIFEST_FILE_NAME, manifest["files"]["onnx"]):
        shutil.copy2(export_dir / name, output_dir / name)
    quantize_int8(output_dir, calibration_inputs, calibration=calibration, method=method)
    return output_dir


def calibration_batches(
    export_dir, unpaired_data_dir=None, num_batches=8, batch_size=32, seed=1_000
):
    """Real inputs to calibrate static quantization with.

    Generators get standard-normal `z` (their real input distribution) and
    cycling labels (`ganzoo.export.manifest.example_inputs`). A translator
    gets the first training images of its source domain from the unpaired
    folders (`recipes/make_unpaired_fashion_mnist.py`), or, when they are
    missing, inputs drawn as for a generator (uniform noise images).

    Args:
        export_dir: an export directory.
        unpaired_data_dir: optional folders of a translator's dataset, with
            the `dataset.json` that names their domains.
        num_batches: int, batches.
        batch_size: int, rows per batch.
        seed: int; batch `i` of drawn inputs uses `seed + i`. Use another
            seed than the evaluation's, so calibration never sees the
            evaluated inputs.

    Returns:
        `(batches, description)`: a list of `num_batches` input dicts of
        `batch_size` rows, and a str saying what they are.
    """
    manifest = read_manifest(pathlib.Path(export_dir) / MANIFEST_FILE_NAME)
    count = num_batches * batch_size
    if manifest["task"] == TRANSLATION_TASK:
        split = domain_split(unpaired_data_dir, manifest["source_domain"], "train")
        if split is not None:
            from ganzoo.data import load_unpaired_images

            images = load_unpaired_images(
                manifest["dataset"],
                split,
                data_dir=unpaired_data_dir,
                image_size=manifest["image_shape"][0],
                take=count,
            )
            name = manifest["inputs"][0]["name"]
            batches = [
                {name: images[start : start + batch_size]} for start in range(0, count, batch_size)
            ]
            return batches, f"{count} training images of {split} ({manifest['source_domain']})"
    batches = [
        example_inputs(manifest, batch_size, seed=seed + index) for index in range(num_batches)
    ]
    return batches, f"{count} inputs drawn as for the timing (seed {seed})"


def domain_split(unpaired_data_dir, domain, prefix):
    """The unpaired folder of a named domain: `"<prefix>A"` or `"<prefix>B"`, or None.

    Args:
        unpaired_data_dir: folders written by
            `recipes/make_unpaired_fashion_mnist.py`, or None.
        domain: str, a domain name of a translator's manifest (any case), or None.
        prefix: `"train"` or `"test"`.

    Returns:
        str, or None when the folders, their `dataset.json` or the domain are
        missing.
    """
    if unpaired_data_dir is None or domain is None:
        return None
    info_path = pathlib.Path(unpaired_data_dir) / "dataset.json"
    if not info_path.is_file():
        return None
    domains = json.loads(info_path.read_text())["domains"]
    for letter in ("A", "B"):
        if domains[letter]["name"].lower() == domain.lower():
            return f"{prefix}{letter}"
    return None
