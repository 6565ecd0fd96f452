"""Spark scoring gives exactly what the library gives locally (issue 8), on local[2].

One SparkSession for the whole module (a JVM start costs seconds). Skipped only where pyspark or
Java is missing; the plain-Python row conversions are tested without Spark.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sextortion_flags import Analyzer
from sextortion_flags.errors import UsageError
from sextortion_flags.models import ErrorInfo, ErrorReport
from sextortion_flags.spark.rows import conversation_from_row, first_high_index, result_row

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "conversations.jsonl"
CORPUS = ROOT / "data" / "conversations"
SAMPLE_EVERY = 4  # every 4th labelled conversation of each language keeps the run short


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sample() -> list[dict]:
    items = _jsonl(EXAMPLES)
    for path in sorted(CORPUS.glob("*.jsonl")):
        items += _jsonl(path)[::SAMPLE_EVERY]
    return items


def _local(analyzer: Analyzer, items: list[dict]) -> dict[str, str]:
    out = {}
    for result in analyzer.analyze_many(items):
        out[result.id] = result.model_dump_json(exclude_none=True) if isinstance(result, ErrorReport) \
            else result.model_dump_json()
    return out


# ------------------------------------------------------------------ without Spark


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2025, 8, 1, 21, 40, tzinfo=timezone(timedelta(hours=1))), "2025-08-01T20:40:00+00:00"),
    (datetime(2025, 8, 1, 20, 40, tzinfo=UTC), "2025-08-01T20:40:00+00:00"),
    (datetime(2025, 8, 1, 21, 40), "2025-08-01T21:40:00"),
    ("2025-08-01T21:40:00+01:00", "2025-08-01T21:40:00+01:00"),
])
def test_timestamps_become_iso_text(value: object, expected: str) -> None:
    row = {"id": "t", "messages": [{"sender": "a", "text": "hi", "timestamp": value}]}
    assert conversation_from_row(row)["messages"][0]["timestamp"] == expected


def test_nulls_are_dropped_from_structs_but_not_from_lists() -> None:
    row = {"id": "n", "user": None, "participants": None,
           "messages": [{"sender": "a", "text": None, "timestamp": None, "kind": None}, None]}
    assert conversation_from_row(row) == {"id": "n", "messages": [{"sender": "a"}, None]}


def test_first_high_index_is_the_cli_column(analyzer: Analyzer, example_conversations: list[dict]) -> None:
    from sextortion_flags.cli import _csv_row

    reports = [analyzer.analyze(item) for item in example_conversations]
    assert {first_high_index(r) for r in reports} != {None}
    csv_column = [_csv_row(r, None)[5] for r in reports]
    assert [first_high_index(r) for r in reports] == [None if c == "" else c for c in csv_column]


@pytest.mark.parametrize(("report_id", "row_id", "expected"), [("c1", None, "c1"), (None, 7, "7"), (None, None, None)])
def test_error_result_row(report_id: str | None, row_id: object, expected: str | None) -> None:
    error = ErrorReport(id=report_id, error=ErrorInfo(type="InputError", message="messages: Field required"))
    row = result_row(error, row_id)
    assert row["id"] == expected
    assert row["risk_level"] is None and row["risk_score"] is None
    assert row["error"] == "InputError: messages: Field required"
    assert json.loads(row["report"])["error"]["type"] == "InputError"


def test_worker_loads_one_analyzer_and_slices_batches(monkeypatch: pytest.MonkeyPatch,
                                                      example_conversations: list[dict]) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (the spark extra)")
    from sextortion_flags.spark import worker

    built: list[dict] = []
    real = Analyzer(model=False)

    def counting(**options: object) -> Analyzer:
        built.append(options)
        return real

    monkeypatch.setattr(worker, "Analyzer", counting)
    monkeypatch.setattr(worker, "_ANALYZERS", {})
    key = worker.options_key({"model": False})
    rows = [{"id": c["id"], "messages": c["messages"]} for c in example_conversations]
    batches = [pa.RecordBatch.from_pylist(rows), pa.RecordBatch.from_pylist(rows[:1])]
    first = list(worker.score_batches(key, 3, iter(batches)))
    second = list(worker.score_batches(key, 3, iter(batches[1:])))
    assert built == [{"model": False}]
    assert [b.num_rows for b in first + second] == [3, len(rows) - 3, 1, 1]
    assert first[0].schema == worker.OUTPUT_ARROW_SCHEMA


# ------------------------------------------------------------------ on Spark


@pytest.fixture(scope="module")
def spark():  # noqa: ANN201 - a SparkSession when pyspark is installed
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'sextortion-flags[spark]')")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        pytest.skip("Java 17 not found")
    from pyspark.sql import SparkSession

    # Workers must run this interpreter and import this checkout's code, as the driver does.
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    src = str(ROOT / "src")
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [saved["PYTHONPATH"]])])
    session = (SparkSession.builder.master("local[2]").appName("sextortion-flags tests")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", "Europe/Paris")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "conversations.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in _sample()), encoding="utf-8")
    return path


def test_workers_import_this_checkout(spark) -> None:  # noqa: ANN001
    import pyarrow as pa

    def where(batches):  # noqa: ANN001, ANN202
        import sextortion_flags.spark.worker as module

        for _ in batches:
            yield pa.RecordBatch.from_pylist([{"file": module.__file__}])

    files = {r.file for r in spark.range(4, numPartitions=2).mapInArrow(where, "file STRING").collect()}
    assert files == {str(ROOT / "src" / "sextortion_flags" / "spark" / "worker.py")}


def test_conversations_match_analyze_many_row_by_row(spark, sample_path: Path, analyzer: Analyzer) -> None:  # noqa: ANN001
    from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe

    items = _jsonl(sample_path)
    expected = _local(analyzer, items)
    frame = spark.read.schema(CONVERSATION_SCHEMA).json(str(sample_path)).repartition(2)
    rows = sorted(analyze_dataframe(frame).collect(), key=lambda r: r.id)
    assert [r.id for r in rows] == sorted(expected)
    assert any(r.risk_level == "critical" for r in rows) and any(r.risk_level == "none" for r in rows)
    for row in rows:
        assert row.report == expected[row.id], row.id
        report = json.loads(row.report)
        assert row.error is None
        assert (row.risk_score, row.risk_level) == (report["risk_score"], report["risk_level"])
        assert row.categories == [f["category"] for f in report["flags"]]
        high = [e["message_index"] for f in report["flags"] if f["severity"] in ("high", "critical")
                for e in f["evidence"]]
        assert row.first_high_index == (min(high) if high else None)


def test_message_rows_are_grouped_in_order(spark, sample_path: Path, analyzer: Analyzer) -> None:  # noqa: ANN001
    from pyspark.sql import functions as F

    from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe

    items = [{k: v for k, v in c.items() if k != "participants"} for c in _jsonl(sample_path)[:12]]
    expected = _local(analyzer, items)
    ids = [c["id"] for c in items]
    conversations = spark.read.schema(CONVERSATION_SCHEMA).json(str(sample_path)).where(F.col("id").isin(ids))
    messages = (conversations.select(F.col("id").alias("conversation_id"), "user", "platform",
                                     F.posexplode("messages").alias("message_index", "m"))
                .select("conversation_id", "user", "platform", "message_index", "m.*")
                .orderBy(F.rand(seed=8)))  # scrambled: order must come from message_index
    rows = analyze_dataframe(messages).collect()
    assert {r.id: r.report for r in rows} == expected


def test_a_bad_row_becomes_an_error_row_and_the_others_score(spark, example_conversations: list[dict],  # noqa: ANN001
                                                             analyzer: Analyzer) -> None:
    from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe

    good = example_conversations[0]
    bad = {"id": "no-messages", "messages": None}
    frame = spark.createDataFrame([bad, {k: good.get(k) for k in ("id", "platform", "user", "participants",
                                                                  "messages")}], CONVERSATION_SCHEMA)
    rows = {r.id: r for r in analyze_dataframe(frame).collect()}
    assert rows["no-messages"].risk_level is None and rows["no-messages"].risk_score is None
    assert rows["no-messages"].error.startswith("InputError: ")
    assert json.loads(rows["no-messages"].report)["error"]["type"] == "InputError"
    assert rows[good["id"]].error is None
    assert rows[good["id"]].report == analyzer.analyze(good).model_dump_json()


def test_spark_timestamps_reach_the_analyzer_in_utc(spark, example_conversations: list[dict],  # noqa: ANN001
                                                    analyzer: Analyzer) -> None:
    from pyspark.sql import functions as F

    from sextortion_flags.spark import analyze_dataframe

    item = example_conversations[0]
    frame = spark.createDataFrame([{"id": item["id"], "user": item["user"], "messages": item["messages"]}],
                                  "id STRING, user STRING, messages ARRAY<STRUCT<sender: STRING, text: STRING, "
                                  "timestamp: STRING, kind: STRING>>")
    typed = frame.withColumn("messages", F.transform("messages", lambda m: m.withField(
        "timestamp", F.to_timestamp(m["timestamp"]))))
    assert "timestamp" in typed.schema["messages"].dataType.elementType.simpleString()
    utc = [{**m, "timestamp": datetime.fromisoformat(m["timestamp"]).astimezone(UTC).isoformat()}
           for m in item["messages"]]
    (row,) = analyze_dataframe(typed).collect()
    assert row.report == analyzer.analyze({"id": item["id"], "user": item["user"], "messages": utc}).model_dump_json()


def test_analyzer_options_reach_the_workers(spark, example_conversations: list[dict]) -> None:  # noqa: ANN001
    from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe

    frame = spark.read.schema(CONVERSATION_SCHEMA).json(str(EXAMPLES)).coalesce(1)
    rows = {r.id: r.report for r in analyze_dataframe(frame, {"model": False}).collect()}
    assert rows == _local(Analyzer(model=False), example_conversations)
    assert all("clf" not in json.loads(r)["model_version"] for r in rows.values())


@pytest.mark.parametrize(("options", "message"), [({"colour": "red"}, "unknown analyzer option"),
                                                  ({"rules": ROOT}, "plain JSON values")])
def test_bad_options_fail_on_the_driver(spark, options: dict, message: str) -> None:  # noqa: ANN001
    from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe

    with pytest.raises(UsageError, match=message):
        analyze_dataframe(spark.createDataFrame([], CONVERSATION_SCHEMA), options)


def test_a_dataframe_of_neither_shape_is_refused(spark) -> None:  # noqa: ANN001
    from sextortion_flags.spark import analyze_dataframe

    with pytest.raises(UsageError, match="conversation_id"):
        analyze_dataframe(spark.createDataFrame([("x",)], "body STRING"))


@pytest.mark.parametrize("output_name", ["reports.parquet", "reports.jsonl"])
def test_example_script_end_to_end(spark, tmp_path: Path, example_conversations: list[dict],  # noqa: ANN001
                                   analyzer: Analyzer, output_name: str) -> None:
    from sextortion_flags.spark import CONVERSATION_SCHEMA

    spec = importlib.util.spec_from_file_location("spark_scan", ROOT / "examples" / "spark_scan.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    source = tmp_path / "conversations.parquet"
    spark.read.schema(CONVERSATION_SCHEMA).json(str(EXAMPLES)).write.parquet(str(source))
    output = tmp_path / output_name
    assert script.main(["--input", str(source), "--output", str(output)], spark=spark) == 0
    read = spark.read.json if output_name.endswith(".jsonl") else spark.read.parquet
    got = {r.id: r.report for r in read(str(output)).collect()}
    assert got == _local(analyzer, example_conversations)


def test_example_script_exits_1_on_error_rows(spark, tmp_path: Path) -> None:  # noqa: ANN001
    spec = importlib.util.spec_from_file_location("spark_scan", ROOT / "examples" / "spark_scan.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    source = tmp_path / "broken.jsonl"
    source.write_text('{"id": "b1", "messages": null}\n{"id": "b2", "messages": []}\n', encoding="utf-8")
    assert script.main(["--input", str(source), "--output", str(tmp_path / "out")], spark=spark) == 1
