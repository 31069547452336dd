import dataclasses

import pytest

from ganzoo.training.recipe_config import RUN_FIELDS
from ganzoo.training.recipe_config import RecipeConfig
from ganzoo.training.recipe_config import make_config
from ganzoo.training.recipe_config import parse_config
from ganzoo.training.recipe_files import load_recipe


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


@pytest.mark.parametrize(
    "name",
    [
        "dcgan_fashion_mnist",
        "cgan_fashion_mnist",
        "sgan_fashion_mnist",
        "cyclegan_horse2zebra",
        "dcgan_cifar10",
    ],
)
def test_training_recipes_share_the_run_fields_and_list_them_after_their_own(name, capsys):
    recipe = load_recipe(name)
    assert issubclass(recipe.Config, RecipeConfig)
    # What tests and benchmarks build from, instead of re-creating the networks.
    for attribute in ("PRESETS", "make_config", "build_networks", "build", "train", "main"):
        assert callable(getattr(recipe, attribute)) or attribute == "PRESETS", attribute
    config = recipe.make_config()
    # Each recipe writes to its own run directory, not the base's placeholder.
    assert config.run_dir == f"runs/{name}" and config.export_dir.startswith(config.run_dir)
    with pytest.raises(SystemExit):
        parse_config(recipe.Config, recipe.PRESETS, ["--help"])
    help_lines = capsys.readouterr().out.splitlines()
    flags = [line.split()[0].rstrip(",") for line in help_lines if line[:4] == "  --"]
    run_flags = ["--" + field.replace("_", "-") for field in RUN_FIELDS]
    assert flags[-len(run_flags) :] == run_flags
    assert "--epochs" in flags[: -len(run_flags)]


def test_build_makes_the_compiled_model_from_the_recipes_own_networks():
    recipe = load_recipe("cgan_fashion_mnist")
    config = recipe.make_config("smoke")
    networks = recipe.build_networks(config)
    gan = recipe.build(config, 10, networks=networks)
    assert gan.generator is networks["generator"]
    assert gan.discriminator is networks["discriminator"]
    assert gan.compiled and gan.latent_dim == config.latent_dim
