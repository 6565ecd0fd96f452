"""Throughput and memory: the analyzer against spaCy's blank tokenizer on the same messages.

    python benchmarks/throughput.py [--messages 20000] [--jobs 2]

Builds a multilingual mix of conversations (5-40 messages each) from the corpus texts, times
`spacy.blank(lang)` tokenization of exactly those messages, then the full analyzer (rules,
classifier, fusion, explanations) in one process and with `--jobs` workers, and prints a table:
messages/s, conversations/s, the ratio to the tokenizer, load time and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPACY_LANG = {"fr": "fr", "en": "en", "es": "es", "ary": "fr", "ar": "ar"}


def corpus_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted((ROOT / "data" / "messages").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            texts.append((item["lang"].split("+")[0], item["text"]))
    return texts


def build_conversations(n_messages: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    texts = corpus_texts()
    conversations, total = [], 0
    while total < n_messages:
        size = min(rng.randint(5, 40), n_messages - total)
        picked = [rng.choice(texts) for _ in range(size)]
        conversations.append({"id": f"b{len(conversations)}", "user": "v", "lang": picked[0][0],
                              "messages": [{"sender": "sv"[i % 2], "text": t} for i, (_, t) in enumerate(picked)]})
        total += size
    return conversations


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_analyzer(n_messages: int, jobs: int) -> dict:
    """In a fresh process: load time, rate and peak memory of the analyzer alone."""
    started = time.perf_counter()
    from sextortion_flags import Analyzer

    analyzer = Analyzer()
    load_s = time.perf_counter() - started
    conversations = build_conversations(n_messages)
    started = time.perf_counter()
    for _ in analyzer.analyze_many(conversations, n_jobs=jobs, chunksize=16):
        pass
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"load_s": load_s, "elapsed": elapsed, "conversations": len(conversations),
            "peak_mb": peak_mb(), "worker_peak_mb": children}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--analyzer-only", type=int, metavar="JOBS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyzer_only is not None:
        print(json.dumps(run_analyzer(args.messages, args.analyzer_only)))
        return 0
    conversations = build_conversations(args.messages)
    n_msg = sum(len(c["messages"]) for c in conversations)

    import spacy

    by_lang: dict[str, list[str]] = {}
    for conv in conversations:
        by_lang.setdefault(SPACY_LANG[conv["lang"]], []).extend(m["text"] for m in conv["messages"])
    pipelines = {lang: spacy.blank(lang) for lang in by_lang}
    started = time.perf_counter()
    for lang, texts in by_lang.items():
        for _ in pipelines[lang].pipe(texts, batch_size=1000):
            pass
    tokenizer_rate = n_msg / (time.perf_counter() - started)

    import subprocess

    runs = []
    for jobs in (1, args.jobs):
        out = subprocess.run([sys.executable, __file__, "--messages", str(args.messages), "--analyzer-only", str(jobs)],
                             capture_output=True, text=True, check=True).stdout
        runs.append((jobs, json.loads(out.strip().splitlines()[-1])))
    print(f"{n_msg:,} messages in {len(conversations):,} conversations (5-40 messages each, corpus texts in "
          f"fr/en/es/ary/ar); each analyzer run in a fresh process\n")
    print("| run | messages/s | conversations/s | vs blank tokenizer | load (s) | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    print(f"| spaCy `blank(lang)` tokenizer (`nlp.pipe`) | {tokenizer_rate:,.0f} | | 100% | | |")
    for jobs, r in runs:
        rate = n_msg / r["elapsed"]
        memory = f"{r['peak_mb']:,.0f}" + (f" + {r['worker_peak_mb']:,.0f} per worker" if jobs > 1 else "")
        label = f"analyzer, {jobs} process{'es' if jobs > 1 else ''}"
        print(f"| {label} | {rate:,.0f} | {r['conversations'] / r['elapsed']:,.0f} | {rate / tokenizer_rate:.0%} | "
              f"{r['load_s']:.2f} | {memory} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
