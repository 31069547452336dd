"""`format_inference_latency_report`: the Markdown of `benchmarks/inference_latency.py`.

The report dict is what the script collects (see its `main`); its rows are
also the script's JSONL records, so the Markdown can be written again from
them. Pure string formatting, no imports of a runtime.
"""

from ganzoo.benchmarking.reports import SUMMARY_END
from ganzoo.benchmarking.reports import SUMMARY_START
from ganzoo.benchmarking.reports import markdown_table


def format_inference_latency_report(report):
    """The Markdown report of the inference latency benchmark.

    Args:
        report: dict with `facts` (`ganzoo.benchmarking.machine.runtime_facts()`),
            `schedule` (the fields of a `RoundSchedule`), `summary` (str or
            None: the hand-written summary kept between the markers),
            `load_average_start` and `load_average_end`, `other_processes`,
            `seconds` (of the whole run), `command`, the row lists
            `latency`, `memory`, `sizes`, `generator_quality`,
            `translation_quality` and `investigation`, `calibration` (dict
            from export name to what static quantization was calibrated on)
            and `notes` (list of str).

    Returns:
        str, the Markdown without a final newline.

    Raises:
        KeyError: if the report lacks one of these keys or a row one of the
            script's record keys.
    """
    facts = report["facts"]
    versions = facts["versions"]
    schedule = report["schedule"]
    lines = [
        "# Inference latency of the exported generators: SavedModel vs onnxruntime",
        "",
    ]
    if report.get("summary"):
        lines += [SUMMARY_START, report["summary"].strip("\n"), SUMMARY_END, ""]
    missing_flags = facts["missing_cpu_flags"]
    other_processes = report["other_processes"]
    lines += [
        f"Machine: {facts['cpu']}, {facts['cpu_count']} logical CPUs, {facts['memory']}, no "
        f"GPU. CPU flags: {', '.join(facts['cpu_flags']) or 'none of interest'}"
        + (f" (absent: {', '.join(missing_flags)})" if missing_flags else "")
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
            f"{len(other_processes)} other Python processes were running at the "
            "start (other jobs sharing the 2 cores): "
            + "; ".join(f"`{command}`" for command in other_processes[:6])
            if other_processes
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
        lines += _memory_table(report["memory"])
    lines += _sizes_table(report["sizes"])
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
    columns = ["export", "batch", "backend", "median ms", "p90 ms", "images/s"]
    columns += ["speed-up vs SavedModel", "rounds / calls", "difference"]
    cells = [
        [
            row["export"],
            str(row["batch_size"]),
            row["backend"],
            _format_float(row["median_ms"]),
            _format_float(row["p90_ms"]),
            f"{row['images_per_second']:.0f}",
            f"{row['speedup_vs_saved_model']:.2f} ({row['speedup_p10']:.2f}-"
            f"{row['speedup_p90']:.2f})",
            f"{row['rounds']} / {row['calls']}",
            f"{row['max_abs_diff']:.2g} \\| {row['mean_abs_diff']:.2g}",
        ]
        for row in rows
    ]
    return markdown_table(columns, cells) + [""]


def _memory_table(rows):
    lines = [
        "## Peak memory (RSS)",
        "",
        "Each row in its own process: import the runtime (only onnxruntime, never "
        "TensorFlow, in the onnxruntime processes), load the export, run "
        f"{rows[0]['calls']} calls at batch {rows[0]['batch_size']}; "
        "peak is the process's peak resident set (`VmHWM`) at the end, i.e. the memory a "
        "serving process needs. `ru_maxrss` would inherit the peak of the parent that "
        "started the process (Linux copies it at `exec`). Threads: OS threads of the "
        "process after the first call.",
        "",
    ]
    columns = ["export", "backend", "RSS after import (MiB)", "peak RSS (MiB)"]
    columns += ["peak - import (MiB)", "load (s)", "threads"]
    cells = [
        [
            row["export"],
            row["backend"],
            f"{row['import_rss_mib']:.0f}",
            f"{row['peak_rss_mib']:.0f}",
            f"{row['peak_rss_mib'] - row['import_rss_mib']:.0f}",
            f"{row['load_seconds']:.2f}",
            str(row["threads"]),
        ]
        for row in rows
    ]
    return lines + markdown_table(columns, cells) + [""]


def _sizes_table(rows):
    models = [key[len("onnx ") : -len(" mb")] for key in rows[0] if key.startswith("onnx ")]
    cells = [
        [row["export"], f"{row['saved_model_mb']:.2f}"]
        + [f"{row[f'onnx {model} mb']:.2f}" for model in models]
        for row in rows
    ]
    columns = ["export", "SavedModel", *(f"ONNX {model}" for model in models)]
    return ["## Size on disk (MB)", ""] + markdown_table(columns, cells) + [""]


def _format_float(value, digits=3):
    return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:.0f}"


def _generator_quality_table(rows):
    # Each float32 row is followed by its floor: real training images against the test images.
    first = rows[0]
    lines = [
        "## Cost of int8: generators (`ganzoo.evaluation.evaluate`)",
        "",
        f"{first['num_samples']} samples of each model, seed {first['seed']} (the same z and "
        f"labels for all), against {first['num_real']} real test images, on the domain "
        "classifier's features (`exported/classifiers/<dataset>`); lower FID/KID is better.",
        "",
    ]
    cells = []
    for row in rows:
        cells.append(_quality_cells(row["export"], row["model"], row["metrics"], row["seconds"]))
        if row["model"] == "float32":
            cells.append(
                _quality_cells(row["export"], "real train vs test (floor)", row["floor"], None)
            )
    columns = ["export", "model", "FID", "KID", "precision", "recall"]
    columns += ["class entropy (bits)", "label accuracy", "seconds"]
    return lines + markdown_table(columns, cells) + [""]


def _quality_cells(export, model, metrics, seconds):
    accuracy = metrics.get("label_accuracy")
    return [
        export,
        model,
        f"{metrics['fid_domain']:.3f}",
        f"{metrics['kid_domain']:.4f} ± {metrics['kid_domain_std']:.4f}",
        f"{metrics['precision_domain']:.3f}",
        f"{metrics['recall_domain']:.3f}",
        f"{metrics['class_entropy_bits']:.3f}",
        "-" if accuracy is None else f"{accuracy:.4f}",
        "-" if seconds is None else f"{seconds:.0f}",
    ]


def _translation_quality_table(rows):
    lines = [
        "## Cost of int8: translators (`ganzoo.metrics.translation_scores`)",
        "",
        "Every test image of both domains at the training size, both directions run by the "
        "same model kind; two-domain classifier `exported/classifiers/<dataset>`.",
        "",
    ]
    columns = ["G / F", "model", "X -> Y success", "Y -> X success", "X cycle L1", "Y cycle L1"]
    columns += ["classifier on real X / Y", "seconds"]
    cells = [
        [
            f"{row['forward']} / {row['backward']}",
            row["model"],
            f"{row['scores']['x_to_y_success']:.3f}",
            f"{row['scores']['y_to_x_success']:.3f}",
            f"{row['scores']['x_cycle_l1']:.4f}",
            f"{row['scores']['y_cycle_l1']:.4f}",
            f"{row['scores']['real_x_accuracy']:.3f} / {row['scores']['real_y_accuracy']:.3f}",
            f"{row['seconds']:.0f}",
        ]
        for row in rows
    ]
    return lines + markdown_table(columns, cells) + [""]
