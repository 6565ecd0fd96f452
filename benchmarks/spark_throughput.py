"""Spark throughput and memory: `analyze_dataframe` on local[1] and local[2] against one process.

    python benchmarks/spark_throughput.py [--messages 10000] [--driver-memory 2g]

Repeats the labelled corpus conversations (data/conversations/*.jsonl, fresh ids) up to about
`--messages` messages, then times the same data three ways, each including its Analyzer load:
`Analyzer().analyze_many` in a fresh process, and Spark on local[1] and local[2] (a new session per
master, so every Python worker loads its Analyzer; the SparkSession start is shown apart). Prints a
markdown table: messages/s, conversations/s, the JVM memory setting and the peak RSS of a Python
worker (measured inside the workers after the job), which is what an executor needs per core on
top of its JVM heap.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_conversations(n_messages: int) -> list[dict]:
    corpus = [json.loads(line) for path in sorted((ROOT / "data" / "conversations").glob("*.jsonl"))
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    conversations, total = [], 0
    while total < n_messages:
        item = corpus[len(conversations) % len(corpus)]
        conversations.append({**item, "id": f"{item['id']}-{len(conversations)}"})
        total += len(item["messages"])
    return conversations


def worker_peaks(batches):  # noqa: ANN001, ANN201 - mapInArrow body, runs in the Python workers
    import os as worker_os
    import resource as worker_resource

    import pyarrow as pa

    from sextortion_flags.spark import worker

    for _ in batches:
        yield pa.RecordBatch.from_pylist([{
            "pid": worker_os.getpid(), "analyzers": len(worker._ANALYZERS),
            "peak_mb": worker_resource.getrusage(worker_resource.RUSAGE_SELF).ru_maxrss / 1024}])


def run_local(path: Path) -> dict:
    """`analyze_many` in a fresh interpreter, so imports and the Analyzer load count as on Spark."""
    code = (
        "import json, resource, sys, time\n"
        "start = time.perf_counter()\n"
        "from sextortion_flags import Analyzer\n"
        "analyzer = Analyzer()\n"
        "loaded = time.perf_counter()\n"
        "items = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8')]\n"
        "n = sum(1 for _ in analyzer.analyze_many(items))\n"
        "print(json.dumps({'setup': loaded - start, 'seconds': time.perf_counter() - start, 'n': n,\n"
        "                  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    return {**json.loads(done.stdout.splitlines()[-1]), "memory": "-"}


def run_spark(path: Path, master: str, cores: int, driver_memory: str) -> dict:
    from pyspark.sql import SparkSession

    from sextortion_flags.spark import CONVERSATION_SCHEMA, analyze_dataframe

    start = time.perf_counter()
    spark = (SparkSession.builder.master(master).appName("sextortion-flags spark benchmark")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.memory", driver_memory)
             .config("spark.sql.shuffle.partitions", str(cores)).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    frame = spark.read.schema(CONVERSATION_SCHEMA).json(str(path)).repartition(cores * 4)
    frame.count()  # read and shuffled before the clock starts: the table measures scoring
    started = time.perf_counter()
    analyze_dataframe(frame).write.format("noop").mode("overwrite").save()
    seconds = time.perf_counter() - started
    probes = spark.range(cores * 4, numPartitions=cores * 4).mapInArrow(
        worker_peaks, "pid BIGINT, analyzers BIGINT, peak_mb DOUBLE").collect()
    workers = {p.pid: p for p in probes if p.analyzers}
    spark.stop()
    return {"setup": started - start, "seconds": seconds, "memory": f"driver {driver_memory}",
            "peak_mb": max((p.peak_mb for p in workers.values()), default=float("nan")), "workers": len(workers)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--driver-memory", default="2g", help="the JVM heap of local mode (its executor)")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    src = str(ROOT / "src")  # Spark's Python workers import this checkout, as this process does
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, src)
    conversations = build_conversations(args.messages)
    n_msg = sum(len(c["messages"]) for c in conversations)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "conversations.jsonl"
        path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in conversations), encoding="utf-8")
        results["one process, analyze_many"] = run_local(path)
        for cores in (1, 2):
            results[f"Spark local[{cores}]"] = run_spark(path, f"local[{cores}]", cores, args.driver_memory)

    print(f"{len(conversations)} conversations, {n_msg} messages; {os.cpu_count()} CPU(s)\n")
    print("| run | scoring s (incl. Analyzer load) | messages/s | conversations/s | session/load s "
          "| JVM memory | peak RSS of a Python worker |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for name in ("one process, analyze_many", "Spark local[1]", "Spark local[2]"):
        r = results[name]
        workers = f" ({r['workers']} worker(s))" if "workers" in r else " (the process)"
        print(f"| {name} | {r['seconds']:.1f} | {n_msg / r['seconds']:.0f} | {len(conversations) / r['seconds']:.1f} "
              f"| {r['setup']:.1f} | {r['memory']} | {r['peak_mb']:.0f} MB{workers} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
