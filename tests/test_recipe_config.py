import dataclasses

import pytest

from ganzoo.recipe_config import make_config
from ganzoo.recipe_config import parse_config


@dataclasses.dataclass(frozen=True)
class _Config:
    epochs: int = 3
    rate: float = 0.5
    name: str = "a"
    export_dir: str | None = None
    take: int | None = None
    overwrite: bool = True


_PRESETS = {"default": {}, "smoke": {"epochs": 1, "take": 8}}


def test_presets_then_overrides():
    assert make_config(_Config, _PRESETS) == _Config()
    assert make_config(_Config, _PRESETS, "smoke", epochs=2) == _Config(epochs=2, take=8)
    with pytest.raises(ValueError, match="Unknown config fields \\['epoch'\\]"):
        make_config(_Config, _PRESETS, epoch=2)
    with pytest.raises(ValueError, match="Unknown preset"):
        make_config(_Config, _PRESETS, "paper")


def test_flags_parse_as_each_fields_type():
    config = parse_config(
        _Config,
        _PRESETS,
        ["--preset", "smoke", "--rate", "0.25", "--export-dir", "out/x", "--no-overwrite"],
    )
    assert config == _Config(epochs=1, take=8, rate=0.25, export_dir="out/x", overwrite=False)
    assert parse_config(_Config, _PRESETS, ["--take", "5"]).take == 5
    with pytest.raises(SystemExit):
        parse_config(_Config, _PRESETS, ["--epochs", "three"])
