"""Latency statistics of interleaved rounds: call-time percentiles and paired speed-ups.

A speed-up is taken per round (`ganzoo.benchmarking.interleaved_rounds`):
the reference's block and the contender's block of the same round ran
back to back, so their ratio cancels what the machine did in that round.
NumPy only.
"""

import numpy as np


def speedups(reference_blocks, blocks):
    """Per-round speed-ups: reference block time / own block time (above 1: faster).

    Args:
        reference_blocks: sequence of positive numbers, the reference's block
            times (or means or medians of blocks), one per round.
        blocks: the contender's, in the same unit and rounds.

    Returns:
        float64 NumPy array of shape `(rounds,)`.

    Raises:
        ValueError: if the two hold different numbers of rounds.
    """
    reference_blocks = np.asarray(reference_blocks, dtype=np.float64)
    blocks = np.asarray(blocks, dtype=np.float64)
    if reference_blocks.shape != blocks.shape:
        raise ValueError(
            "Speed-ups pair the blocks of each round: the reference has "
            f"{reference_blocks.shape[0]} rounds, the contender {blocks.shape[0]}."
        )
    return reference_blocks / blocks


def latency_statistics(call_seconds, block_seconds, reference_block_seconds):
    """Median and p90 of a contender's calls and its speed-up over a reference.

    Args:
        call_seconds: non-empty sequence of seconds, every timed call.
        block_seconds: sequence of seconds, the median call of each block,
            one per round.
        reference_block_seconds: the reference's, the same rounds.

    Returns:
        dict with `rounds`, `calls`, `median_ms` and `p90_ms` (milliseconds
        over all calls; the 90th percentile interpolates linearly, as
        `numpy.percentile`), and `speedup` (the median over rounds of
        `speedups`) with its 10th and 90th percentiles over rounds,
        `speedup_p10` and `speedup_p90`.

    Raises:
        ValueError: if `call_seconds` is empty, or as `speedups`.

    Example:

    >>> statistics = latency_statistics([0.001, 0.002, 0.003], [0.002], [0.004])
    >>> statistics["median_ms"], statistics["speedup"]
    (2.0, 2.0)
    """
    call_seconds = np.asarray(call_seconds, dtype=np.float64)
    if call_seconds.size == 0:
        raise ValueError("`call_seconds` must hold at least one timed call.")
    ratios = speedups(reference_block_seconds, block_seconds)
    return {
        "rounds": len(ratios),
        "calls": len(call_seconds),
        "median_ms": 1000.0 * float(np.median(call_seconds)),
        "p90_ms": 1000.0 * float(np.percentile(call_seconds, 90)),
        "speedup": float(np.median(ratios)),
        "speedup_p10": float(np.percentile(ratios, 10)),
        "speedup_p90": float(np.percentile(ratios, 90)),
    }
