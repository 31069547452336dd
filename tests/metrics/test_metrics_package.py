"""The public surface of `ganzoo.metrics`: lazy Keras classes, light NumPy functions."""

import doctest
import importlib
import subprocess
import sys

import pytest

import ganzoo.metrics

PURE_MODULES = [
    "ganzoo.metrics.frechet_distance",
    "ganzoo.metrics.inception_score",
    "ganzoo.metrics.kernel_inception_distance",
    "ganzoo.metrics.parzen_window",
    "ganzoo.metrics.precision_recall",
]


def test_pure_functions_import_neither_tensorflow_keras_nor_scipy():
    code = (
        "import sys; import ganzoo.metrics; "
        "ganzoo.metrics.frechet_distance; ganzoo.metrics.kernel_inception_distance; "
        "ganzoo.metrics.precision_recall; ganzoo.metrics.inception_score; "
        "ganzoo.metrics.parzen_window_estimate; "
        f"[__import__(name) for name in {PURE_MODULES!r}]; "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'tensorflow', 'keras', 'scipy', 'sklearn'}); "
        "assert not heavy, heavy"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_keras_classes_resolve_lazily():
    from ganzoo.metrics import FrechetDistance

    assert FrechetDistance.__module__ == "ganzoo.metrics.frechet_distance_metric"
    assert ganzoo.metrics.KernelDistance.__name__ == "KernelDistance"
    assert set(ganzoo.metrics.__all__) <= set(dir(ganzoo.metrics))
    for name in ganzoo.metrics.__all__:
        assert getattr(ganzoo.metrics, name) is not None


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="no_such_metric"):
        ganzoo.metrics.no_such_metric  # noqa: B018


@pytest.mark.parametrize("module_name", PURE_MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    failures, attempts = doctest.testmod(module, verbose=False, report=True)
    assert attempts > 0
    assert failures == 0
