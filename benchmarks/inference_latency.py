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
  `ganzoo.export.quantize_int8(method="dynamic")` in a scratch copy of the
  export (`ganzoo.benchmarking.quantized_copy`), i.e.
  `onnxruntime.quantization.quantize_dynamic` (int8 weights, activations
  quantized at run time; the defaults of that call);
- `onnxruntime int8 static`: `quantize_int8(method="static")`, i.e.
  `quantize_static` in QDQ format, per-channel
  int8 weights, uint8 activations with MinMax ranges from `CALIBRATION_BATCHES`
  batches of `CALIBRATION_BATCH_SIZE` real inputs (standard-normal `z` and
  cycling labels for generators, training images of the source domain for
  translators; `ganzoo.benchmarking.quantized_copy.calibration_batches`), only
  the weight-carrying ops in `ganzoo.export.quantization.STATIC_OP_TYPES`.

Inputs follow the manifest: `z ~ N(0, I)`, labels `0, 1, ..., num_classes -
1, 0, ...`, images uniform in `[-1, 1]` at the manifest's `image_shape`
(the training size of a translator), seeded with `--seed`. After `--warmup`
untimed calls each, the backends take turns in rounds, one block each in a
rotated order (ABCD, BCDA, ...), so background load falls on all of them
alike; at least `--rounds` rounds, more until `--seconds` have passed (at
most 2,000). A block is a pause of `--pause` seconds, one untimed call, then
back-to-back timed calls for about `--block-seconds` (1 to 100 calls;
`ganzoo.benchmarking.interleaved_rounds.time_calls`).
The pause matters: both runtimes keep their worker threads spinning for a
while after a call, and without it the threads of one backend took CPU time
from the next (in one measurement on a loaded machine, onnxruntime's
batch-64 DCGAN calls took 2.4x as long interleaved without pauses as with
them). The table gives the median and
90th percentile of the call times in ms, images per second at the median, and
the speed-up against the SavedModel: the median over rounds of `SavedModel
block median / backend block median` (above 1: faster than the SavedModel;
`ganzoo.benchmarking.latency_statistics`).

Peak memory: each (export, backend) in its own process that imports only its
runtime (onnxruntime processes never import TensorFlow), loads the model and
runs `--memory-calls` calls at the largest batch size
(`ganzoo.benchmarking.processes.measure_peak_memory`); the peak resident set
at the end (`VmHWM`, what `ru_maxrss` reports for a process started from a
small parent) is the memory a serving process needs.

Cost of int8 (`ganzoo.benchmarking.export_quality`): `ganzoo.evaluation.evaluate`
(FID, KID, precision/recall, label accuracy on the domain classifier's
features) on `--num-samples` samples of the float32 and of each int8 model
with the same seed (`--seed`), and, for a pair of translators (G: X -> Y and
F: Y -> X), `ganzoo.metrics.translation_scores` on every test image of both
domains.

`--investigate` adds float32 timings under other onnxruntime session options
(no thread spinning, one thread, lower graph-optimization levels) and a run
with TensorFlow and onnxruntime both limited to one thread.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import sys
import tempfile
import time

import numpy as np

from ganzoo.benchmarking.export_quality import generator_quality
from ganzoo.benchmarking.export_quality import translation_quality
from ganzoo.benchmarking.export_quality import translator_pairs
from ganzoo.benchmarking.inference_backend import InferenceBackend
from ganzoo.benchmarking.inference_backend import make_runner
from ganzoo.benchmarking.inference_latency_report import format_inference_latency_report
from ganzoo.benchmarking.interleaved_rounds import RoundSchedule
from ganzoo.benchmarking.interleaved_rounds import time_calls
from ganzoo.benchmarking.latency_statistics import latency_statistics
from ganzoo.benchmarking.machine import other_python_processes
from ganzoo.benchmarking.machine import runtime_facts
from ganzoo.benchmarking.processes import measure_peak_memory
from ganzoo.benchmarking.processes import run_child
from ganzoo.benchmarking.processes import thread_count
from ganzoo.benchmarking.quantized_copy import calibration_batches
from ganzoo.benchmarking.quantized_copy import quantized_copy
from ganzoo.benchmarking.reports import existing_summary
from ganzoo.benchmarking.reports import write_report
from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.manifest import example_inputs
from ganzoo.export.manifest import read_manifest

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

SAVED_MODEL = InferenceBackend("saved_model")
ONNXRUNTIME = InferenceBackend("onnxruntime")
# Float32 under other settings, timed side by side with the defaults (`--investigate`).
INVESTIGATION_BACKENDS = (
    SAVED_MODEL,
    ONNXRUNTIME,
    InferenceBackend("onnxruntime", spinning=False),
    InferenceBackend("onnxruntime", threads=1),
    InferenceBackend("onnxruntime", optimization_level="extended"),
    InferenceBackend("onnxruntime", optimization_level="basic"),
)
SINGLE_THREAD_BACKENDS = (
    InferenceBackend("saved_model", threads=1),
    InferenceBackend("onnxruntime", threads=1),
)


def main_backends(quantizations):
    """The backends of the main table: SavedModel, onnxruntime, then each int8 model."""
    return (
        SAVED_MODEL,
        ONNXRUNTIME,
        *(InferenceBackend("onnxruntime", f"int8 {method}") for method in quantizations),
    )


def latency_rows(export_dir, times, block_medians, outputs, batch_size, reference):
    """The table rows of `time_calls` for one export and batch size.

    Args:
        reference: name of the runner the speed-ups and output differences
            are measured against (the SavedModel).
    """
    rows = []
    for name, values in times.items():
        statistics = latency_statistics(values, block_medians[name], block_medians[reference])
        difference = np.abs(outputs[name] - outputs[reference])
        rows.append(
            {
                "table": "latency",
                "export": _export_name(export_dir),
                "batch_size": batch_size,
                "backend": name,
                "rounds": statistics["rounds"],
                "calls": statistics["calls"],
                "median_ms": statistics["median_ms"],
                "p90_ms": statistics["p90_ms"],
                "images_per_second": 1000.0 * batch_size / statistics["median_ms"],
                "speedup_vs_saved_model": statistics["speedup"],
                "speedup_p10": statistics["speedup_p10"],
                "speedup_p90": statistics["speedup_p90"],
                "max_abs_diff": float(difference.max()),
                "mean_abs_diff": float(difference.mean()),
            }
        )
    return rows


def measure_latency(export_dir, backends, onnx_paths, batch_sizes, schedule, seed=0):
    """Times `backends` on one export at each batch size (see the module docstring).

    Args:
        export_dir: the export directory.
        backends: list of `InferenceBackend`, one of them a SavedModel (the reference).
        onnx_paths: dict mapping `InferenceBackend.model` to an ONNX file.
        batch_sizes: list of int.
        schedule: a `RoundSchedule`, or a dict of its fields.
        seed: int, seeds the inputs.

    Returns:
        dict with `rows` (see `latency_rows`), `threads` (OS threads of the
        process after loading everything) and `load_average`.
    """
    if isinstance(schedule, dict):
        schedule = RoundSchedule(**schedule)
    manifest = _manifest(export_dir)
    runners = {
        backend.name: make_runner(backend, export_dir, onnx_paths, manifest) for backend in backends
    }
    reference = next(b.name for b in backends if b.runtime == "saved_model")
    rows = []
    for batch_size in batch_sizes:
        inputs = example_inputs(manifest, batch_size, seed=seed)
        times, block_medians, outputs = time_calls(runners, inputs, schedule)
        rows += latency_rows(export_dir, times, block_medians, outputs, batch_size, reference)
    return {"rows": rows, "threads": thread_count(), "load_average": os.getloadavg()}


def measure_memory(export_dir, backend, onnx_path, batch_size, calls, seed=0):
    """Peak RSS of a process that loads one export with one backend and runs it.

    Run it in a fresh process: only NumPy, ganzoo's manifest reader and the
    backend's runtime are imported.

    Returns:
        dict: `import_rss_mib` (after importing the runtime), `peak_rss_mib`
        (`VmHWM` after `calls` calls at `batch_size`), `ru_maxrss_mib`,
        `load_seconds`, `threads` (OS threads after the first call).
    """
    if backend.runtime == "saved_model":
        import tensorflow  # noqa: F401
    else:
        import onnxruntime  # noqa: F401
    manifest = _manifest(export_dir)
    inputs = example_inputs(manifest, batch_size, seed=seed)
    memory = measure_peak_memory(
        lambda: make_runner(backend, export_dir, {backend.model: onnx_path}, manifest),
        lambda run: run(inputs),
        calls,
    )
    return {
        "table": "memory",
        "export": _export_name(export_dir),
        "backend": backend.name,
        "batch_size": batch_size,
        "calls": calls,
        "import_rss_mib": memory["baseline_rss_mib"],
        "peak_rss_mib": memory["peak_rss_mib"],
        "ru_maxrss_mib": memory["ru_maxrss_mib"],
        "load_seconds": memory["load_seconds"],
        "threads": memory["threads"],
    }


def model_sizes(export_dir, onnx_paths):
    """Sizes on disk in MB (10^6 bytes) of the SavedModel and each ONNX model."""
    saved_model = pathlib.Path(export_dir) / _manifest(export_dir)["files"]["saved_model"]
    row = {
        "table": "sizes",
        "export": _export_name(export_dir),
        "saved_model_mb": sum(f.stat().st_size for f in saved_model.rglob("*") if f.is_file())
        / 1e6,
    }
    for model, path in onnx_paths.items():
        row[f"onnx {model} mb"] = pathlib.Path(path).stat().st_size / 1e6
    return row


def _manifest(export_dir):
    return read_manifest(pathlib.Path(export_dir) / MANIFEST_FILE_NAME)


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
    backends = [InferenceBackend(**backend) for backend in job.pop("backends")]
    if job.pop("kind") == "memory":
        return measure_memory(backend=backends[0], **job)
    return measure_latency(backends=backends, **job)


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
    schedule = RoundSchedule(
        rounds=args.rounds,
        seconds=args.seconds,
        warmup=args.warmup,
        block_seconds=args.block_seconds,
        pause=args.pause,
    )
    report = {
        "command": " ".join(["python benchmarks/inference_latency.py", *arguments]),
        "load_average_start": os.getloadavg(),
        "other_processes": other_python_processes("inference_latency", max_length=120),
        "facts": runtime_facts(),
        "schedule": dataclasses.asdict(schedule),
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
        # Per export: the ONNX file of each model, and each model as an export
        # directory and the `ganzoo.runtime` backend that runs it.
        onnx_paths, copies = {}, {}
        for index, export_dir in enumerate(export_dirs):
            manifest = _manifest(export_dir)
            onnx_paths[export_dir] = {"float32": str(export_dir / manifest["files"]["onnx"])}
            copies[export_dir] = {"float32": (export_dir, "onnxruntime")}
            batches, description = calibration_batches(
                export_dir,
                unpaired_data_dir_for(manifest["dataset"]),
                CALIBRATION_BATCHES,
                CALIBRATION_BATCH_SIZE,
                CALIBRATION_SEED,
            )
            if "static" in args.quantizations:
                report["calibration"][_export_name(export_dir)] = description
            for method in args.quantizations:
                directory = pathlib.Path(work_dir) / f"{index}_{method}"
                quantized_copy(export_dir, directory, method, batches, description)
                int8_file = _manifest(directory)["files"]["onnx_int8"]
                onnx_paths[export_dir][f"int8 {method}"] = str(directory / int8_file)
                copies[export_dir][f"int8 {method}"] = (directory, "onnxruntime_int8")
            report["sizes"].append(model_sizes(export_dir, onnx_paths[export_dir]))

        def time_export(export_dir, timed_backends):
            job = {
                "kind": "latency",
                "export_dir": str(export_dir),
                "backends": [dataclasses.asdict(backend) for backend in timed_backends],
                "onnx_paths": onnx_paths[export_dir],
                "batch_sizes": args.batch_sizes,
                "schedule": dataclasses.asdict(schedule),
                "seed": args.seed,
            }
            return _run_child(job)["rows"]

        backends = main_backends(args.quantizations)
        for export_dir in export_dirs:
            rows = time_export(export_dir, backends)
            report["latency"] += rows
            for row in rows:
                print(
                    f"{row['export']:28s} {row['batch_size']:3d} {row['backend']:28s} "
                    f"{row['median_ms']:9.2f} ms {row['speedup_vs_saved_model']:6.2f}x",
                    flush=True,
                )
        for export_dir in export_dirs if args.memory else ():
            for backend in backends:
                row = _run_child(
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
                report["memory"].append(row)
                print(f"{row['export']:28s} {row['backend']:28s} {row['peak_rss_mib']:.0f} MiB")
        if args.quality:
            _quality(args, report, export_dirs, copies, unpaired_data_dir_for)
        for export_dir in export_dirs if args.investigate else ():
            for investigation_backends in (INVESTIGATION_BACKENDS, SINGLE_THREAD_BACKENDS):
                report["investigation"] += time_export(export_dir, investigation_backends)

    report["load_average_end"] = os.getloadavg()
    report["seconds"] = time.perf_counter() - started
    text = format_inference_latency_report(report)
    rows = (
        report["latency"]
        + report["memory"]
        + report["sizes"]
        + report["generator_quality"]
        + report["translation_quality"]
        + [{**row, "table": "investigation"} for row in report["investigation"]]
    )
    write_report(args.output, text, rows)
    print(text)
    return report


def _quality(args, report, export_dirs, copies, unpaired_data_dir_for):
    """Fills the report's quality tables (or notes why one was skipped)."""
    classifiers = pathlib.Path(args.classifiers_dir)
    for export_dir in export_dirs:
        manifest = _manifest(export_dir)
        if manifest["task"] == TRANSLATION_TASK:
            continue
        report["generator_quality"] += generator_quality(
            _export_name(export_dir),
            copies[export_dir],
            classifiers / manifest["dataset"],
            args.num_samples,
            args.seed,
        )
    pairs = translator_pairs(export_dirs, unpaired_data_dir_for)
    paired = {export_dir for pair in pairs for export_dir in pair}
    for export_dir in export_dirs:
        if _manifest(export_dir)["task"] == TRANSLATION_TASK and export_dir not in paired:
            report["notes"].append(
                f"{_export_name(export_dir)}: no translation scores (no reverse translator "
                "among the exports, or no unpaired folders with a `dataset.json` naming its "
                "domains)."
            )
    for forward, backward in pairs:
        dataset = _manifest(forward)["dataset"]
        report["translation_quality"] += translation_quality(
            (_export_name(forward), _export_name(backward)),
            copies[forward],
            copies[backward],
            unpaired_data_dir_for(dataset),
            classifiers / dataset,
        )


if __name__ == "__main__":
    main()
