"""`ganzoo.benchmarking`: the pieces every benchmark script shares."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from ganzoo.benchmarking.machine import machine_facts
from ganzoo.benchmarking.machine import other_python_processes
from ganzoo.benchmarking.processes import current_rss_mib
from ganzoo.benchmarking.processes import peak_rss_mib
from ganzoo.benchmarking.processes import run_child
from ganzoo.benchmarking.reports import SUMMARY_END
from ganzoo.benchmarking.reports import SUMMARY_START
from ganzoo.benchmarking.reports import existing_summary
from ganzoo.benchmarking.reports import median
from ganzoo.benchmarking.reports import write_jsonl


@pytest.mark.parametrize("values", [[3.0], [5.0, 1.0], [4.0, 1.0, 9.0, 2.0, 7.0], [2, 8, 1, 6]])
def test_median_is_numpys(values):
    assert median(values) == pytest.approx(float(np.median(values)))


def test_a_rerun_keeps_the_hand_written_summary(tmp_path):
    path = tmp_path / "report.md"
    path.write_text(f"# Title\n\n{SUMMARY_START}\nWhat it means.\n{SUMMARY_END}\n")
    assert existing_summary(path).strip() == "What it means."
    assert existing_summary(tmp_path / "missing.md") is None


def test_jsonl_holds_one_row_per_line(tmp_path):
    rows = [{"a": 1}, {"b": [1.5, None]}]
    write_jsonl(rows, tmp_path / "rows.jsonl")
    lines = (tmp_path / "rows.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == rows


def test_a_child_reports_its_own_memory_and_failures_name_the_command(tmp_path):
    script = tmp_path / "measure.py"
    script.write_text(
        "import json, sys\n"
        "from ganzoo.benchmarking.processes import peak_rss_mib\n"
        "if sys.argv[1] == 'fail':\n    raise SystemExit('broken on purpose')\n"
        "block = bytearray(200 * 2**20)\n"
        "print('noise')\nprint(json.dumps({'peak': peak_rss_mib(), 'arg': sys.argv[1]}))\n"
    )
    result = run_child(script, ["ok"], cwd=tmp_path)
    # The 200 MiB block is in the child's peak, not in this process's.
    assert result["arg"] == "ok" and result["peak"] >= 200
    with pytest.raises(RuntimeError, match="broken on purpose"):
        run_child(script, ["fail"], cwd=tmp_path)


def test_machine_facts_and_this_process():
    facts = machine_facts()
    assert facts["cpu_count"] == os.cpu_count()
    assert set(facts["cpu_flags"]).isdisjoint(facts["missing_cpu_flags"])
    assert facts["versions"]["numpy"] == np.__version__
    assert 0 < current_rss_mib() <= peak_rss_mib()


def test_other_python_jobs_are_listed_unless_excluded():
    marker = "import time; time.sleep(30)  # other-job-marker"
    job = subprocess.Popen([sys.executable, "-c", marker])
    try:
        for _ in range(50):
            if any("other-job-marker" in command for command in other_python_processes("x")):
                break
            time.sleep(0.1)
        assert any("other-job-marker" in command for command in other_python_processes("x"))
        assert not any("other-job-marker" in c for c in other_python_processes("other-job"))
    finally:
        job.kill()
        job.wait()
