import json
import pathlib

import numpy as np
import pytest

from ganzoo.training.recipe_files import load_recipe
from tests.test_case import run_recipe_smoke

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "dcgan_fashion_mnist.py"


def test_presets_override_only_known_fields():
    recipe = load_recipe("dcgan_fashion_mnist")
    default = recipe.make_config()
    # The paper's defaults (Radford et al. 2016, Sec. 4).
    assert (default.batch_size, default.latent_dim, default.learning_rate, default.beta_1) == (
        128,
        100,
        2e-4,
        0.5,
    )
    smoke = recipe.make_config("smoke", epochs=1)
    assert smoke.epochs == 1 and smoke.base_filters == 8 and smoke.learning_rate == 2e-4
    with pytest.raises(ValueError, match="Unknown config fields"):
        recipe.make_config(epoch=3)
    with pytest.raises(ValueError, match="Unknown preset"):
        recipe.make_config("huge")
    parsed = recipe.parse_args(["--preset", "smoke", "--batch-size", "16", "--no-overwrite"])
    assert parsed.batch_size == 16 and parsed.overwrite is False and parsed.take == 256
    # The shipped model: trained on the first 50,000, chosen on the last 10,000
    # training images, in the precision the hardware runs fastest (emulated
    # bfloat16 is 3.5x slower than float32 on a CPU without bfloat16
    # instructions), exported into its run directory.
    zoo = recipe.make_config("zoo")
    assert (zoo.train_split, zoo.validation_split) == ("train[:50000]", "train[50000:]")
    assert zoo.dtype_policy == "auto" and zoo.early_stopping_patience
    assert zoo.export_dir.startswith(zoo.run_dir) and not zoo.export_dir.startswith("exported")


def test_selection_on_the_test_split_is_refused_before_training(tmp_path):
    from ganzoo.training.recipe_training import generator_selection_callbacks

    recipe = load_recipe("dcgan_fashion_mnist")
    config = recipe.make_config("smoke", validation_split="test[:5000]", run_dir=str(tmp_path))
    with pytest.raises(ValueError, match="must not be a part of the test split"):
        generator_selection_callbacks(config, recipe.CLASSIFIER_DIR / "fashion_mnist")


@pytest.mark.large
def test_smoke_preset_trains_on_real_fashion_mnist_and_exports(tmp_path):
    # bfloat16 with XLA here; the other recipes' smoke tests run float32 without it.
    run_dir, export_dir, result = run_recipe_smoke(
        "dcgan_fashion_mnist",
        tmp_path,
        "--dtype-policy",
        "mixed_bfloat16",
        "--jit-compile",
        # The export is then the averaged generator, rebuilt in float32.
        "--generator-ema-decay",
        "0.9",
        # The unrolled generator step, XLA-compiled.
        "--unrolling-steps",
        "2",
        "--unrolling-learning-rate",
        "0.02",
        # The best epoch by domain FID on validation images is what is exported.
        "--train-split",
        "train[:50000]",
        "--validation-split",
        "train[50000:]",
        "--evaluation-samples",
        "200",
    )
    assert f"Exported the trained model to {export_dir}" in result.stdout

    assert sorted(p.name for p in (run_dir / "samples").iterdir()) == [
        "epoch_001.png",
        "epoch_002.png",
    ]
    # The generator changed between the epochs' fixed-z grids.
    grids = [
        (run_dir / "samples" / name).read_bytes() for name in ("epoch_001.png", "epoch_002.png")
    ]
    assert grids[0] != grids[1]
    assert (run_dir / "loss_curves.png").stat().st_size > 0
    assert (run_dir / "checkpoint.weights.h5").stat().st_size > 0

    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert manifest["dataset"] == "fashion_mnist"
    assert manifest["training_config"]["epochs"] == 2
    assert manifest["training_config"]["dtype_policy"] == "mixed_bfloat16"
    assert manifest["training_config"]["dtype_policy_used"] == "mixed_bfloat16"
    assert manifest["training_config"]["jit_compile"] is True
    assert manifest["training_config"]["unrolling_steps"] == 2
    # The default hinge loss logs raw critic outputs, not D(x) probabilities.
    assert {"critic_real", "critic_fake"} <= set(manifest["training_config"]["final_metrics"])
    assert "d_real" not in manifest["training_config"]["final_metrics"]
    assert max(manifest["parity"]["max_abs_diff"].values()) <= 1e-4
    evaluation = json.loads((run_dir / "evaluation.json").read_text())
    scores = [entry["fid_domain"] for entry in evaluation["history"]]
    assert len(scores) == 2
    assert (run_dir / "evaluation.png").stat().st_size > 0
    assert all(0.0 <= entry["recall"] <= 1.0 for entry in evaluation["history"])
    assert manifest["training_config"]["best_epoch"] == int(np.argmin(scores)) + 1
    best_grid = run_dir / "samples" / f"epoch_{manifest['training_config']['best_epoch']:03d}.png"
    assert (export_dir / "samples.png").read_bytes() == best_grid.read_bytes()
    for name in ("samples.png", "loss_curves.png", "model.onnx"):
        assert (export_dir / name).stat().st_size > 0
    # The selection's record ships with the model it selected.
    assert json.loads((export_dir / "evaluation.json").read_text()) == evaluation
    assert {"evaluation.json", "evaluation.png"} <= set(manifest["files"]["extra"])

    import onnx

    # Trained in bfloat16, exported in float32: no 16-bit tensor or cast in the graph.
    graph = onnx.load(str(export_dir / "model.onnx")).graph
    types = {init.data_type for init in graph.initializer}
    types |= {a.i for n in graph.node if n.op_type == "Cast" for a in n.attribute if a.name == "to"}
    assert onnx.TensorProto.FLOAT in types
    assert not types & {onnx.TensorProto.BFLOAT16, onnx.TensorProto.FLOAT16}

    from ganzoo.runtime import OnnxGenerator

    generator = OnnxGenerator(export_dir)
    images = generator.sample(4, seed=0)
    assert images.shape == (4, 28, 28, 1)
    assert -1.0 <= images.min() and images.max() <= 1.0
    # The same seed gives the same latents in and out of TensorFlow.
    np.testing.assert_array_equal(images, generator.sample(4, seed=0))


@pytest.mark.parametrize("fresh", [False, True])
def test_an_earlier_runs_selection_carries_over_only_into_its_resumption(tmp_path, fresh):
    from ganzoo.training.recipe_training import generator_selection_callbacks

    recipe = load_recipe("dcgan_fashion_mnist")
    (tmp_path / "backup").mkdir()  # the earlier run's backup: a resumption
    (tmp_path / "evaluation.json").write_text("{}")
    (tmp_path / "best_generator.weights.h5").write_text("")
    config = recipe.make_config(
        "smoke",
        data_source="idx",
        train_split="train[:50000]",
        validation_split="train[59000:]",
        run_dir=str(tmp_path),
        fresh=fresh,
    )
    generator_selection_callbacks(config, recipe.CLASSIFIER_DIR / "fashion_mnist")
    # --fresh discards the backup and must discard the choice made with it.
    kept = (
        (tmp_path / "evaluation.json").exists(),
        (tmp_path / "best_generator.weights.h5").exists(),
    )
    assert kept == (not fresh, not fresh)
