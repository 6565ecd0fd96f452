"""What runs inside a Spark Python worker: one cached Analyzer, Arrow batches in and out.

Loading an Analyzer (rules, spaCy, the classifier) takes seconds, so each Python worker process
builds it once, lazily, from plain constructor options and keeps it in a module global; Spark
reuses its Python workers across tasks (`spark.python.worker.reuse`, on by default), so a worker
pays the load once per executor core, not once per task or per row. Nothing but the options dict
travels from the driver.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa

from sextortion_flags.analyzer import Analyzer
from sextortion_flags.spark.rows import conversation_from_row, result_row

OUTPUT_ARROW_SCHEMA = pa.schema([
    pa.field("id", pa.string()),
    pa.field("risk_score", pa.float64()),
    pa.field("risk_level", pa.string()),
    pa.field("categories", pa.list_(pa.field("element", pa.string()))),
    pa.field("first_high_index", pa.int32()),
    pa.field("report", pa.string()),
    pa.field("error", pa.string()),
])

_ANALYZERS: dict[str, Analyzer] = {}


def options_key(options: Mapping[str, Any] | None) -> str:
    """A canonical text form of Analyzer options: the cache key and what is shipped to workers."""
    return json.dumps(dict(options or {}), sort_keys=True)


def cached_analyzer(key: str) -> Analyzer:
    """The worker's Analyzer for these options, built on first use."""
    analyzer = _ANALYZERS.get(key)
    if analyzer is None:
        analyzer = _ANALYZERS[key] = Analyzer(**json.loads(key))
    return analyzer


ANALYZER_CHUNK = 16


def score_batches(key: str, rows_per_chunk: int, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """`mapInArrow` body: each input batch is scored in slices of `rows_per_chunk` rows.

    Slicing bounds the Python objects alive at once (a whole Arrow batch of long conversations
    turned into dicts can be large); each slice becomes one output batch.
    """
    analyzer = cached_analyzer(key)
    for batch in batches:
        for offset in range(0, batch.num_rows, rows_per_chunk):
            rows = batch.slice(offset, rows_per_chunk).to_pylist()
            reports = []
            for start in range(0, len(rows), ANALYZER_CHUNK):  # the classifier scores a few conversations at once
                chunk = rows[start:start + ANALYZER_CHUNK]
                reports += analyzer.analyze_chunk([conversation_from_row(row) for row in chunk])
            out = [result_row(report, row.get("id")) for report, row in zip(reports, rows, strict=True)]
            yield pa.RecordBatch.from_pylist(out, schema=OUTPUT_ARROW_SCHEMA)
