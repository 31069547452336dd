"""Every Python snippet in README.md runs, as a user would paste it."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
SNIPPETS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)


def test_readme_has_python_snippets():
    assert len(SNIPPETS) >= 2


@pytest.mark.large
@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs(index, tmp_path):
    # Run from a scratch directory that sees the committed exports, so a
    # snippet that exports writes there and not into the checkout.
    (tmp_path / "exported").mkdir()
    for export in (REPO / "exported").iterdir():
        (tmp_path / "exported" / export.name).symlink_to(export)
    script = tmp_path / f"snippet_{index}.py"
    script.write_text(SNIPPETS[index])
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
