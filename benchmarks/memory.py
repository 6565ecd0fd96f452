"""Memory stays flat as the input grows: peak RSS of `sextortion-flags scan` on 10k ... 1M messages.

    python benchmarks/memory.py [--sizes 10000 100000 1000000] [--jobs 2]

Writes a canonical JSONL of conversations (20 messages each, corpus texts) of each size to a
temporary folder, streamed, then runs the real command line on it and reads the peak resident
memory of the scan process and of its largest worker (`resource.getrusage(RUSAGE_CHILDREN)`
gives the largest child; the scan runs in a child of this script). Prints a table.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import corpus_texts  # noqa: E402


def write_input(path: Path, n_messages: int, size: int = 20, seed: int = 0) -> int:
    rng = random.Random(seed)
    texts = [t for _, t in corpus_texts()]
    written = 0
    with path.open("w", encoding="utf-8") as out:
        n = 0
        while written < n_messages:
            messages = [{"sender": "sv"[i % 2], "text": rng.choice(texts)} for i in range(size)]
            out.write(json.dumps({"id": f"m{n}", "user": "v", "messages": messages}, ensure_ascii=False) + "\n")
            written += size
            n += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            source = Path(folder) / f"in-{size}.jsonl"
            n = write_input(source, size)
            started = time.perf_counter()
            # each size in its own child so the RSS figures do not carry over
            probe = ("import resource, subprocess, sys; "
                     "r = subprocess.run([sys.executable, '-m', 'sextortion_flags', 'scan', sys.argv[1],"
                     " '-o', sys.argv[2], '--jobs', sys.argv[3], '--no-progress']); "
                     "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
            result = subprocess.run([sys.executable, "-c", probe, str(source), str(Path(folder) / "out.jsonl"),
                                     str(args.jobs)], capture_output=True, text=True, check=True)
            elapsed = time.perf_counter() - started
            peak_mb = int(result.stdout.strip().splitlines()[-1]) / 1024
            rows.append((n, source.stat().st_size / 1e6, elapsed, n / elapsed, peak_mb))
            source.unlink()
    print("\n| messages | input MB | seconds | messages/s | peak RSS of the largest process (MB) |")
    print("|---|---|---|---|---|")
    for n, mb, elapsed, rate, peak in rows:
        print(f"| {n:,} | {mb:,.0f} | {elapsed:,.0f} | {rate:,.0f} | {peak:,.0f} |")
    print(f"\n(--jobs {args.jobs}; resource.getrusage(RUSAGE_CHILDREN).ru_maxrss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
