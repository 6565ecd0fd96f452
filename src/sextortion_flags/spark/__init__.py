"""Scoring conversations on Apache Spark with the same Analyzer, same results, as locally.

Install with `pip install "sextortion-flags[spark]"`. `analyze_dataframe` takes either a DataFrame
of conversations (`id`, `messages` as an array of structs, optional `participants`, `user`,
`platform`) or one of messages (one row per message with a conversation id column) and returns
one row per conversation with `REPORT_SCHEMA`. The work runs in `mapInArrow`, each Python worker
loading one Analyzer from the plain `analyzer_options` dict (see `worker.py`).

Timestamps: strings are passed through as they are (keep them as strings to keep each message's
UTC offset); a Spark `TimestampType` is an instant and reaches the analyzer in UTC (`+00:00`);
a `TimestampNTZType` stays naive.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from sextortion_flags.errors import UsageError
from sextortion_flags.spark.rows import REPORT_COLUMNS, conversation_from_row, first_high_index, result_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = [
    "CONVERSATION_SCHEMA",
    "MESSAGE_FIELDS",
    "REPORT_COLUMNS",
    "REPORT_SCHEMA",
    "analyze_dataframe",
    "conversation_from_row",
    "conversations_from_messages",
    "first_high_index",
    "result_row",
]

CONVERSATION_SCHEMA = (
    "id STRING, platform STRING, user STRING, "
    "participants ARRAY<STRUCT<id: STRING, name: STRING, account: STRUCT<created_at: STRING, followers: BIGINT, "
    "following: BIGINT, posts: BIGINT, has_profile_photo: BOOLEAN, verified: BOOLEAN>>>, "
    "messages ARRAY<STRUCT<sender: STRING, text: STRING, timestamp: STRING, kind: STRING>>"
)
"""DDL of canonical conversations (CONTRACT §1), e.g. `spark.read.schema(CONVERSATION_SCHEMA).json(path)`."""

REPORT_SCHEMA = (
    "id STRING, risk_score DOUBLE, risk_level STRING, categories ARRAY<STRING>, first_high_index INT, "
    "report STRING, error STRING"
)
"""DDL of the output. `report` is the JSON line `sextortion-flags scan` writes; on error rows
`risk_level` is null, `error` says why and `report` holds the error record."""

MESSAGE_FIELDS: tuple[str, ...] = ("sender", "text", "timestamp", "kind")
CONVERSATION_FIELDS: tuple[str, ...] = ("id", "platform", "user", "participants", "messages")
DEFAULT_ROWS_PER_CHUNK = 64


def _check_options(options: Mapping[str, Any] | None) -> str:
    """Options must name Analyzer parameters and be JSON (they are rebuilt on every worker)."""
    from sextortion_flags.analyzer import Analyzer
    from sextortion_flags.spark.worker import options_key

    valid = set(inspect.signature(Analyzer.__init__).parameters) - {"self"}
    unknown = set(options or {}) - valid
    if unknown:
        raise UsageError(f"unknown analyzer option(s) {sorted(unknown)}; valid: {sorted(valid)}")
    try:
        return options_key(options)
    except TypeError as exc:
        raise UsageError(f"analyzer_options must be plain JSON values (paths as strings): {exc}") from None


def conversations_from_messages(messages: DataFrame, conversation_id: str = "conversation_id",
                                order_by: str = "message_index") -> DataFrame:
    """Group a one-row-per-message DataFrame into the conversations shape.

    Messages are ordered by `order_by` (an index or a sortable timestamp column); `user` and
    `platform` columns, when present, take their first non-null value per conversation.
    Participants are derived from the senders, as for any conversation without them.
    """
    from pyspark.sql import functions as F

    missing = [name for name in (conversation_id, order_by) if name not in messages.columns]
    if missing:
        raise UsageError(f"messages DataFrame lacks column(s) {missing}; it has {messages.columns}")
    fields = [name for name in MESSAGE_FIELDS if name in messages.columns]
    if "text" not in fields:
        raise UsageError(f"messages DataFrame needs a 'text' column; it has {messages.columns}")
    ordered = F.struct(F.col(order_by).alias("_order"), *[F.col(name) for name in fields])
    per_conversation = [F.first(name, ignorenulls=True).alias(name)
                        for name in ("platform", "user") if name in messages.columns]
    grouped = messages.groupBy(F.col(conversation_id).cast("string").alias("id")).agg(
        F.sort_array(F.collect_list(ordered)).alias("_messages"), *per_conversation)
    strip_order = F.transform("_messages", lambda m: F.struct(*[m[name].alias(name) for name in fields]))
    return grouped.withColumn("messages", strip_order).drop("_messages")


def analyze_dataframe(df: DataFrame, analyzer_options: Mapping[str, Any] | None = None, *,
                      conversation_id: str = "conversation_id", order_by: str = "message_index",
                      rows_per_chunk: int = DEFAULT_ROWS_PER_CHUNK) -> DataFrame:
    """One report row per conversation (`REPORT_SCHEMA`), identical to `Analyzer.analyze_many`.

    df: conversations (a `messages` array column) or messages (a `conversation_id` column, grouped
    here with `conversations_from_messages`). analyzer_options: keyword arguments of `Analyzer`
    as plain JSON values; file paths in them must exist on every executor. rows_per_chunk: rows
    turned into Python objects at a time in a worker (Arrow batches themselves are sized by
    `spark.sql.execution.arrow.maxRecordsPerBatch`). A bad row becomes an error row.
    """
    from sextortion_flags.spark.worker import score_batches

    if rows_per_chunk < 1:
        raise UsageError(f"rows_per_chunk must be at least 1, got {rows_per_chunk}")
    key = _check_options(analyzer_options)
    if "messages" not in df.columns:
        if conversation_id not in df.columns:
            raise UsageError("expected a conversations DataFrame (an 'id' and a 'messages' column) or a messages "
                             f"DataFrame (a {conversation_id!r} column); it has {df.columns}")
        df = conversations_from_messages(df, conversation_id, order_by)
    if "id" not in df.columns:
        raise UsageError(f"conversations DataFrame lacks an 'id' column; it has {df.columns}")
    conversations = df.select(*[name for name in CONVERSATION_FIELDS if name in df.columns])
    return conversations.mapInArrow(partial(score_batches, key, rows_per_chunk), REPORT_SCHEMA)


