"""`benchmarks/stabilizers.py` runs, resumes and tabulates on a tiny budget."""

import importlib.util
import json
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "stabilizers.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("stabilizers_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark = _load_script()
TINY = ["--epochs", "1", "--take", "256", "--base-filters", "8", "--num-samples", "128"]


@pytest.mark.large
def test_two_configurations_two_seeds_then_a_resumed_call(tmp_path):
    output = tmp_path / "stabilizers"
    arguments = ["--configs", "baseline", "ema", "--seeds", "0", "1", *TINY]
    benchmark.main([*arguments, "--output", str(output)])
    records = benchmark.read_records(output.with_suffix(".jsonl"))
    assert [(r["config"], r["seed"]) for r in records] == [
        ("baseline", 0),
        ("ema", 0),
        ("baseline", 1),
        ("ema", 1),
    ]
    for record in records:
        metrics = record["metrics"]
        assert metrics["fid_domain"] > 0 and metrics["train_seconds"] > 0
        assert 0 <= metrics["precision_domain"] <= 1 and 0 <= metrics["recall_domain"] <= 1
    assert records[1]["settings"]["generator_ema_decay"] == 0.999
    assert records[0]["settings"]["generator_ema_decay"] is None
    table = output.with_suffix(".md").read_text()
    assert "| non-saturating (baseline) | 0, 1 |" in table
    assert "| + EMA (0.999, warm-up) | 0, 1 |" in table
    assert "Floor (real training images" in table

    # A second call with the same settings trains nothing new.
    benchmark.main([*arguments, "--output", str(output)])
    assert len(output.with_suffix(".jsonl").read_text().splitlines()) == 4


def test_configurations_map_to_recipe_configs():
    recipe = benchmark._load_recipe()
    wgan = benchmark.config_for(recipe, "wgan_gp", seed=2, base_overrides={"epochs": 1})
    assert (wgan.gradient_penalty, wgan.discriminator_steps, wgan.batch_normalization) == (
        "wgan_gp",
        5,
        False,
    )
    assert (wgan.seed, wgan.epochs) == (2, 1)
    r1 = benchmark.config_for(recipe, "r1", seed=0, base_overrides={})
    assert (r1.gradient_penalty, r1.batch_normalization) == ("r1", False)
    with pytest.raises(ValueError, match="Unknown configuration 'r3'"):
        benchmark.config_for(recipe, "r3", seed=0, base_overrides={})
    json.dumps(benchmark._settings(r1))
    # The rows stay "non-saturating baseline + X" although the recipe now
    # defaults to hinge; a preset's own loss wins.
    assert recipe.make_config().generator_loss == "hinge"
    for name, loss in (
        ("baseline", "non_saturating"),
        ("label_smoothing", "non_saturating"),
        ("ttur", "non_saturating"),
        ("hinge", "hinge"),
        ("best", "hinge"),
        ("wgan_gp", "wasserstein"),
    ):
        config = benchmark.config_for(recipe, name, seed=0, base_overrides={})
        assert config.generator_loss == loss, name
