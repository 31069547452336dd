"""What every ganzoo benchmark script shares: the machine, child processes, memory, reports.

The scripts in `benchmarks/` are their measurements; this package is their
harness (as `flax.testing.Benchmark` is flax's):

- `machine.py`: `machine_facts()` (CPU, its vector and matrix extensions,
  memory, package versions), `runtime_facts()` (those and the thread
  settings TensorFlow and onnxruntime start with) and
  `other_python_processes()` (the jobs that shared the CPU), for every report.
- `processes.py`: `run_child(script, arguments)` runs a measurement in a fresh
  interpreter and returns the JSON it printed; `measure_peak_memory(load,
  run)` is such a measurement's memory; `peak_rss_mib()`, `current_rss_mib()`
  and `thread_count()` read `/proc/self`.
- `interleaved_rounds.py`: `interleaved_rounds(blocks, rounds)`, contenders
  taking turns in rotated order; `time_calls(runners, inputs, schedule)`
  fills the blocks with back-to-back calls paced by a `RoundSchedule`.
- `latency_statistics.py`: `latency_statistics` (median and p90 of the calls)
  and `speedups` (per-round ratios to a reference).
- `step_timer.py`: `StepTimer`, `time_fit_steps(model, dataset, steps)` and
  `train_interleaved(models, dataset, ...)`, training steps timed side by side.
- `in_memory_dataset.py`: `in_memory_dataset(batches, num_batches)`, training
  batches held in memory so the input pipeline is not measured.
- `inference_backend.py`: `InferenceBackend` (a runtime and its settings) and
  `make_runner`, the bare callable that runs an export with it.
- `quantized_copy.py`: `quantized_copy` (an export's int8 graph in a scratch
  copy) and `calibration_batches`.
- `export_quality.py`: `generator_quality`, `translation_quality` and
  `translator_pairs`: the same scores for every copy of an export.
- `reports.py`: `median`, `existing_summary(path)` (keeps the hand-written
  summary of a Markdown report across reruns), `markdown_table`,
  `write_jsonl(rows, path)` and `write_report(path, markdown, rows)`.
- `inference_latency_report.py` and `train_step_throughput_report.py`: the
  Markdown of the two scripts of those names, written from their records.
- `benchmark_files.py`: `load_benchmark(name)`, a script of `benchmarks/` as
  a module.

Importing the package imports none of its modules. `step_timer.py` imports
Keras (and TensorFlow) when imported; the others import, when imported,
only NumPy and ganzoo's manifest reader, and TensorFlow, onnxruntime or the
rest of ganzoo inside the functions that need them.
"""
