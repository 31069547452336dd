"""Interleaved rounds: every contender runs one block per round, in rotated order.

A benchmark that times several ways of doing the same work (runtimes,
precisions, training loops) in one process lets them take turns. Round `r`
starts with contender `r mod n` (ABC, BCA, CAB, ...), so background load and
anything that drifts over minutes fall on all of them alike, and each round
holds one block of every contender measured under the same conditions: the
ratio of two blocks of a round is a paired sample
(`ganzoo.benchmarking.latency_statistics.speedups`).

`interleaved_rounds` is the loop; `time_calls` fills its blocks with
back-to-back calls of inference functions, paced by a `RoundSchedule`.
NumPy only.
"""

import dataclasses
import functools
import time

import numpy as np

MAX_ROUNDS = 2_000
"""Rounds `interleaved_rounds` stops at when it runs for a time budget."""

MAX_BLOCK_CALLS = 100
"""Timed calls in one block of `time_calls`, at the most."""


def interleaved_rounds(blocks, rounds, seconds=0.0, max_rounds=MAX_ROUNDS):
    """Runs one block of every contender per round, the order rotated every round.

    Args:
        blocks: dict from a contender's name to a callable of no arguments
            that runs (and usually times) one block of its work.
        rounds: int >= 0, rounds to run at least.
        seconds: float, keep adding rounds until this many seconds have
            passed since the first one started (at most `max_rounds`); with
            `rounds=0`, a time budget alone.
        max_rounds: int, the most rounds a time budget adds up to.

    Returns:
        dict from each name to the list of what its block returned, one entry
        per round, in round order.

    Raises:
        ValueError: if `blocks` is empty, `rounds` is negative, or neither
            `rounds` nor `seconds` asks for a round.

    Example:

    >>> order = []
    >>> results = interleaved_rounds({name: lambda name=name: order.append(name) or name
    ...                               for name in "AB"}, rounds=3)
    >>> "".join(order), results["A"]
    ('ABBAAB', ['A', 'A', 'A'])
    """
    if not blocks:
        raise ValueError(f"`blocks` must name at least one contender. Received: {blocks!r}.")
    if rounds < 0 or (rounds == 0 and not seconds > 0):
        raise ValueError(
            "At least one round is needed: `rounds` >= 1, or `rounds=0` with `seconds` > 0. "
            f"Received: rounds={rounds!r}, seconds={seconds!r}."
        )
    names = list(blocks)
    results = {name: [] for name in names}
    start = time.perf_counter()
    round_index = 0
    while round_index < rounds or (
        time.perf_counter() - start < seconds and round_index < max_rounds
    ):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(blocks[name]())
        round_index += 1
    return results


@dataclasses.dataclass(frozen=True)
class RoundSchedule:
    """How `time_calls` takes turns.

    Attributes:
        rounds: int >= 0, minimum number of rounds (one block of every runner).
        seconds: float, keep adding rounds until this much time has passed
            (at most `MAX_ROUNDS`).
        warmup: int >= 1, untimed calls of each runner before the rounds.
        block_seconds: float, target length of a block: each runner makes
            `block_seconds / (its median warm-up call)` timed calls in a row
            per round, between 1 and `MAX_BLOCK_CALLS`.
        pause: float, seconds of sleep before each block, longer than the
            runtimes' worker threads spin after their last call, so that the
            spinning threads of one runner never compete with the next.
    """

    rounds: int = 10
    seconds: float = 20.0
    warmup: int = 3
    block_seconds: float = 0.25
    pause: float = 0.05


def time_calls(runners, inputs, schedule):
    """Interleaved timing of several runners on the same inputs.

    Each runner is first called once for its output and `schedule.warmup`
    times untimed. Then come `interleaved_rounds`: a block is a pause, one
    untimed call, which wakes the runtime's threads, and back-to-back timed
    calls: the steady state of a serving process that is busy.

    Args:
        runners: dict from name to a callable `run(inputs)` returning an array.
        inputs: what every runner is called with (a dict of input arrays).
        schedule: a `RoundSchedule`.

    Returns:
        `(times, block_medians, outputs)`: dict name -> list of seconds per
        timed call; dict name -> list of the median call of each block, one
        per round; dict name -> the output of its first call.

    Raises:
        ValueError: as `interleaved_rounds`, for no runners or no rounds.
    """
    outputs, calls_per_block = {}, {}
    for name, run in runners.items():
        outputs[name] = run(inputs)
        durations = [_seconds(run, inputs) for _ in range(max(1, schedule.warmup))]
        calls = schedule.block_seconds / max(float(np.median(durations)), 1e-9)
        calls_per_block[name] = int(min(MAX_BLOCK_CALLS, max(1, calls)))

    def block(name):
        time.sleep(schedule.pause)
        runners[name](inputs)
        return [_seconds(runners[name], inputs) for _ in range(calls_per_block[name])]

    blocks = interleaved_rounds(
        {name: functools.partial(block, name) for name in runners},
        schedule.rounds,
        schedule.seconds,
    )
    times = {name: [call for block in blocks[name] for call in block] for name in blocks}
    block_medians = {name: [float(np.median(block)) for block in blocks[name]] for name in blocks}
    return times, block_medians, outputs


def _seconds(run, inputs):
    begin = time.perf_counter()
    run(inputs)
    return time.perf_counter() - begin
