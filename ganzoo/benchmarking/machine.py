"""What machine a benchmark ran on, and what else was running."""

import os
import pathlib
import platform

# CPU flags that decide which kernels TensorFlow (oneDNN) and onnxruntime (MLAS) can use.
CPU_FLAGS = (
    "avx2",
    "fma",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx512_bf16",
    "avx512_fp16",
    "avx_vnni",
    "amx_tile",
    "amx_int8",
    "amx_bf16",
)


def machine_facts():
    """CPU, its vector and matrix extensions, memory and package versions.

    Returns:
        dict with `cpu` (model name), `cpu_count` (logical CPUs), `cpu_flags`
        and `missing_cpu_flags` (of `CPU_FLAGS`), `memory` (e.g. `"23.4 GiB
        RAM"`), `python`, and `versions` (`ganzoo.export.manifest.package_versions`:
        the installed TensorFlow, Keras, onnxruntime, ...).
    """
    from ganzoo.export.manifest import package_versions

    cpu, flags, memory = platform.processor() or platform.machine(), set(), ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
        with open("/proc/meminfo") as meminfo:
            memory = f"{int(meminfo.readline().split()[1]) / 1024**2:.1f} GiB RAM"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "cpu_flags": [flag for flag in CPU_FLAGS if flag in flags],
        "missing_cpu_flags": [flag for flag in CPU_FLAGS if flag not in flags],
        "memory": memory,
        "python": platform.python_version(),
        "versions": package_versions(),
    }


def other_python_processes(exclude, max_length=160):
    """Command lines of the other running Python processes: jobs sharing the CPU.

    Args:
        exclude: str; commands containing it (the benchmark itself and its
            children) are left out, as are this process and its parent.
        max_length: int, characters kept of each command.

    Returns:
        list of str.
    """
    own = {os.getpid(), os.getppid()}
    commands = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in own:
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        if command and "python" in command.split(" ")[0] and exclude not in command:
            commands.append(command[:max_length])
    return commands


def runtime_facts():
    """`machine_facts()` and the thread settings TensorFlow and onnxruntime start with.

    Imports TensorFlow and onnxruntime.

    Returns:
        dict: the keys of `machine_facts()`, `onnxruntime_providers`, the
        defaults of an `onnxruntime.SessionOptions` (`onnxruntime_intra_op_num_threads`,
        `onnxruntime_inter_op_num_threads`, `onnxruntime_execution_mode`,
        `onnxruntime_graph_optimization_level`), TensorFlow's
        `tensorflow_intra_op_threads` and `tensorflow_inter_op_threads` (0:
        one per logical CPU) and `tf_enable_onednn_opts` (the environment
        variable, or `"unset (on)"`).
    """
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
