"""Renderings of a comparison report (``Report.as_dict()``): JSON, CSV, and a self-contained HTML page."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

CSV_COLUMNS = (
    "path", "status", "cer_change", "text_change",
    "before.cer", "after.cer", "before.wer", "after.wer", "before.cer_digits", "after.cer_digits",
    "before.exact", "after.exact", "before.confidence", "after.confidence",
    "before.insertions", "after.insertions", "before.deletions", "after.deletions",
    "before.substitutions", "after.substitutions", "before.text", "after.text", "truth",
)  # fmt: skip
"""One CSV row per file; ``before.x`` is field ``x`` of the file's ``before`` reading."""


def to_json(report: Any) -> str:
    """The report (or any plain data) as indented JSON, non-ASCII text kept as it is."""
    return json.dumps(report, indent=2, ensure_ascii=False)


def to_csv(report: dict[str, Any]) -> str:
    """One row per file with the columns in ``CSV_COLUMNS``; empty cells where a value is missing."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for page in report["files"]:
        row = []
        for column in CSV_COLUMNS:
            side, _, key = column.rpartition(".")
            value = page[side][key] if side else page[key]
            row.append("" if value is None else value)
        writer.writerow(row)
    return out.getvalue()
