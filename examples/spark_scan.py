"""Score a data lake of conversations on Spark: Parquet or JSON in, Parquet or JSON out.

    python examples/spark_scan.py --input conversations.parquet --output reports.parquet
    spark-submit --archives sf_env.tar.gz#env --conf spark.pyspark.python=./env/bin/python \
        examples/spark_scan.py --input s3a://lake/chats/ --output s3a://lake/reports/

Run with plain `python` it starts `local[*]` (or `--master`); under `spark-submit` it uses the
session spark-submit configured. Input is canonical conversations (CONTRACT §1), or one row per
message with `--messages`. Output has one row per conversation: id, risk_score, risk_level,
categories, first_high_index, report (the JSON line `sextortion-flags scan` writes), error.
Exit status: 0 when every conversation was scored, 1 when some rows are error rows.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe


def _format(path: str, given: str | None) -> str:
    if given:
        return given
    name = path.rstrip("/").lower()
    return "json" if name.endswith((".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz")) else "parquet"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="Parquet or JSON (lines) file or folder")
    parser.add_argument("--output", required=True, help="folder to write (Parquet unless it ends in .json/.jsonl)")
    parser.add_argument("--input-format", choices=("parquet", "json"), help="default: from the input's name")
    parser.add_argument("--output-format", choices=("parquet", "json"), help="default: from the output's name")
    parser.add_argument("--messages", action="store_true", help="input has one row per message")
    parser.add_argument("--conversation-id", default="conversation_id", help="with --messages: the grouping column")
    parser.add_argument("--order-by", default="message_index", help="with --messages: the message order column")
    parser.add_argument("--lang", help="restrict rules to one language")
    parser.add_argument("--explain-lang", help="language of explanations")
    parser.add_argument("--rows-per-chunk", type=int, default=64, help="rows turned into Python objects at a time")
    parser.add_argument("--mode", default="errorifexists", choices=("errorifexists", "overwrite"))
    parser.add_argument("--master", help="Spark master when run without spark-submit (default local[*])")
    return parser


def scan(spark: Any, args: argparse.Namespace) -> int:
    """Read, score, write; returns the number of error rows written."""
    reader = spark.read
    if _format(args.input, args.input_format) == "json":
        # An explicit schema keeps timestamps as strings (offsets intact) and skips a schema pass.
        frame = reader.json(args.input) if args.messages else reader.schema(CONVERSATION_SCHEMA).json(args.input)
    else:
        frame = reader.parquet(args.input)
    options = {key: value for key, value in (("language", args.lang), ("explain_language", args.explain_lang))
               if value is not None}
    reports = analyze_dataframe(frame, options, conversation_id=args.conversation_id, order_by=args.order_by,
                                rows_per_chunk=args.rows_per_chunk)
    writer = reports.write.mode(args.mode)
    if _format(args.output, args.output_format) == "json":
        writer.json(args.output)
        written = spark.read.schema("error STRING").json(args.output)
    else:
        writer.parquet(args.output)
        written = spark.read.parquet(args.output)
    return written.where("error IS NOT NULL").count()


def main(argv: list[str] | None = None, spark: Any = None) -> int:
    args = build_parser().parse_args(argv)
    own_session = spark is None
    if own_session:
        from pyspark.sql import SparkSession

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.appName("sextortion-flags scan")
        if args.master or "PYSPARK_GATEWAY_PORT" not in os.environ:  # that variable: run by spark-submit
            builder = builder.master(args.master or "local[*]")
        spark = builder.getOrCreate()
    try:
        failed = scan(spark, args)
    finally:
        if own_session:
            spark.stop()
    if failed:
        print(f"spark_scan: {failed} conversation(s) could not be analysed; see the error column", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
