"""The training precisions ganzoo supports, the one it picks by default, and a scope that sets one.

Mixed precision (Micikevicius et al. 2018, "Mixed Precision Training") keeps
float32 weights and computes in 16 bits: `"mixed_float16"` needs loss scaling,
which the models add to both optimizers themselves
(`ganzoo.models.two_optimizers.check_optimizers`); `"mixed_bfloat16"` has
float32's exponent range and needs none. Network outputs stay float32, and
exports are float32 whatever the policy
(`ganzoo.export.float32_network.float32_network`).

`"auto"`, the recipes' default, is `"mixed_bfloat16"` where the hardware
computes bfloat16 natively and `"float32"` elsewhere (`auto_dtype_policy`);
`"mixed_float16"` is used only when asked for.
"""

import contextlib
import pathlib

import keras

DTYPE_POLICIES = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
"""The `dtype_policy` values of the recipes' configs."""

# x86 CPU flags (Linux /proc/cpuinfo) of native bfloat16 arithmetic: AVX-512
# BF16 (Cooper Lake, Zen 4 and later) and AMX-BF16 (Sapphire Rapids and later).
BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")
# Ampere (compute capability 8.0) is the first GPU generation with bfloat16
# tensor cores.
BFLOAT16_GPU_COMPUTE_CAPABILITY = (8, 0)


def auto_dtype_policy(cpu_flags=None, gpu_compute_capabilities=None, num_tpus=None):
    """The fastest correct training precision of this machine, and why.

    `"mixed_bfloat16"` on TPUs, on GPUs that all have compute capability 8.0
    or more (Ampere and newer), and, without GPUs or TPUs, on CPUs with
    AVX-512 BF16 or AMX-BF16; `"float32"` everywhere else (older GPUs, where
    bfloat16 is emulated, and CPUs without those instructions). On this
    project's AVX-512 BF16 CPU a train step of the Fashion-MNIST DCGAN is
    1.3-1.5x faster in bfloat16, of the CIFAR-10 one 2.1x (README). The
    arguments exist for tests; by default they are read from TensorFlow and
    `/proc/cpuinfo`.

    Args:
        cpu_flags: optional set of str, the CPU's feature flags.
        gpu_compute_capabilities: optional list of `(major, minor)`, one per
            visible GPU.
        num_tpus: optional int, visible TPU devices.

    Returns:
        `(policy, reason)`: str, `"mixed_bfloat16"` or `"float32"`, and a
        short str saying what decided it.
    """
    if num_tpus is None or gpu_compute_capabilities is None:
        import tensorflow as tf

        if num_tpus is None:
            num_tpus = len(tf.config.list_logical_devices("TPU"))
        if gpu_compute_capabilities is None:
            gpu_compute_capabilities = [
                tuple(
                    tf.config.experimental.get_device_details(gpu).get("compute_capability", (0, 0))
                )
                for gpu in tf.config.list_physical_devices("GPU")
            ]
    if num_tpus:
        return "mixed_bfloat16", f"{num_tpus} TPU cores"
    if gpu_compute_capabilities:
        oldest = min(gpu_compute_capabilities)
        if oldest >= BFLOAT16_GPU_COMPUTE_CAPABILITY:
            return "mixed_bfloat16", f"GPUs of compute capability >= {oldest[0]}.{oldest[1]}"
        return (
            "float32",
            f"a GPU of compute capability {oldest[0]}.{oldest[1]} (bfloat16 needs 8.0)",
        )
    if cpu_flags is None:
        cpu_flags = _cpu_flags()
    found = [flag for flag in BFLOAT16_CPU_FLAGS if flag in cpu_flags]
    if found:
        return "mixed_bfloat16", f"the CPU has {' and '.join(found)}"
    return "float32", "the CPU has no bfloat16 instructions (avx512_bf16, amx_bf16)"


@contextlib.contextmanager
def global_dtype_policy(name):
    """Sets Keras' global dtype policy to `name` inside the block, then restores it.

    Networks take their policy when they are built, so build them inside the
    block; training and export may happen outside it. `"auto"` is resolved
    with `auto_dtype_policy`, and the choice is printed (one line).

    Args:
        name: str, one of `DTYPE_POLICIES`.

    Raises:
        ValueError: if `name` is not one of `DTYPE_POLICIES`.
    """
    if name not in DTYPE_POLICIES:
        raise ValueError(f"`dtype_policy` must be one of {DTYPE_POLICIES}. Received: {name!r}")
    if name == "auto":
        name, reason = auto_dtype_policy()
        print(f"dtype policy: auto -> {name} ({reason}); exports stay float32.")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The CPU's feature flags from Linux's /proc/cpuinfo; empty elsewhere."""
    try:
        text = pathlib.Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        # "flags" on x86, "Features" on ARM.
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()
