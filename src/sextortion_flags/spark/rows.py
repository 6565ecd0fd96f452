"""Rows in, rows out: the plain-Python conversions between Spark rows and the library's shapes.

Kept free of pyspark so it can be tested (and reasoned about) without a JVM. A row arrives as the
dict pyarrow's `to_pylist` gives; it leaves as a dict of the output columns (`REPORT_COLUMNS`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sextortion_flags.models import ErrorReport, Report

REPORT_COLUMNS: tuple[str, ...] = (
    "id", "risk_score", "risk_level", "categories", "first_high_index", "report", "error",
)


def _plain(value: Any) -> Any:
    """Nulls dropped from structs, timestamps as ISO-8601 text; lists keep their null elements.

    A Spark `TimestampType` is an instant: it arrives time-zone aware and leaves in UTC (`+00:00`).
    A `TimestampNTZType` arrives naive and stays naive. Strings pass through untouched, which is
    the only way to keep a message's original UTC offset.
    """
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def conversation_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A conversation dict as `Analyzer.analyze` takes it, from one row of a conversations DataFrame."""
    return _plain(row)


def first_high_index(report: Report) -> int | None:
    """Index of the earliest message cited by a high or critical flag (the CLI's CSV column)."""
    return report.first_high_risk_index


def _text_id(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, str) else str(value)


def result_row(result: Report | ErrorReport, row_id: Any = None) -> dict[str, Any]:
    """The output columns for one result; `report` is the line `sextortion-flags scan` writes."""
    if isinstance(result, ErrorReport):
        return {"id": result.id if result.id is not None else _text_id(row_id), "risk_score": None,
                "risk_level": None, "categories": None, "first_high_index": None,
                "report": result.model_dump_json(exclude_none=True),
                "error": f"{result.error.type}: {result.error.message}"}
    return {"id": result.id, "risk_score": result.risk_score, "risk_level": result.risk_level,
            "categories": list(result.categories), "first_high_index": first_high_index(result),
            "report": result.model_dump_json(), "error": None}
