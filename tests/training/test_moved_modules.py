"""The modules that moved into `ganzoo.training` stay importable at their old paths until 0.2."""

import importlib
import sys

import pytest

MOVED = (
    "precision",
    "distribution",
    "optimizers",
    "recipe_config",
    "recipe_training",
    "recipe_files",
)


@pytest.mark.parametrize("name", MOVED)
def test_the_old_path_warns_and_is_the_same_module(name, monkeypatch):
    monkeypatch.delitem(sys.modules, f"ganzoo.{name}", raising=False)
    with pytest.warns(DeprecationWarning, match=f"ganzoo.{name} moved to ganzoo.training.{name}"):
        old = importlib.import_module(f"ganzoo.{name}")
    assert old is importlib.import_module(f"ganzoo.training.{name}")
