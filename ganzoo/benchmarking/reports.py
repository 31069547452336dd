"""The parts of a benchmark report every script writes the same way."""

import json
import pathlib

SUMMARY_START = "<!-- summary -->"
SUMMARY_END = "<!-- /summary -->"


def median(values):
    """The median of a non-empty sequence of numbers (the mean of the middle two)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def existing_summary(path):
    """The hand-written summary between the markers of an earlier report, or None.

    A rerun writes the summary back unchanged, so the text a person wrote
    about the numbers is not lost (and says which run it was written for).
    """
    try:
        text = pathlib.Path(path).read_text()
    except OSError:
        return None
    if SUMMARY_START in text and SUMMARY_END in text:
        return text.split(SUMMARY_START, 1)[1].split(SUMMARY_END, 1)[0]
    return None


def write_jsonl(rows, path):
    """Writes one JSON object per line (the machine-readable twin of a report)."""
    pathlib.Path(path).write_text("".join(json.dumps(row) + "\n" for row in rows))
