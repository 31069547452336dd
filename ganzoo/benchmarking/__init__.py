"""What every ganzoo benchmark script shares: the machine, child processes, memory, reports.

The scripts in `benchmarks/` are their measurements; this package is their
harness (as `flax.testing.Benchmark` is flax's):

- `machine.py`: `machine_facts()` (CPU, its vector and matrix extensions,
  memory, package versions) and `other_python_processes()` (the jobs that
  shared the CPU), for every report.
- `processes.py`: `run_child(script, arguments)` runs a measurement in a fresh
  interpreter and returns the JSON it printed; `peak_rss_mib()`,
  `current_rss_mib()` and `thread_count()` read `/proc/self`.
- `reports.py`: `median`, `existing_summary(path)` (keeps the hand-written
  summary of a Markdown report across reruns) and `write_jsonl(rows, path)`.

Nothing here imports TensorFlow.
"""
