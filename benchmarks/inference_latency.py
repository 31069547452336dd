"""Inference latency, throughput and memory of every exported generator: SavedModel vs onnxruntime.

    python benchmarks/inference_latency.py  # -> benchmarks/results/inference_latency.{md,jsonl}
    python benchmarks/inference_latency.py --investigate  # + onnxruntime/TF thread settings
    python benchmarks/inference_latency.py --exports exported/dcgan_fashion_mnist \\
        --num-samples 2000 --seconds 5 --no-memory

For each export directory (default: `EXPORTS`), at each batch size (1 and
64), one process times these backends on the same inputs:

- `SavedModel`: `tf.saved_model.load(<export>/saved_model)` and its
  `serving_default` signature, NumPy in (through `tf.constant`) and NumPy out,
  as a TF Serving or plain TensorFlow user would call it;
- `onnxruntime`: an `InferenceSession` of `model.onnx` on
  `CPUExecutionProvider` with default session options;
- `onnxruntime int8 dynamic`: the same on `model.onnx` quantized by
  `ganzoo.export.quantize_int8(method="dynamic")`, i.e.
  `onnxruntime.quantization.quantize_dynamic` (int8 weights, activations
  quantized at run time; the defaults of that call);
- `onnxruntime int8 static`: `quantize_int8(method="static")`, i.e.
  `quantize_static` in QDQ format, per-channel
  int8 weights, uint8 activations with MinMax ranges from `CALIBRATION_BATCHES`
  batches of real inputs (standard-normal `z` and cycling labels for
  generators, training images of the source domain for translators), only
  the weight-carrying ops in `ganzoo.export.quantization.STATIC_OP_TYPES`.

Inputs follow the manifest: `z ~ N(0, I)`, labels `0, 1, ..., num_classes -
1, 0, ...`, images uniform in `[-1, 1]` at the manifest's `image_shape`
(the training size of a translator). After `--warmup` untimed calls each,
the backends take turns in rounds, one block each in a rotated order (ABCD,
BCDA, ...), so background load falls on all of them alike; at least
`--rounds` rounds, more until `--seconds` have passed. A block is a pause,
one untimed call, then back-to-back timed calls for about `--block-seconds`.
The pause matters: both runtimes keep their worker threads spinning for a
while after a call, and without it the threads of one backend took CPU time
from the next (in one measurement on a loaded machine, onnxruntime's
batch-64 DCGAN calls took 2.4x as long interleaved without pauses as with
them). The table gives the median and
90th percentile of the call times, images per second at the median, and the
speed-up against the SavedModel: the median over rounds of `SavedModel block
median / backend block median` (above 1: faster than the SavedModel).

Peak memory: each (export, backend) in its own process that imports only its
runtime (onnxruntime processes never import TensorFlow), loads the model and
runs `--memory-calls` calls at the largest batch size; the peak resident
set at the end (`VmHWM`, what `ru_maxrss` reports for a process started from
a small parent) is the memory a serving process needs.

Cost of int8: `ganzoo.evaluation.evaluate` (FID, KID, precision/recall, label
accuracy on the domain classifier's features) on `--num-samples` samples of
the float32 and of each int8 model with the same seed, and, for a pair of
translators (G: X -> Y and F: Y -> X), `ganzoo.metrics.translation_scores`
on every test image of both domains.

`--investigate` adds float32 timings under other onnxruntime session options
(no thread spinning, one thread, lower graph-optimization levels) and a run
with TensorFlow and onnxruntime both limited to one thread.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import resource
import shutil
import sys
import tempfile
import time

import numpy as np

from ganzoo.benchmarking.machine import machine_facts
from ganzoo.benchmarking.machine import other_python_processes
from ganzoo.benchmarking.processes import current_rss_mib
from ganzoo.benchmarking.processes import peak_rss_mib
from ganzoo.benchmarking.processes import run_child
from ganzoo.benchmarking.processes import thread_count
from ganzoo.benchmarking.reports import SUMMARY_END
from ganzoo.benchmarking.reports import SUMMARY_START
from ganzoo.benchmarking.reports import existing_summary
from ganzoo.benchmarking.reports import write_jsonl
from ganzoo.export.manifest import example_inputs

REPO = pathlib.Path(__file__).resolve().parents[1]

EXPORTS = (
    "exported/dcgan_fashion_mnist",
    "exported/cgan_fashion_mnist",
    "exported/cyclegan_sneaker2boot/g_x_to_y",
    "exported/cyclegan_sneaker2boot/f_y_to_x",
)
QUANTIZATIONS = ("dynamic", "static")
CALIBRATION_BATCHES = 8
CALIBRATION_BATCH_SIZE = 32
# Different from the evaluation seed, so calibration never sees the evaluated z.
CALIBRATION_SEED = 1_000
MAX_ROUNDS = 2_000
MAX_BLOCK_CALLS = 100


@dataclasses.dataclass(frozen=True)
class Backend:
    """One way of running an export.

    Attributes:
        runtime: `"saved_model"` or `"onnxruntime"`.
        model: `"float32"` (the export's own files) or `"int8 dynamic"` /
            `"int8 static"` (onnxruntime only).
        threads: int, 0 for the runtime's default. For onnxruntime the
            session's `intra_op_num_threads`; for TensorFlow both its intra-
            and inter-op thread counts (set before the SavedModel is loaded).
        spinning: bool, onnxruntime only: `session.intra_op.allow_spinning`
            (worker threads busy-wait for work; on by default).
        optimization_level: onnxruntime only: `"all"` (the default, with
            the NCHWc layout transformer), `"extended"` or `"basic"`.
    """

    runtime: str
    model: str = "float32"
    threads: int = 0
    spinning: bool = True
    optimization_level: str = "all"

    @property
    def name(self):
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


SAVED_MODEL = Backend("saved_model")
ONNXRUNTIME = Backend("onnxruntime")
# Float32 under other settings, timed side by side with the defaults (`--investigate`).
INVESTIGATION_BACKENDS = (
    SAVED_MODEL,
    ONNXRUNTIME,
    Backend("onnxruntime", spinning=False),
    Backend("onnxruntime", threads=1),
    Backend("onnxruntime", optimization_level="extended"),
    Backend("onnxruntime", optimization_level="basic"),
)
SINGLE_THREAD_BACKENDS = (Backend("saved_model", threads=1), Backend("onnxruntime", threads=1))


def main_backends(quantizations):
    """The backends of the main table: SavedModel, onnxruntime, then each int8 model."""
    return (
        SAVED_MODEL,
        ONNXRUNTIME,
        *(Backend("onnxruntime", f"int8 {method}") for method in quantizations),
    )


def read_export_manifest(export_dir):
    """The validated `manifest.json` of an export directory (NumPy-only import)."""
    from ganzoo.export.manifest import MANIFEST_FILE_NAME
    from ganzoo.export.manifest import read_manifest

    return read_manifest(pathlib.Path(export_dir) / MANIFEST_FILE_NAME)


def quantize_export(export_dir, output_dir, method, calibration_batches, calibration):
    """An int8 variant of an export for the timing: its manifest and the int8 graph as `model.onnx`.

    The int8 graph is `ganzoo.export.quantize_int8`'s (the library feature),
    written into a scratch copy of the export; the variant directory then
    holds it under the float32 file's name, so the runtimes and the quality
    scoring open it like any export. It has no SavedModel.

    Args:
        export_dir: an export directory with `manifest.json` and its ONNX file.
        output_dir: directory to create; must not exist.
        method: `"dynamic"` or `"static"` (see `quantize_int8`).
        calibration_batches: a list of input dicts (see `calibration_batches`).
        calibration: str describing them.

    Returns:
        `pathlib.Path` of `output_dir`.
    """
    from ganzoo.export import quantize_int8

    export_dir = pathlib.Path(export_dir)
    output_dir = pathlib.Path(output_dir)
    manifest = read_export_manifest(export_dir)
    scratch = output_dir.with_name(output_dir.name + "_scratch")
    scratch.mkdir(parents=True)
    shutil.copy2(export_dir / "manifest.json", scratch / "manifest.json")
    shutil.copy2(export_dir / manifest["files"]["onnx"], scratch / manifest["files"]["onnx"])
    quantize_int8(scratch, calibration_batches, calibration=calibration, method=method)
    output_dir.mkdir(parents=True)
    shutil.copy2(export_dir / "manifest.json", output_dir / "manifest.json")
    shutil.copy2(scratch / "model.int8.onnx", output_dir / manifest["files"]["onnx"])
    shutil.rmtree(scratch)
    return output_dir


def calibration_batches(export_dir, unpaired_data_dir=None):
    """Real inputs to calibrate static quantization with.

    Generators get standard-normal `z` (their real input distribution) and
    cycling labels, seeded with `CALIBRATION_SEED`. A translator gets the
    first training images of its source domain from the unpaired folders
    (`recipes/make_unpaired_fashion_mnist.py`), or uniform noise when they
    are missing.

    Returns:
        `(batches, description)`: a list of `CALIBRATION_BATCHES` input dicts
        of `CALIBRATION_BATCH_SIZE` rows, and a str saying what they are.
    """
    from ganzoo.export.manifest import TRANSLATION_TASK

    manifest = read_export_manifest(export_dir)
    count = CALIBRATION_BATCHES * CALIBRATION_BATCH_SIZE
    if manifest["task"] == TRANSLATION_TASK:
        split = _domain_split(manifest, manifest["source_domain"], unpaired_data_dir, "train")
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
                {name: images[start : start + CALIBRATION_BATCH_SIZE]}
                for start in range(0, count, CALIBRATION_BATCH_SIZE)
            ]
            return batches, f"{count} training images of {split} ({manifest['source_domain']})"
    batches = [
        example_inputs(manifest, CALIBRATION_BATCH_SIZE, seed=CALIBRATION_SEED + index)
        for index in range(CALIBRATION_BATCHES)
    ]
    return batches, f"{count} inputs drawn as for the timing (seed {CALIBRATION_SEED})"


def _domain_split(manifest, domain, unpaired_data_dir, prefix):
    """`"<prefix>A"` or `"<prefix>B"`: the unpaired folder of a named domain, or None."""
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


def make_runner(backend, export_dir, onnx_paths, manifest):
    """A callable `inputs dict -> output array` for `backend` on an export.

    Args:
        backend: a `Backend`.
        export_dir: the export directory (SavedModel and float32 ONNX).
        onnx_paths: dict mapping `Backend.model` to an ONNX file.
        manifest: the export's manifest.
    """
    if backend.runtime == "saved_model":
        return _saved_model_runner(export_dir, manifest, backend.threads)
    return _onnxruntime_runner(onnx_paths[backend.model], manifest, backend)


@dataclasses.dataclass(frozen=True)
class Schedule:
    """How `time_backends` takes turns.

    Attributes:
        rounds: int, minimum number of rounds (one block of every backend).
        seconds: float, keep adding rounds until this much time has passed
            (at most `MAX_ROUNDS`).
        warmup: int >= 1, untimed calls of each backend before the rounds.
        block_seconds: float, target length of a block: each backend runs
            `block_seconds / (its median warm-up call)` timed calls in a row
            per round, between 1 and `MAX_BLOCK_CALLS`.
        pause: float, seconds of sleep before each block, longer than the
            runtimes' worker threads spin after their last call, so that the
            spinning threads of one backend never compete with the next.
    """

    rounds: int = 10
    seconds: float = 20.0
    warmup: int = 3
    block_seconds: float = 0.25
    pause: float = 0.05


def time_backends(runners, inputs, schedule):
    """Interleaved timing of several runners on the same inputs.

    Each round runs one block per runner, in an order rotated every round
    (ABC, BCA, CAB, ...). A block starts with a pause and one untimed call,
    which wakes the runtime's threads, then times back-to-back calls: the
    steady state of a serving process that is busy.

    Args:
        runners: dict name -> callable(inputs) returning an array.
        inputs: dict of input arrays.
        schedule: a `Schedule`.

    Returns:
        `(times, block_medians, outputs)`: dict name -> list of seconds per
        timed call; dict name -> list of the median call of each block, one
        per round; dict name -> the output of its first call.
    """
    outputs, calls_per_block = {}, {}
    for name, run in runners.items():
        outputs[name] = run(inputs)
        durations = []
        for _ in range(max(1, schedule.warmup)):
            begin = time.perf_counter()
            run(inputs)
            durations.append(time.perf_counter() - begin)
        calls = schedule.block_seconds / max(float(np.median(durations)), 1e-9)
        calls_per_block[name] = int(min(MAX_BLOCK_CALLS, max(1, calls)))
    names = list(runners)
    times = {name: [] for name in names}
    block_medians = {name: [] for name in names}
    start = time.perf_counter()
    round_index = 0
    while round_index < schedule.rounds or (
        time.perf_counter() - start < schedule.seconds and round_index < MAX_ROUNDS
    ):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            time.sleep(schedule.pause)
            runners[name](inputs)
            block = []
            for _ in range(calls_per_block[name]):
                begin = time.perf_counter()
                runners[name](inputs)
                block.append(time.perf_counter() - begin)
            times[name] += block
            block_medians[name].append(float(np.median(block)))
        round_index += 1
    return times, block_medians, outputs


def latency_rows(export_dir, times, block_medians, outputs, batch_size, reference):
    """Summary rows of `time_backends` for one export and batch size.

    Args:
        reference: name of the runner the speed-ups and output differences
            are measured against (the SavedModel).
    """
    rows = []
    reference_blocks = np.asarray(block_medians[reference])
    for name, values in times.items():
        values = np.asarray(values)
        ratios = reference_blocks / np.asarray(block_medians[name])
        difference = np.abs(outputs[name] - outputs[reference])
        median_ms = 1000.0 * float(np.median(values))
        rows.append(
            {
                "table": "latency",
                "export": _export_name(export_dir),
                "batch_size": batch_size,
                "backend": name,
                "rounds": len(ratios),
                "calls": len(values),
                "median_ms": median_ms,
                "p90_ms": 1000.0 * float(np.percentile(values, 90)),
                "images_per_second": 1000.0 * batch_size / median_ms,
                "speedup_vs_saved_model": float(np.median(ratios)),
                "speedup_p10": float(np.percentile(ratios, 10)),
                "speedup_p90": float(np.percentile(ratios, 90)),
                "max_abs_diff": float(difference.max()),
                "mean_abs_diff": float(difference.mean()),
            }
        )
    return rows


def measure_latency(export_dir, backends, onnx_paths, batch_sizes, schedule, seed=0):
    """Times `backends` on one export at each batch size (see the module docstring).

    Args:
        export_dir: the export directory.
        backends: list of `Backend`, one of them a SavedModel (the reference).
        onnx_paths: dict mapping `Backend.model` to an ONNX file.
        batch_sizes: list of int.
        schedule: a `Schedule`, or a dict of its fields.
        seed: int, seeds the inputs.

    Returns:
        dict with `rows` (see `latency_rows`), `threads` (OS threads of the
        process after loading everything) and `load_average`.
    """
    if isinstance(schedule, dict):
        schedule = Schedule(**schedule)
    manifest = read_export_manifest(export_dir)
    runners = {
        backend.name: make_runner(backend, export_dir, onnx_paths, manifest) for backend in backends
    }
    reference = next(b.name for b in backends if b.runtime == "saved_model")
    rows = []
    for batch_size in batch_sizes:
        inputs = example_inputs(manifest, batch_size, seed=seed)
        times, block_medians, outputs = time_backends(runners, inputs, schedule)
        rows += latency_rows(export_dir, times, block_medians, outputs, batch_size, reference)
    return {"rows": rows, "threads": thread_count(), "load_average": os.getloadavg()}


def measure_memory(export_dir, backend, onnx_path, batch_size, calls, seed=0):
    """Peak RSS of a process that loads one export with one backend and runs it.

    Run it in a fresh process: only NumPy, ganzoo's manifest reader and the
    backend's runtime are imported.

    Returns:
        dict: `import_rss_mib` (after importing the runtime), `peak_rss_mib`
        (`ru_maxrss` after `calls` calls at `batch_size`), `load_seconds`,
        `threads` (OS threads after the first call).
    """
    if backend.runtime == "saved_model":
        import tensorflow  # noqa: F401
    else:
        import onnxruntime  # noqa: F401
    manifest = read_export_manifest(export_dir)
    import_rss = current_rss_mib()
    start = time.perf_counter()
    run = make_runner(backend, export_dir, {backend.model: onnx_path}, manifest)
    load_seconds = time.perf_counter() - start
    inputs = example_inputs(manifest, batch_size, seed=seed)
    run(inputs)
    threads = thread_count()
    for _ in range(calls - 1):
        run(inputs)
    return {
        "table": "memory",
        "export": _export_name(export_dir),
        "backend": backend.name,
        "batch_size": batch_size,
        "calls": calls,
        "import_rss_mib": import_rss,
        "peak_rss_mib": peak_rss_mib(),
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_seconds": load_seconds,
        "threads": threads,
    }


def generator_quality(export_dir, variant_dirs, classifier_dir, num_samples, seed):
    """`ganzoo.evaluation.evaluate` of the float32 export and of each int8 copy.

    Args:
        export_dir: a generator export (unconditional or conditional).
        variant_dirs: dict model name (`"int8 dynamic"`, ...) -> export copy.
        classifier_dir: the domain classifier export.
        num_samples, seed: as for `evaluate`; the same for every model.

    Returns:
        list of rows, one per model, with the `generated` metrics and, on the
        float32 row, the `real_train_vs_test` floor.
    """
    from ganzoo.evaluation import evaluate

    rows = []
    for model, directory in {"float32": export_dir, **variant_dirs}.items():
        result = evaluate(
            directory,
            classifier_dir=classifier_dir,
            num_samples=num_samples,
            seed=seed,
            write=False,
        )
        rows.append(
            {
                "table": "generator_quality",
                "export": _export_name(export_dir),
                "model": model,
                "num_samples": num_samples,
                "num_real": result["num_real"],
                "seed": seed,
                "seconds": result["seconds"],
                "metrics": result["generated"],
                "floor": result["real_train_vs_test"],
            }
        )
    return rows


def translation_quality(forward, backward, unpaired_data_dir, classifier_dir):
    """`ganzoo.metrics.translation_scores` of a translator pair in float32 and int8.

    Args:
        forward: dict model name -> export directory of G (X -> Y), with X the
            domain of the `testA` folder; the float32 entry is the export itself.
        backward: the same for F (Y -> X), with the same model names.
        unpaired_data_dir: folders written by `recipes/make_unpaired_fashion_mnist.py`.
        classifier_dir: two-domain classifier (class 0: X, class 1: Y).

    Returns:
        list of rows, one per model name.
    """
    from ganzoo.data import load_unpaired_images
    from ganzoo.metrics import translation_scores
    from ganzoo.runtime import OnnxClassifier
    from ganzoo.runtime import OnnxImageTranslator

    manifest = read_export_manifest(forward["float32"])
    images = {
        split: load_unpaired_images(
            manifest["dataset"],
            split,
            data_dir=unpaired_data_dir,
            image_size=manifest["image_shape"][0],
        )
        for split in ("testA", "testB")
    }
    classifier = OnnxClassifier(classifier_dir)
    rows = []
    for model in forward:
        start = time.perf_counter()
        scores = translation_scores(
            OnnxImageTranslator(forward[model]).translate,
            OnnxImageTranslator(backward[model]).translate,
            images["testA"],
            images["testB"],
            lambda batch: classifier.predict(batch)[0],
        )
        rows.append(
            {
                "table": "translation_quality",
                "forward": _export_name(forward["float32"]),
                "backward": _export_name(backward["float32"]),
                "model": model,
                "seconds": time.perf_counter() - start,
                "scores": scores,
            }
        )
    return rows


def translator_pairs(export_dirs, unpaired_data_dir_for):
    """Pairs `(G, F)` of translators among `export_dirs`, G's source being the `A` folders.

    Args:
        export_dirs: export directories (any tasks).
        unpaired_data_dir_for: callable dataset name -> data directory.

    Returns:
        list of `(forward_dir, backward_dir)`.
    """
    from ganzoo.export.manifest import TRANSLATION_TASK

    translators = {}
    for export_dir in export_dirs:
        manifest = read_export_manifest(export_dir)
        if manifest["task"] == TRANSLATION_TASK:
            key = (manifest["dataset"], manifest["source_domain"], manifest["target_domain"])
            translators[key] = export_dir
    pairs = []
    for (dataset, source, target), export_dir in translators.items():
        reverse = translators.get((dataset, target, source))
        manifest = read_export_manifest(export_dir)
        split = _domain_split(manifest, source, unpaired_data_dir_for(dataset), "test")
        if reverse is not None and split == "testA":
            pairs.append((export_dir, reverse))
    return pairs


def model_sizes(export_dir, onnx_paths):
    """Sizes on disk in MB (10^6 bytes) of the SavedModel and each ONNX model."""
    manifest = read_export_manifest(export_dir)
    saved_model = pathlib.Path(export_dir) / manifest["files"]["saved_model"]
    row = {
        "table": "sizes",
        "export": _export_name(export_dir),
        "saved_model_mb": sum(f.stat().st_size for f in saved_model.rglob("*") if f.is_file())
        / 1e6,
    }
    for model, path in onnx_paths.items():
        row[f"onnx {model} mb"] = pathlib.Path(path).stat().st_size / 1e6
    return row


def runtime_facts():
    """The machine (`ganzoo.benchmarking.machine_facts`) and both runtimes' thread settings."""
    import onnxruntime
    import tensorflow as tf

    options = onnxruntime.SessionOptions()
    return {
        **machine_facts(),
        "onnxruntime_providers": onnxruntime.get_available_providers(),
        "onnxruntime_intra_op_num_threads": options.intra_op_num_threads,
        "onnxruntime_inter_op_num_threads": options.inter_op_num_threads,
        "onnxruntime_execution_mode": str(options.execution_mode).split(".")[-1],
        "onnxruntime_graph_optimization_level": str(options.graph_optimization_level).split(".")[
            -1
        ],
        "tensorflow_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tensorflow_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "tf_enable_onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "unset (on)"),
    }


def _export_name(export_dir):
    """The export's path relative to the repository when inside it, else its name."""
    path = pathlib.Path(export_dir).resolve()
    try:
        return path.relative_to(REPO / "exported").as_posix()
    except ValueError:
        return path.name


def _run_child(job):
    """Runs one measurement (`measure_latency` or `measure_memory`) in a fresh process."""
    return run_child(pathlib.Path(__file__).resolve(), ["--child", json.dumps(job)], cwd=REPO)


def _child(job):
    backends = [Backend(**backend) for backend in job.pop("backends")]
    if job.pop("kind") == "memory":
        return measure_memory(backend=backends[0], **job)
    return measure_latency(backends=backends, **job)


def _format_float(value, digits=3):
    return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:.0f}"


def format_report(report):
    """The Markdown report of `main`'s measurements."""
    facts = report["facts"]
    versions = facts["versions"]
    schedule = report["schedule"]
    lines = [
        "# Inference latency of the exported generators: SavedModel vs onnxruntime",
        "",
    ]
    if report.get("summary"):
        lines += [SUMMARY_START, report["summary"].strip("\n"), SUMMARY_END, ""]
    lines += [
        f"Machine: {facts['cpu']}, {facts['cpu_count']} logical CPUs, {facts['memory']}, no "
        f"GPU. CPU flags: {', '.join(facts['cpu_flags']) or 'none of interest'}"
        + (
            f" (absent: {', '.join(facts['missing_cpu_flags'])})"
            if facts["missing_cpu_flags"]
            else ""
        )
        + ".",
        "",
        f"Versions: Python {versions['python']}, TensorFlow {versions['tensorflow']}, "
        f"onnxruntime {versions['onnxruntime']} ({', '.join(facts['onnxruntime_providers'])}; "
        f"CPUExecutionProvider used), onnx {versions['onnx']}, NumPy {versions['numpy']}.",
        "",
        "Threads: onnxruntime session defaults: `intra_op_num_threads="
        f"{facts['onnxruntime_intra_op_num_threads']}` (one thread per physical core), "
        f"`inter_op_num_threads={facts['onnxruntime_inter_op_num_threads']}`, "
        f"{facts['onnxruntime_execution_mode']}, {facts['onnxruntime_graph_optimization_level']}, "
        "spinning on. TensorFlow: `intra_op_parallelism_threads="
        f"{facts['tensorflow_intra_op_threads']}`, `inter_op_parallelism_threads="
        f"{facts['tensorflow_inter_op_threads']}` (0: one per logical CPU), "
        f"TF_ENABLE_ONEDNN_OPTS {facts['tf_enable_onednn_opts']}.",
        "",
        f"Load: load average {_load(report['load_average_start'])} at the start, "
        f"{_load(report['load_average_end'])} at the end; "
        + (
            f"{len(report['other_processes'])} other Python processes were running at the "
            "start (other jobs sharing the 2 cores): "
            + "; ".join(f"`{command}`" for command in report["other_processes"][:6])
            if report["other_processes"]
            else "no other Python process was running at the start"
        )
        + f". Whole run: {report['seconds'] / 60:.0f} min.",
        "",
        "Command:",
        "",
        "```bash",
        report["command"],
        "```",
        "",
        "## Latency and throughput",
        "",
        "Per export and batch size, one process holds every backend and feeds them the same "
        f"inputs: {schedule['warmup']} untimed warm-up calls each, then rounds (at least "
        f"{schedule['rounds']}, more until {schedule['seconds']:g} s) of one block per backend "
        "in rotated order. A block is a pause of "
        f"{1000 * schedule['pause']:g} ms (so no runtime's spinning threads compete with the "
        "next one), one untimed call, then back-to-back timed calls for about "
        f"{schedule['block_seconds']:g} s (at least one). Median and p90 are over all timed "
        "calls; images/s is batch / median. Speed-up: median over rounds of SavedModel block "
        "median / backend block median, p10-p90 over rounds in brackets; above 1 is faster "
        "than the SavedModel. Difference: max \\| mean absolute difference of the output to "
        "the SavedModel's (images in [-1, 1]).",
        "",
    ]
    lines += _latency_table(report["latency"])
    if report["memory"]:
        lines += [
            "## Peak memory (RSS)",
            "",
            "Each row in its own process: import the runtime (only onnxruntime, never "
            "TensorFlow, in the onnxruntime processes), load the export, run "
            f"{report['memory'][0]['calls']} calls at batch {report['memory'][0]['batch_size']}; "
            "peak is the process's peak resident set (`VmHWM`) at the end, i.e. the memory a "
            "serving process needs. `ru_maxrss` would inherit the peak of the parent that "
            "started the process (Linux copies it at `exec`). Threads: OS threads of the "
            "process after the first call.",
            "",
            "| export | backend | RSS after import (MiB) | peak RSS (MiB) | peak - import (MiB) "
            "| load (s) | threads |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in report["memory"]:
            lines.append(
                f"| {row['export']} | {row['backend']} | {row['import_rss_mib']:.0f} | "
                f"{row['peak_rss_mib']:.0f} | {row['peak_rss_mib'] - row['import_rss_mib']:.0f} "
                f"| {row['load_seconds']:.2f} | {row['threads']} |"
            )
        lines.append("")
    models = [
        key[len("onnx ") : -len(" mb")] for key in report["sizes"][0] if key.startswith("onnx ")
    ]
    lines += [
        "## Size on disk (MB)",
        "",
        "| export | SavedModel | " + " | ".join(f"ONNX {model}" for model in models) + " |",
        "|---|---|" + "---|" * len(models),
    ]
    for row in report["sizes"]:
        lines.append(
            f"| {row['export']} | {row['saved_model_mb']:.2f} | "
            + " | ".join(f"{row[f'onnx {model} mb']:.2f}" for model in models)
            + " |"
        )
    lines.append("")
    if report["calibration"]:
        lines += [
            "Static quantization was calibrated on: "
            + "; ".join(f"{name}: {text}" for name, text in report["calibration"].items())
            + ".",
            "",
        ]
    if report["generator_quality"]:
        lines += _generator_quality_table(report["generator_quality"])
    if report["translation_quality"]:
        lines += _translation_quality_table(report["translation_quality"])
    for note in report["notes"]:
        lines += [note, ""]
    if report["investigation"]:
        lines += [
            "## Investigation: onnxruntime session options and thread counts (float32)",
            "",
            "Same method as above, one process per export and thread setting; the "
            "speed-up is against the SavedModel of the same process (in the single-thread "
            "runs, TensorFlow with one intra- and one inter-op thread).",
            "",
        ]
        lines += _latency_table(report["investigation"])
    return "\n".join(lines)


def _load(load_average):
    return ", ".join(f"{value:.1f}" for value in load_average)


def _latency_table(rows):
    lines = [
        "| export | batch | backend | median ms | p90 ms | images/s | speed-up vs SavedModel "
        "| rounds / calls | difference |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        speedup = (
            f"{row['speedup_vs_saved_model']:.2f} ({row['speedup_p10']:.2f}-"
            f"{row['speedup_p90']:.2f})"
        )
        lines.append(
            f"| {row['export']} | {row['batch_size']} | {row['backend']} | "
            f"{_format_float(row['median_ms'])} | {_format_float(row['p90_ms'])} | "
            f"{row['images_per_second']:.0f} | {speedup} | {row['rounds']} / {row['calls']} | "
            f"{row['max_abs_diff']:.2g} \\| {row['mean_abs_diff']:.2g} |"
        )
    return lines + [""]


def _generator_quality_table(rows):
    first = rows[0]
    lines = [
        "## Cost of int8: generators (`ganzoo.evaluation.evaluate`)",
        "",
        f"{first['num_samples']} samples of each model, seed {first['seed']} (the same z and "
        f"labels for all), against {first['num_real']} real test images, on the domain "
        "classifier's features (`exported/classifiers/<dataset>`); lower FID/KID is better.",
        "",
        "| export | model | FID | KID | precision | recall | class entropy (bits) "
        "| label accuracy | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(_quality_line(row["export"], row["model"], row["metrics"], row["seconds"]))
        if row["model"] == "float32":
            floor = row["floor"]
            lines.append(_quality_line(row["export"], "real train vs test (floor)", floor, None))
    return lines + [""]


def _quality_line(export, model, metrics, seconds):
    accuracy = metrics.get("label_accuracy")
    return (
        f"| {export} | {model} | {metrics['fid_domain']:.3f} | {metrics['kid_domain']:.4f} ± "
        f"{metrics['kid_domain_std']:.4f} | {metrics['precision_domain']:.3f} | "
        f"{metrics['recall_domain']:.3f} | "
        f"{metrics['class_entropy_bits']:.3f} | "
        f"{'-' if accuracy is None else f'{accuracy:.4f}'} | "
        f"{'-' if seconds is None else f'{seconds:.0f}'} |"
    )


def _translation_quality_table(rows):
    lines = [
        "## Cost of int8: translators (`ganzoo.metrics.translation_scores`)",
        "",
        "Every test image of both domains at the training size, both directions run by the "
        "same model kind; two-domain classifier `exported/classifiers/<dataset>`.",
        "",
        "| G / F | model | X -> Y success | Y -> X success | X cycle L1 | Y cycle L1 "
        "| classifier on real X / Y | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        scores = row["scores"]
        lines.append(
            f"| {row['forward']} / {row['backward']} | {row['model']} | "
            f"{scores['x_to_y_success']:.3f} | {scores['y_to_x_success']:.3f} | "
            f"{scores['x_cycle_l1']:.4f} | {scores['y_cycle_l1']:.4f} | "
            f"{scores['real_x_accuracy']:.3f} / {scores['real_y_accuracy']:.3f} | "
            f"{row['seconds']:.0f} |"
        )
    return lines + [""]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", nargs="+", default=list(EXPORTS))
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[1, 64])
    parser.add_argument(
        "--quantizations", nargs="*", choices=QUANTIZATIONS, default=list(QUANTIZATIONS)
    )
    parser.add_argument("--rounds", type=int, default=10, help="minimum rounds")
    parser.add_argument("--seconds", type=float, default=20.0, help="per export and batch size")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--block-seconds", type=float, default=0.25)
    parser.add_argument("--pause", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--memory-calls", type=int, default=3)
    parser.add_argument("--quality", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--classifiers-dir", default="exported/classifiers")
    parser.add_argument(
        "--unpaired-data-dir", default="data/{dataset}", help="folders of a translator's dataset"
    )
    parser.add_argument("--investigate", action=argparse.BooleanOptionalAction, default=False)
    parser.add_argument("--output", default="benchmarks/results/inference_latency.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return None

    started = time.perf_counter()
    arguments = sys.argv[1:] if argv is None else list(argv)
    report = {
        "command": " ".join(["python benchmarks/inference_latency.py", *arguments]),
        "load_average_start": os.getloadavg(),
        "other_processes": other_python_processes("inference_latency", max_length=120),
        "facts": runtime_facts(),
        "schedule": {
            "rounds": args.rounds,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "block_seconds": args.block_seconds,
            "pause": args.pause,
        },
        "latency": [],
        "memory": [],
        "sizes": [],
        "calibration": {},
        "generator_quality": [],
        "translation_quality": [],
        "investigation": [],
        "notes": [],
        "summary": existing_summary(args.output),
    }
    # Absolute, because the measurement processes run in the repository's root.
    export_dirs = [pathlib.Path(path).resolve() for path in args.exports]

    def unpaired_data_dir_for(dataset):
        return args.unpaired_data_dir.format(dataset=dataset)

    with tempfile.TemporaryDirectory(prefix="inference_latency_") as work_dir:
        onnx_paths, variant_dirs = {}, {}
        for index, export_dir in enumerate(export_dirs):
            manifest = read_export_manifest(export_dir)
            onnx_paths[export_dir] = {"float32": str(export_dir / manifest["files"]["onnx"])}
            variant_dirs[export_dir] = {}
            batches, description = calibration_batches(
                export_dir, unpaired_data_dir_for(manifest["dataset"])
            )
            if "static" in args.quantizations:
                report["calibration"][_export_name(export_dir)] = description
            for method in args.quantizations:
                directory = quantize_export(
                    export_dir,
                    pathlib.Path(work_dir) / f"{index}_{method}",
                    method,
                    batches,
                    description,
                )
                variant_dirs[export_dir][f"int8 {method}"] = directory
                onnx_paths[export_dir][f"int8 {method}"] = str(
                    directory / manifest["files"]["onnx"]
                )
            report["sizes"].append(model_sizes(export_dir, onnx_paths[export_dir]))

        backends = main_backends(args.quantizations)
        schedule = Schedule(
            rounds=args.rounds,
            seconds=args.seconds,
            warmup=args.warmup,
            block_seconds=args.block_seconds,
            pause=args.pause,
        )
        common = {
            "batch_sizes": args.batch_sizes,
            "schedule": dataclasses.asdict(schedule),
            "seed": args.seed,
        }
        for export_dir in export_dirs:
            result = _run_child(
                {
                    "kind": "latency",
                    "export_dir": str(export_dir),
                    "backends": [dataclasses.asdict(backend) for backend in backends],
                    "onnx_paths": onnx_paths[export_dir],
                    **common,
                }
            )
            report["latency"] += result["rows"]
            for row in result["rows"]:
                print(
                    f"{row['export']:28s} {row['batch_size']:3d} {row['backend']:28s} "
                    f"{row['median_ms']:9.2f} ms {row['speedup_vs_saved_model']:6.2f}x",
                    flush=True,
                )
        if args.memory:
            for export_dir in export_dirs:
                for backend in backends:
                    report["memory"].append(
                        _run_child(
                            {
                                "kind": "memory",
                                "export_dir": str(export_dir),
                                "backends": [dataclasses.asdict(backend)],
                                "onnx_path": onnx_paths[export_dir].get(backend.model),
                                "batch_size": max(args.batch_sizes),
                                "calls": args.memory_calls,
                                "seed": args.seed,
                            }
                        )
                    )
                    row = report["memory"][-1]
                    print(f"{row['export']:28s} {row['backend']:28s} {row['peak_rss_mib']:.0f} MiB")
        if args.quality:
            _quality(args, report, export_dirs, variant_dirs, unpaired_data_dir_for)
        if args.investigate:
            for export_dir in export_dirs:
                for investigation_backends in (INVESTIGATION_BACKENDS, SINGLE_THREAD_BACKENDS):
                    result = _run_child(
                        {
                            "kind": "latency",
                            "export_dir": str(export_dir),
                            "backends": [dataclasses.asdict(b) for b in investigation_backends],
                            "onnx_paths": onnx_paths[export_dir],
                            **common,
                        }
                    )
                    report["investigation"] += result["rows"]

    report["load_average_end"] = os.getloadavg()
    report["seconds"] = time.perf_counter() - started
    output = pathlib.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    text = format_report(report)
    output.write_text(text + "\n")
    rows = (
        report["latency"]
        + report["memory"]
        + report["sizes"]
        + report["generator_quality"]
        + report["translation_quality"]
        + [{**row, "table": "investigation"} for row in report["investigation"]]
    )
    write_jsonl(rows, output.with_suffix(".jsonl"))
    print(text)
    return report


def _quality(args, report, export_dirs, variant_dirs, unpaired_data_dir_for):
    """Fills the report's quality tables (or notes why one was skipped)."""
    from ganzoo.export.manifest import TRANSLATION_TASK

    classifiers = pathlib.Path(args.classifiers_dir)
    for export_dir in export_dirs:
        manifest = read_export_manifest(export_dir)
        if manifest["task"] == TRANSLATION_TASK:
            continue
        report["generator_quality"] += generator_quality(
            export_dir,
            variant_dirs[export_dir],
            classifiers / manifest["dataset"],
            args.num_samples,
            args.seed,
        )
    pairs = translator_pairs(export_dirs, unpaired_data_dir_for)
    paired = {export_dir for pair in pairs for export_dir in pair}
    for export_dir in export_dirs:
        if (
            read_export_manifest(export_dir)["task"] == TRANSLATION_TASK
            and export_dir not in paired
        ):
            report["notes"].append(
                f"{_export_name(export_dir)}: no translation scores (no reverse translator "
                "among the exports, or no unpaired folders with a `dataset.json` naming its "
                "domains)."
            )
    for forward, backward in pairs:
        dataset = read_export_manifest(forward)["dataset"]
        report["translation_quality"] += translation_quality(
            {"float32": forward, **variant_dirs[forward]},
            {"float32": backward, **variant_dirs[backward]},
            unpaired_data_dir_for(dataset),
            classifiers / dataset,
        )


if __name__ == "__main__":
    main()
