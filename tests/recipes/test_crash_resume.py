"""A recipe keeps its work: it resumes after SIGKILL; a failed or refused export keeps a backup."""

import dataclasses
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from ganzoo.callbacks import TrainingCheckpoint
from ganzoo.training.recipe_training import CollapsedGeneratorError

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "dcgan_fashion_mnist.py"
STEPS_PER_EPOCH = 96  # --take 3072 at batch 32


@pytest.mark.large
def test_a_killed_recipe_resumes_from_its_backup(tmp_path):
    run_dir, export_dir = tmp_path / "run", tmp_path / "export"
    command = [
        sys.executable,
        str(RECIPE),
        "--preset",
        "smoke",
        "--data-source",
        "idx",
        "--take",
        str(STEPS_PER_EPOCH * 32),
        "--epochs",
        "2",
        "--backup-every-steps",
        "8",
        "--run-dir",
        str(run_dir),
        "--export-dir",
        str(export_dir),
    ]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    backup = TrainingCheckpoint(run_dir / "backup")

    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        # Wait for a backup inside the second epoch, then kill without warning.
        while backup.resume_point().epoch < 1 or backup.resume_point().step == 0:
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no mid-epoch backup within 300 s"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        process.kill()
        first_output = process.stdout.read()
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL, first_output[-3000:]
    killed_at = backup.resume_point()
    assert killed_at.epoch == 1 and 0 < killed_at.step < STEPS_PER_EPOCH
    assert not export_dir.exists()
    first_grid = run_dir / "samples" / "epoch_001.png"
    first_grid_written = first_grid.stat().st_mtime_ns

    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=environment
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # It restored the backup and trained only what was left: the rest of
    # epoch 2, not epoch 1 again.
    assert f"epoch 2, step {killed_at.step}." in result.stdout
    assert f"(resumed at step {killed_at.step} of epoch 2)" in result.stdout
    assert first_grid.stat().st_mtime_ns == first_grid_written
    assert (run_dir / "samples" / "epoch_002.png").exists()
    manifest = json.loads((export_dir / "manifest.json").read_text())
    # Every step of both epochs was trained exactly once across the two processes.
    assert manifest["training_config"]["optimizer_steps"] == 2 * STEPS_PER_EPOCH
    assert not (run_dir / "backup").exists()


def _load_dcgan_recipe():
    from ganzoo.training.recipe_files import load_recipe

    return load_recipe(RECIPE)  # registered in sys.modules, as `ganzoo train` loads it


def test_a_bad_export_path_fails_before_the_first_step(tmp_path):
    recipe = _load_dcgan_recipe()
    not_a_directory = tmp_path / "README.md"
    not_a_directory.write_text("a file")
    config = recipe.make_config(
        "smoke", data_source="idx", run_dir=str(tmp_path / "run"), export_dir=str(not_a_directory)
    )
    with pytest.raises(FileExistsError, match="not a directory"):
        recipe.train(config)
    assert not (tmp_path / "run" / "samples").exists()
    existing = tmp_path / "exported"
    existing.mkdir()
    config = recipe.make_config(
        "smoke",
        data_source="idx",
        run_dir=str(tmp_path / "run"),
        export_dir=str(existing),
        overwrite=False,
    )
    with pytest.raises(FileExistsError, match="already exists"):
        recipe.train(config)
    assert not (tmp_path / "run" / "samples").exists()


@pytest.mark.large
def test_a_failed_export_keeps_the_backup_and_the_same_command_exports_without_training(
    tmp_path, monkeypatch, capsys
):
    recipe = _load_dcgan_recipe()
    config = recipe.make_config(
        "smoke",
        data_source="idx",
        run_dir=str(tmp_path / "run"),
        export_dir=str(tmp_path / "export"),
    )
    export_generator = recipe.export_generator

    def failing_export(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(recipe, "export_generator", failing_export)
    with pytest.raises(OSError, match="disk full"):
        recipe.train(config)
    backup = TrainingCheckpoint(tmp_path / "run" / "backup")
    assert backup.resume_point().epoch == config.epochs
    capsys.readouterr()
    monkeypatch.setattr(recipe, "export_generator", export_generator)
    gan, _ = recipe.train(config)
    assert (tmp_path / "export" / "model.onnx").exists()
    # No epoch ran the second time: the finished state was restored.
    assert "no epoch left to train" in capsys.readouterr().out
    assert int(gan.g_optimizer.iterations) == config.epochs * 8
    assert not (tmp_path / "run" / "backup").exists()


def test_a_diverged_generator_is_not_exported_until_forced_and_untrained_is_refused(
    tmp_path, capsys
):
    recipe = _load_dcgan_recipe()
    config = recipe.make_config(
        "smoke",
        data_source="idx",
        take=64,
        epochs=1,
        learning_rate=1000.0,  # every pixel of every sample ends at -1 or 1
        force=False,
        run_dir=str(tmp_path / "run"),
        export_dir=str(tmp_path / "export"),
    )
    with pytest.raises(ValueError, match="epochs` must be an int >= 1"):
        recipe.train(dataclasses.replace(config, epochs=0))
    assert not (tmp_path / "run").exists()

    with pytest.raises(CollapsedGeneratorError, match="diverged.*--force"):
        recipe.train(config)
    assert not (tmp_path / "export").exists()
    assert TrainingCheckpoint(tmp_path / "run" / "backup").resume_point().epoch == 1
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["recipe"] == "dcgan_fashion_mnist" and record["config"]["learning_rate"] == 1000

    # `ganzoo export RUN_DIR` exports the finished run from its backup.
    from ganzoo.cli import main

    capsys.readouterr()
    run_dir, export_dir = str(tmp_path / "run"), str(tmp_path / "export")
    assert main(["export", run_dir, "--export-dir", export_dir]) == 1  # refused again
    assert "diverged" in capsys.readouterr().err
    assert main(["export", run_dir, "--export-dir", export_dir, "--force"]) == 0
    assert (tmp_path / "export" / "model.onnx").exists()
    out = capsys.readouterr().out
    assert "no epoch left to train" in out and "Exporting because of --force" in out
    assert not (tmp_path / "run" / "backup").exists()  # discarded after the export
    assert main(["export", run_dir]) == 2
    assert "has no backup/" in capsys.readouterr().err
    assert main(["export", str(tmp_path)]) == 2
    assert "no config.json" in capsys.readouterr().err
