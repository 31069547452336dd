"""ganzoo.training.precision: the default follows the hardware; the scope sets and restores it."""

import keras
import pytest

from ganzoo.training.precision import _cpu_flags
from ganzoo.training.precision import auto_dtype_policy
from ganzoo.training.precision import global_dtype_policy


@pytest.mark.parametrize(
    ("hardware", "expected", "reason"),
    [
        ({"cpu_flags": {"avx2", "avx512f", "avx512_bf16"}}, "mixed_bfloat16", "avx512_bf16"),
        ({"cpu_flags": {"amx_bf16", "amx_tile"}}, "mixed_bfloat16", "amx_bf16"),
        ({"cpu_flags": {"avx2", "avx512f"}}, "float32", "no bfloat16"),
        ({"cpu_flags": set()}, "float32", "no bfloat16"),
        # Any GPU decides over the CPU, and the oldest GPU decides.
        ({"gpu_compute_capabilities": [(8, 6), (9, 0)]}, "mixed_bfloat16", ">= 8.6"),
        ({"gpu_compute_capabilities": [(7, 5), (8, 0)]}, "float32", "7.5"),
        ({"num_tpus": 8, "gpu_compute_capabilities": [(7, 0)]}, "mixed_bfloat16", "TPU"),
    ],
)
def test_auto_dtype_policy_picks_bfloat16_only_where_the_hardware_has_it(
    hardware, expected, reason
):
    arguments = {"cpu_flags": {"avx512_bf16"}, "gpu_compute_capabilities": [], "num_tpus": 0}
    policy, why = auto_dtype_policy(**{**arguments, **hardware})
    assert policy == expected
    assert reason in why


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512_bf16\n\nprocessor\t: 1\n")
    assert _cpu_flags(cpuinfo) == {"fpu", "sse2", "avx512_bf16"}
    assert _cpu_flags(tmp_path / "missing") == set()


def test_global_dtype_policy_resolves_auto_prints_it_and_restores(capsys):
    before = keras.config.dtype_policy().name
    expected = auto_dtype_policy()[0]
    with global_dtype_policy("auto"):
        assert keras.config.dtype_policy().name == expected
        assert keras.layers.Dense(2).dtype_policy.name == expected
    assert keras.config.dtype_policy().name == before
    assert f"dtype policy: auto -> {expected}" in capsys.readouterr().out
    with pytest.raises(ValueError, match="'bfloat16'"):
        with global_dtype_policy("bfloat16"):
            pass
    with pytest.raises(ValueError, match="dtype_policy"):
        with global_dtype_policy("float64"):
            pass
