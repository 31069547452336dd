"""`benchmarks/train_step_throughput.py` runs on tiny networks; timings are not asserted."""

import json
import pathlib

import numpy as np
import pytest

from ganzoo.benchmarking.benchmark_files import load_benchmark
from ganzoo.benchmarking.machine import machine_facts
from ganzoo.benchmarking.train_step_throughput_report import format_train_step_throughput_report

REPO = pathlib.Path(__file__).resolve().parents[2]
RESULTS = REPO / "benchmarks" / "results" / "train_step_throughput.md"

benchmark = load_benchmark("train_step_throughput")


@pytest.mark.large
@pytest.mark.parametrize("model_name", benchmark.MODELS)
def test_every_model_trains_next_to_its_reference_loop(model_name):
    """ganzoo and the reference loop each train and report a ratio (the GAN in bfloat16 + XLA too).

    XLA compiles only for the GAN here, to keep the test short.
    """
    settings = [benchmark.Setting("ganzoo"), benchmark.REFERENCE]
    if model_name == "gan":
        settings.insert(1, benchmark.Setting("ganzoo", "mixed_bfloat16", jit_compile=True))
    result = benchmark.measure_model(
        model_name,
        preset="smoke",
        settings=settings,
        rounds=2,
        block_steps=1,
        warmup_steps=1,
        data="random",
        num_batches=2,
    )
    assert [row["setting"] for row in result["rows"]] == [setting.name for setting in settings]
    for row in result["rows"]:
        assert row["timed_steps"] == 2
        assert row["finite_losses"], row
        assert row["weights_changed"], row
        assert {"d_loss", "g_loss"} <= set(row["logs"]), row
        assert row["ms_per_step"] > 0
        assert len(row["block_ms"]) == 2
    # Each ratio pairs the reference's and the row's block of the same round.
    reference_ms = result["rows"][-1]["block_ms"]
    for row in result["rows"][:-1]:
        ratios = [ref / own for ref, own in zip(reference_ms, row["block_ms"], strict=True)]
        assert row["ratio_vs_reference"] == pytest.approx(float(np.median(ratios)))
        assert row["ratio_min"] == pytest.approx(min(ratios))
        assert row["ratio_max"] == pytest.approx(max(ratios))

    report = format_train_step_throughput_report([result], [], machine_facts(), "python ...")
    for setting in settings:
        assert f"| {setting.name} | " in report


def test_cycle_gan_memory_row_on_a_tiny_step():
    row = benchmark.measure_cycle_gan_memory(benchmark.Setting("ganzoo"), preset="smoke", steps=1)
    assert row["image_size"] == 16
    # A real reading (the peak is clamped to at least the baseline, so a
    # comparison of the two would prove nothing).
    assert 100 < row["baseline_rss_mib"] <= row["peak_rss_mib"] < 24 * 1024
    assert row["ms_per_step"] > 0


def test_unknown_data_source_is_refused():
    config = benchmark.recipe_config("gan", "smoke")
    with pytest.raises(ValueError, match="'real' or 'random'.*'imagenet'"):
        benchmark.load_batches("gan", config, data="imagenet")


def test_the_committed_tables_are_written_again_from_their_records():
    """The Markdown writer still writes the committed tables, line by line, from the JSONL."""
    records = [json.loads(line) for line in RESULTS.with_suffix(".jsonl").read_text().splitlines()]
    results = [record for record in records if "memory" not in record]
    memory_rows = [record["memory"] for record in records if "memory" in record]
    # The machine is not in the records, and not in the tables.
    versions = {"tensorflow": "", "keras": ""}
    facts = {"cpu": "", "cpu_count": 2, "memory": "", "python": "", "versions": versions}
    written = format_train_step_throughput_report(results, memory_rows, facts, "", minutes=1.0)
    committed = [line for line in RESULTS.read_text().splitlines() if line.startswith(("|", "#"))]
    assert len(committed) > 30
    assert [line for line in committed if line not in written.splitlines()] == []
