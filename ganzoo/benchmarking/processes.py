"""Measurements in fresh processes, and what `/proc/self` says about memory and threads."""

import json
import os
import resource
import subprocess
import sys


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


def peak_rss_mib():
    """Peak resident memory of this process, MiB.

    `VmHWM` where `/proc` has it: `ru_maxrss` is updated lazily (it can read
    below the current RSS while memory grows), and Linux copies a parent's
    peak into a child's `ru_maxrss` at `exec`. `VmHWM` belongs to this
    process's own address space.
    """
    peak = _proc_status_mib("VmHWM:")
    if peak is None:
        # ru_maxrss is in KiB on Linux.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
