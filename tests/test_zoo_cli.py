"""The zoo's Python face (`ganzoo.zoo`) and the `ganzoo` subcommands, on the shipped models."""

import json
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from ganzoo import zoo
from ganzoo.cli import main
from ganzoo.images import image_grid
from ganzoo.images import to_uint8
from ganzoo.latents import interpolate_latents
from ganzoo.latents import sample_latents
from ganzoo.runtime import OnnxConditionalGenerator
from ganzoo.runtime import OnnxGenerator
from ganzoo.runtime import OnnxImageTranslator

REPO = pathlib.Path(__file__).resolve().parents[1]
EXPORTED = REPO / "exported"
DCGAN = EXPORTED / "dcgan_fashion_mnist"
CLASSIFIER = EXPORTED / "classifiers" / "fashion_mnist"
CGAN = EXPORTED / "cgan_fashion_mnist"
G_X_TO_Y = EXPORTED / "cyclegan_sneaker2boot" / "g_x_to_y"


def _png(path):
    return np.asarray(Image.open(path))


def test_help_of_every_command_and_list_import_neither_tensorflow_nor_onnxruntime():
    script = """
import contextlib, io, sys
from ganzoo.cli import main
commands = ["list", "info", "sample", "interpolate", "translate", "train", "export", "evaluate"]
for argv in [["--help"]] + [[command, "--help"] for command in commands]:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main(argv)
        except SystemExit as exit:
            assert exit.code == 0, (argv, exit.code)
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["list"]) == 0 and main(["info", "dcgan_fashion_mnist"]) == 0
print(sorted(name for name in ("tensorflow", "onnxruntime", "keras") if name in sys.modules))
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip() == "[]"


def test_every_option_says_its_default_in_its_help():
    import argparse

    from ganzoo.cli import build_parser

    (subcommands,) = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    checked = 0
    for name, parser in subcommands.choices.items():
        help_text = " ".join(parser.format_help().split())
        for action in parser._actions:
            if not action.option_strings or action.dest in ("help", "debug") or action.required:
                continue
            assert action.help, (name, action.dest)
            rendered = " ".join((action.help % {"default": action.default}).split())
            if (
                action.default is None or action.default is False
            ):  # flags, and defaults described in words
                assert action.const is True or "default" in rendered, (name, action.dest)
            else:
                assert f"{rendered} (default: {action.default})" in help_text, (name, action.dest)
            checked += 1
    assert checked > 20


def test_usage_errors_are_one_line_with_exit_status_2_and_debug_shows_the_traceback(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "dcgan_fashion_mnist", "--seed", "-1"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("ganzoo sample: error: argument --seed: must be >= 0")
    assert error.count("\n") == 1

    assert main(["sample", "cgan_fashion_mnist", "--labels", "shoe"]) == 2
    error = capsys.readouterr().err
    assert "unknown label 'shoe'" in error and "Ankle boot" in error and error.count("\n") == 1

    assert main(["sample", "cyclegan_sneaker2boot"]) == 2  # a pair: name one direction
    assert "cyclegan_sneaker2boot/g_x_to_y" in capsys.readouterr().err

    assert main(["sample", "dcgan_fashion_mnist", "-n", "2000", "--out", "grid.png"]) == 2
    assert "--out DIR/" in capsys.readouterr().err

    from ganzoo.cli import UsageError

    with pytest.raises(UsageError, match="takes no --labels"):
        main(["sample", "dcgan_fashion_mnist", "--labels", "3", "--debug"])


def test_zoo_lists_finds_and_loads_the_shipped_models(tmp_path):
    names = [entry.name for entry in zoo.list(EXPORTED)]
    assert {
        "dcgan_fashion_mnist",
        "cgan_fashion_mnist",
        "classifiers/fashion_mnist",
        "cyclegan_sneaker2boot/g_x_to_y",
        "cyclegan_sneaker2boot/f_y_to_x",
    } <= set(names)
    assert names == sorted(names)
    dcgan = zoo.find("dcgan_fashion_mnist", EXPORTED)
    metrics = dcgan.manifest["metrics"]
    assert dcgan.headline_metrics["fid_domain"] == metrics["generated"]["fid_domain"]
    assert dcgan.headline_metrics["num_generated"] == metrics["num_generated"]
    scores = zoo.find(G_X_TO_Y).manifest["training_config"]["translation_scores"]
    assert zoo.find("cyclegan_sneaker2boot/g_x_to_y", EXPORTED).headline_metrics == {
        "success": scores["x_to_y_success"],
        "cycle_l1": scores["x_cycle_l1"],
        "num_test_images": scores["num_x"],
    }
    f = zoo.find("cyclegan_sneaker2boot/f_y_to_x", EXPORTED)
    assert f.headline_metrics["success"] == scores["y_to_x_success"]

    assert isinstance(zoo.load("dcgan_fashion_mnist", EXPORTED), OnnxGenerator)
    assert isinstance(zoo.load(CGAN), OnnxConditionalGenerator)  # a path works too
    with pytest.raises(ValueError, match="holds 2 models"):
        zoo.find("cyclegan_sneaker2boot", EXPORTED)
    with pytest.raises(FileNotFoundError, match="dcgan_fashion_mnist"):
        zoo.find("no_such_model", EXPORTED)

    # Another zoo directory: a copied entry is found, an export's staging dir is not.
    shutil.copytree(DCGAN, tmp_path / "mine" / "dcgan")
    shutil.copytree(DCGAN, tmp_path / ".dcgan.staging")
    assert [entry.name for entry in zoo.list(tmp_path)] == ["mine/dcgan"]
    with pytest.raises(FileNotFoundError, match="No zoo directory"):
        zoo.list(tmp_path / "missing")


def test_list_and_info_show_the_manifest(capsys):
    assert main(["list", "--zoo", str(EXPORTED), "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["dcgan_fashion_mnist"]["task"] == "unconditional_image_generation"
    assert rows["dcgan_fashion_mnist"]["size_bytes"] > 1_000_000
    assert main(["info", "cgan_fashion_mnist"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cgan_fashion_mnist: conditional generator")
    assert "Ankle boot" in out and "fid_domain" in out


def test_sample_writes_the_runtimes_images_as_a_grid_and_as_files(tmp_path, capsys):
    generator = OnnxGenerator(DCGAN)
    expected = generator.sample(6, seed=3)
    assert (
        main(
            [
                "sample",
                "dcgan_fashion_mnist",
                "-n",
                "6",
                "--seed",
                "3",
                "--columns",
                "3",
                "--out",
                str(tmp_path / "grid.png"),
            ]
        )
        == 0
    )
    grid = _png(tmp_path / "grid.png")
    np.testing.assert_array_equal(grid, image_grid(expected, num_columns=3)[..., 0])

    assert (
        main(
            ["sample", str(DCGAN), "-n", "6", "--seed", "3", "--out", str(tmp_path / "files") + "/"]
        )
        == 0
    )
    files = sorted((tmp_path / "files").iterdir())
    assert [path.name for path in files] == [f"sample_{i:05d}.png" for i in range(6)]
    np.testing.assert_array_equal(_png(files[4]), to_uint8(expected[4])[..., 0])
    assert "Wrote 6 samples" in capsys.readouterr().out

    # Conditional: labels by name or index, repeated to fill -n.
    assert (
        main(
            [
                "sample",
                "cgan_fashion_mnist",
                "--labels",
                "sneaker",
                "3",
                "-n",
                "3",
                "--out",
                str(tmp_path / "shoes") + "/",
            ]
        )
        == 0
    )
    files = sorted((tmp_path / "shoes").iterdir())
    assert [path.name for path in files] == [
        "sample_00000_label7.png",
        "sample_00001_label3.png",
        "sample_00002_label7.png",
    ]
    expected = OnnxConditionalGenerator(CGAN).sample([7, 3, 7], seed=0)
    np.testing.assert_array_equal(_png(files[1]), to_uint8(expected[1])[..., 0])


def test_interpolate_writes_latent_walks_as_png_rows_and_gif_frames(tmp_path):
    generator = OnnxGenerator(DCGAN)
    ends = sample_latents(4, generator.latent_dim, seed=5)
    walk = interpolate_latents(ends[2], ends[3], num_steps=5)  # the second row
    expected = generator.generate(walk)
    walks = ["interpolate", "dcgan_fashion_mnist", "--steps", "5", "--rows", "2", "--seed", "5"]
    assert main([*walks, "--out", str(tmp_path / "walk.png")]) == 0
    grid = _png(tmp_path / "walk.png")
    height = expected.shape[1]
    assert grid.shape == (2 * height + 2, 5 * height + 4 * 2)
    np.testing.assert_array_equal(grid[height + 2 :], image_grid(expected, 5)[..., 0])

    assert main([*walks, "--out", str(tmp_path / "walk.gif")]) == 0
    with Image.open(tmp_path / "walk.gif") as animation:
        assert animation.n_frames == 5
        animation.seek(4)  # the last step: both walks' end points
        last = np.asarray(animation.convert("L"))
    ends_images = generator.generate(ends[[1, 3]])
    np.testing.assert_array_equal(last, image_grid(ends_images, 2)[..., 0])


def test_translate_turns_image_files_into_the_runtimes_translations(tmp_path, capsys):
    translator = OnnxImageTranslator(G_X_TO_Y)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (2, 32, 32), dtype=np.uint8)
    for name, image in zip(("a.png", "b.png"), pixels, strict=True):
        Image.fromarray(image).save(tmp_path / name)
    inputs = [str(tmp_path / "a.png"), str(tmp_path / "b.png")]
    assert (
        main(
            ["translate", "cyclegan_sneaker2boot/g_x_to_y", *inputs, "--out", str(tmp_path / "out")]
        )
        == 0
    )
    images = np.repeat(pixels[..., None], 3, axis=-1).astype(np.float32) / 127.5 - 1.0
    expected = translator.to_uint8(translator.translate(images))
    np.testing.assert_array_equal(_png(tmp_path / "out" / "b.png"), expected[1])
    assert "sneaker -> ankle boot" in capsys.readouterr().out

    # Checked before the model loads: missing files, clashing names, wrong task.
    (tmp_path / "other").mkdir()
    Image.fromarray(pixels[0]).save(tmp_path / "other" / "a.png")
    for argv, message in [
        ([str(tmp_path / "missing.png")], "no such image file"),
        ([inputs[0], str(tmp_path / "other" / "a.png")], "both be written as a.png"),
        # A multiple of 4 that used to fail inside onnxruntime.
        ([inputs[0], "--resize", "4"], "a multiple of 4 and at least 8"),
    ]:
        assert main(["translate", str(G_X_TO_Y), *argv, "--out", str(tmp_path / "x")]) == 2
        assert message in capsys.readouterr().err
    assert main(["translate", "dcgan_fashion_mnist", inputs[0], "--out", str(tmp_path)]) == 2
    assert "not a translator" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_train_runs_a_recipe_with_its_own_flags(tmp_path, capsys):
    recipe = tmp_path / "echo_recipe.py"
    recipe.write_text(
        '"""A recipe that records its flags."""\n'
        "import json, pathlib\n"
        "import sys\n"
        "def main(argv=None):\n"
        "    record = {'argv': argv, 'program': sys.argv[0]}\n"
        "    pathlib.Path(__file__).with_suffix('.json').write_text(json.dumps(record))\n"
        "    return 3\n"
    )
    program = sys.argv[0]
    assert main(["train", str(recipe), "--preset", "zoo", "--epochs", "2"]) == 3
    record = json.loads(recipe.with_suffix(".json").read_text())
    assert record["argv"] == ["--preset", "zoo", "--epochs", "2"]
    # The recipe's argparse names itself `ganzoo train NAME` in usage and errors.
    assert record["program"] == f"ganzoo train {recipe}"
    assert sys.argv[0] == program
    assert main(["train", "no_such_recipe"]) == 2
    assert "dcgan_fashion_mnist" in capsys.readouterr().err  # lists what there is


def test_evaluate_refuses_to_replace_better_sampled_metrics_before_loading_anything(tmp_path):
    from ganzoo.evaluation import evaluate

    shutil.copytree(DCGAN, tmp_path / "dcgan")
    shipped = (tmp_path / "dcgan" / "manifest.json").read_bytes()
    with pytest.raises(ValueError, match="10,000-sample 'metrics'"):
        evaluate(tmp_path / "dcgan", num_samples=10, write=True)
    assert (tmp_path / "dcgan" / "manifest.json").read_bytes() == shipped


@pytest.mark.large
def test_evaluate_scores_the_int8_copy_beside_the_float32_scores(tmp_path, capsys):
    from ganzoo.export import quantize_int8

    shutil.copytree(DCGAN, tmp_path / "dcgan")
    calibration = [{"z": sample_latents(32, 100, seed=1000 + index)} for index in range(2)]
    quantize_int8(tmp_path / "dcgan", calibration, calibration="64 draws of z")
    shipped = json.loads((tmp_path / "dcgan" / "manifest.json").read_text())["metrics"]
    arguments = ["evaluate", str(tmp_path / "dcgan"), "--num-samples", "200", "--write"]
    # 200 samples may be written: the 10,000-sample scores are the float32 graph's.
    assert main([*arguments, "--backend", "onnxruntime_int8", "--classifier", str(CLASSIFIER)]) == 0
    manifest = json.loads((tmp_path / "dcgan" / "manifest.json").read_text())
    assert manifest["metrics"] == shipped
    int8 = manifest["metrics_onnxruntime_int8"]
    assert int8["num_generated"] == 200 and int8["generated"]["fid_domain"] > 0
    assert f"{int8['generated']['fid_domain']:.4g}" in capsys.readouterr().out
    assert main([*arguments, "--backend", "litert", "--features", "inception"]) == 2
