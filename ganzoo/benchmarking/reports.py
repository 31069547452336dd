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


def markdown_table(columns, rows):
    """The lines of a Markdown table: header, rule, one line per row.

    Args:
        columns: list of str, the header cells.
        rows: list of lists of str, each as long as `columns`; a cell that
            holds a `|` must escape it (`\\|`).

    Returns:
        list of str, without a trailing blank line.

    Raises:
        ValueError: if a row has another number of cells than `columns`.

    Example:

    >>> markdown_table(["model", "ms"], [["gan", "1.5"]])
    ['| model | ms |', '|---|---|', '| gan | 1.5 |']
    """
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(
                f"Each row must have {len(columns)} cells, one per column of {columns}. "
                f"Received: {row}."
            )
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def write_report(markdown_path, markdown, rows):
    """Writes a report: its Markdown and, beside it with `.jsonl`, its rows.

    Args:
        markdown_path: `str` or `pathlib.Path` of the Markdown file; missing
            parent directories are created.
        markdown: str, the report without its final newline.
        rows: list of JSON-serializable dicts, see `write_jsonl`.

    Returns:
        `pathlib.Path` of the JSONL file.
    """
    markdown_path = pathlib.Path(markdown_path)
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text(markdown + "\n")
    jsonl_path = markdown_path.with_suffix(".jsonl")
    write_jsonl(rows, jsonl_path)
    return jsonl_path
