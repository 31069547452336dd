"""The lazy public surface of `ganzoo.export`."""

import importlib
import subprocess
import sys
import types

import pytest

import ganzoo.export


def test_public_names_resolve_to_their_objects():
    from ganzoo.export import export_generator

    assert isinstance(export_generator, types.FunctionType)
    assert export_generator.__module__ == "ganzoo.export.generator_export"
    module = importlib.import_module("ganzoo.export.generator_export")
    assert isinstance(module, types.ModuleType)
    assert ganzoo.export.ParityError is module.ParityError
    assert issubclass(ganzoo.export.ParityError, ValueError)
    assert callable(ganzoo.export.export_saved_model)
    assert callable(ganzoo.export.export_onnx)
    assert ganzoo.export.OnnxGenerator.__name__ == "OnnxGenerator"
    assert set(ganzoo.export.__all__) <= set(dir(ganzoo.export))


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="no_such_thing"):
        ganzoo.export.no_such_thing  # noqa: B018


def test_importing_the_package_is_light():
    code = (
        "import sys, ganzoo.export as e; "
        "assert not [m for m in sys.modules if m.split('.')[0] in "
        "('tensorflow', 'keras', 'onnx', 'onnxruntime')], 'heavy import'; "
        "e.OnnxGenerator; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
