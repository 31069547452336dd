"""Every model's first three steps still give the recorded weights (`golden_steps.py`)."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = pathlib.Path(__file__).with_name("golden_steps.py")


@pytest.mark.large
def test_three_steps_match_the_record():
    # A fresh process: op determinism must be on before the first op runs.
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr[-3000:]
    report = json.loads(lines[-1])
    assert report["arrays"] > 200
    assert not report["problems"], (
        "A model's math changed: its weights after three steps differ from "
        "tests/models/golden_steps.npz. If the change is intended, re-record with "
        "`python tests/models/golden_steps.py --write` in the same commit and say why.\n"
        + "\n".join(report["problems"][:20])
    )
    assert result.returncode == 0, result.stderr[-3000:]
