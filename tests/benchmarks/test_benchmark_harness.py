"""The harness pieces the benchmark scripts share (`ganzoo.benchmarking`); no timing is asserted."""

import numpy as np
import pytest

from ganzoo.benchmarking.in_memory_dataset import in_memory_dataset
from ganzoo.benchmarking.interleaved_rounds import RoundSchedule
from ganzoo.benchmarking.interleaved_rounds import interleaved_rounds
from ganzoo.benchmarking.interleaved_rounds import time_calls
from ganzoo.benchmarking.latency_statistics import latency_statistics
from ganzoo.benchmarking.latency_statistics import speedups
from ganzoo.benchmarking.processes import measure_peak_memory
from ganzoo.benchmarking.reports import markdown_table


def test_rounds_rotate_the_order():
    order = []
    blocks = {name: (lambda name=name: order.append(name) or len(order)) for name in "ABC"}
    results = interleaved_rounds(blocks, rounds=4)
    assert "".join(order) == "ABC" + "BCA" + "CAB" + "ABC"
    # Each block's return value, in round order.
    assert results == {"A": [1, 6, 8, 10], "B": [2, 4, 9, 11], "C": [3, 5, 7, 12]}


def test_a_time_budget_adds_rounds_up_to_the_limit():
    results = interleaved_rounds({"A": lambda: None}, rounds=1, seconds=3600, max_rounds=7)
    assert len(results["A"]) == 7
    results = interleaved_rounds({"A": lambda: None}, rounds=0, seconds=3600, max_rounds=2)
    assert len(results["A"]) == 2
    with pytest.raises(ValueError, match="Received: rounds=0, seconds=0"):
        interleaved_rounds({"A": lambda: None}, rounds=0)
    with pytest.raises(ValueError, match="at least one contender"):
        interleaved_rounds({}, rounds=1)


def test_calls_interleave_the_runners_in_rotated_order():
    calls = []
    runners = {name: (lambda inputs, name=name: calls.append(name) or name) for name in "ABC"}
    schedule = RoundSchedule(rounds=3, seconds=0, warmup=1, block_seconds=0, pause=0)
    times, block_medians, outputs = time_calls(runners, {}, schedule)
    # Each runner's output call and warm-up call, then rounds ABC, BCA, CAB, where a
    # block is one untimed call and one timed call.
    assert calls == list("AABBCC") + [name for name in "ABCBCACAB" for _ in range(2)]
    assert {name: len(values) for name, values in times.items()} == {"A": 3, "B": 3, "C": 3}
    assert {name: len(values) for name, values in block_medians.items()} == {
        "A": 3,
        "B": 3,
        "C": 3,
    }
    assert outputs == {"A": "A", "B": "B", "C": "C"}


def test_latency_statistics_by_hand():
    calls = [0.001, 0.004, 0.002, 0.010, 0.003]
    blocks, reference_blocks = [0.002, 0.001, 0.004], [0.006, 0.002, 0.002]
    statistics = latency_statistics(calls, blocks, reference_blocks)
    assert (statistics["rounds"], statistics["calls"]) == (3, 5)
    # Sorted 1, 2, 3, 4, 10 ms: the median is 3; p90 sits at rank 3.6, 4 + 0.6 * 6.
    assert statistics["median_ms"] == pytest.approx(3.0)
    assert statistics["p90_ms"] == pytest.approx(7.6)
    assert statistics["p90_ms"] == pytest.approx(1000 * np.percentile(calls, 90))
    # Reference / own per round: 3, 2, 0.5 (above 1: faster than the reference). The
    # median of the ratios, not the ratio of the medians (1).
    assert statistics["speedup"] == pytest.approx(2.0)
    assert statistics["speedup_p10"] == pytest.approx(0.8)
    assert statistics["speedup_p90"] == pytest.approx(2.8)


def test_speedups_pair_the_rounds():
    assert speedups([4.0, 6.0], [2.0, 12.0]).tolist() == [2.0, 0.5]
    with pytest.raises(ValueError, match="reference has 2 rounds, the contender 3"):
        speedups([1.0, 1.0], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="at least one timed call"):
        latency_statistics([], [], [])


def test_markdown_table():
    assert markdown_table(["a", "b c"], [["1", "x \\| y"], ["2", "-"]]) == [
        "| a | b c |",
        "|---|---|",
        "| 1 | x \\| y |",
        "| 2 | - |",
    ]
    with pytest.raises(ValueError, match="2 cells, one per column of \\['a', 'b'\\]"):
        markdown_table(["a", "b"], [["1"]])


def test_peak_memory_holds_what_was_loaded_and_run():
    kept = []

    def run(loaded):
        # Written (every page resident) and kept, so the resident set ends this high.
        kept.append(np.ones(32 * 2**20, np.uint8))
        return len(kept) + loaded.size

    memory = measure_peak_memory(lambda: np.ones(64 * 2**20, np.uint8), run, calls=3)
    assert memory["result"] == 3 + 64 * 2**20
    assert memory["peak_rss_mib"] - memory["baseline_rss_mib"] >= 64 + 3 * 32 - 8
    assert memory["threads"] >= 1 and memory["load_seconds"] >= 0
    with pytest.raises(ValueError, match="`calls` must be at least 1. Received: 0"):
        measure_peak_memory(lambda: None, lambda loaded: None, calls=0)


def test_in_memory_batches_cycle_and_repeat():
    batches = [(np.full((2, 3), i, np.float32), np.full((2,), i, np.int32)) for i in (0, 1)]
    dataset = in_memory_dataset(iter(batches), num_batches=3)
    firsts = [int(labels[0]) for _, labels in dataset.take(7).as_numpy_iterator()]
    # Three distinct batches (the two given, then the first again), repeated.
    assert firsts == [0, 1, 0, 0, 1, 0, 0]
    with pytest.raises(ValueError, match="at least one batch"):
        in_memory_dataset([], num_batches=2)
