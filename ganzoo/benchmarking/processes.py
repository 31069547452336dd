"""Measurements in fresh processes, and what `/proc/self` says about memory and threads."""

import json
import os
import resource
import subprocess
import sys
import time


def run_child(script, arguments, cwd=None):
    """Runs `python script *arguments` and returns the JSON on its last output line.

    A fresh interpreter per measurement: memory peaks and imports are its own,
    not those of the benchmark that started it.

    Args:
        script: path of the benchmark script.
        arguments: list of str.
        cwd: working directory of the child.

    Returns:
        The decoded JSON value.

    Raises:
        RuntimeError: if the child fails; the message holds the ends of its
            output and error streams.
    """
    command = [sys.executable, str(script), *arguments]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_peak_memory(load, run, calls=1):
    """What loading something and running it costs this process in memory.

    Call it in a fresh process (`run_child`) that has imported what the
    measurement needs and nothing else, so that the baseline is those
    imports and the peak is the process's own.

    Args:
        load: callable of no arguments; loads what `run` runs (a model, a
            runtime session) and returns it.
        run: callable taking what `load` returned: one call (or one block of
            steps) of the work.
        calls: int >= 1, how often `run` is called.

    Returns:
        dict with `baseline_rss_mib` (resident set before `load`),
        `load_seconds`, `threads` (OS threads after the first call, None
        without `/proc`), `peak_rss_mib` (`peak_rss_mib()` after the last
        call, at least the baseline: the kernel's high-water mark can miss
        an RSS already observed), `ru_maxrss_mib` (`getrusage`'s figure, for
        comparison) and `result` (what the last call of `run` returned).

    Raises:
        ValueError: if `calls` is below 1.
    """
    if calls < 1:
        raise ValueError(f"`calls` must be at least 1. Received: {calls!r}.")
    baseline_rss_mib = current_rss_mib()
    start = time.perf_counter()
    loaded = load()
    load_seconds = time.perf_counter() - start
    result = run(loaded)
    threads = thread_count()
    for _ in range(calls - 1):
        result = run(loaded)
    return {
        "baseline_rss_mib": baseline_rss_mib,
        "load_seconds": load_seconds,
        "threads": threads,
        "peak_rss_mib": max(peak_rss_mib(), baseline_rss_mib or 0.0),
        "ru_maxrss_mib": _ru_maxrss_mib(),
        "result": result,
    }


def peak_rss_mib():
    """Peak resident memory of this process, MiB.

    `VmHWM` where `/proc` has it: `ru_maxrss` is updated lazily (it can read
    below the current RSS while memory grows), and Linux copies a parent's
    peak into a child's `ru_maxrss` at `exec`. `VmHWM` belongs to this
    process's own address space.
    """
    peak = _proc_status_mib("VmHWM:")
    if peak is None:
        peak = _ru_maxrss_mib()
    return peak


def current_rss_mib():
    """Resident memory of this process now, MiB (None without `/proc`)."""
    return _proc_status_mib("VmRSS:")


def thread_count():
    """Threads of this process (None without `/proc`)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def _proc_status_mib(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _ru_maxrss_mib():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
