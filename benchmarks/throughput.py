"""Throughput and memory: the analyzer against spaCy's blank tokenizer on the same messages.

    python benchmarks/throughput.py [--messages 20000] [--jobs 2] [--mix corpus traffic]

Builds multilingual conversations (5-40 messages each, fr/en/es/ary/ar), times
`spacy.blank(lang)` tokenization of exactly those messages, then the full analyzer (rules,
classifier, fusion, explanations, advice, identifiers) in one process and with `--jobs` workers,
each in a fresh process, and prints a table per mix: messages/s, conversations/s, the ratio to the
tokenizer, load time and peak memory (RSS).

Two mixes:
- `corpus`: every message drawn from the labelled message corpus (`data/messages/`), i.e. scam
  lines and hard negatives only: the worst case, where nearly every message carries a candidate.
- `traffic`: what a platform sees, mostly ordinary chat. 95% of the conversations are everyday
  messages (`data/everyday/`), 5% are the labelled conversations of `data/conversations/`
  (sextortion, grooming and hard benign cases), all in one stream.
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
RISKY_SHARE = 0.05


def _jsonl(folder: str) -> list[dict]:
    return [json.loads(line) for path in sorted((ROOT / "data" / folder).glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_texts() -> list[tuple[str, str]]:
    return [(item["lang"].split("+")[0], item["text"]) for item in _jsonl("messages")]


def _conversation(n: int, picked: list[tuple[str, str]]) -> dict:
    return {"id": f"b{n}", "user": "v", "lang": picked[0][0],
            "messages": [{"sender": "sv"[i % 2], "text": t} for i, (_, t) in enumerate(picked)]}


def build_conversations(n_messages: int, seed: int = 0, mix: str = "corpus") -> list[dict]:
    rng = random.Random(seed)
    if mix == "corpus":
        texts = corpus_texts()
        pools = {"all": texts}
    else:
        everyday = _jsonl("everyday")
        pools = {}
        for item in everyday:
            pools.setdefault(item["lang"], []).append((item["lang"], item["text"]))
        labelled = _jsonl("conversations")
    conversations, total = [], 0
    while total < n_messages:
        if mix != "corpus" and rng.random() < RISKY_SHARE:
            source = rng.choice(labelled)
            conv = {"id": f"b{len(conversations)}", "lang": str(source.get("lang", "fr")).split("+")[0],
                    **{k: v for k, v in source.items() if k in ("user", "participants", "messages", "platform")}}
            conv["messages"] = conv["messages"][: max(n_messages - total, 1)]
        else:
            size = min(rng.randint(5, 40), n_messages - total)
            pool = pools["all"] if mix == "corpus" else pools[rng.choice(sorted(pools))]
            conv = _conversation(len(conversations), [rng.choice(pool) for _ in range(size)])
        conversations.append(conv)
        total += len(conv["messages"])
    return conversations


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_analyzer(n_messages: int, jobs: int, mix: str) -> dict:
    """In a fresh process: load time, rate and peak memory of the analyzer alone."""
    started = time.perf_counter()
    from sextortion_flags import Analyzer

    analyzer = Analyzer()
    load_s = time.perf_counter() - started
    conversations = build_conversations(n_messages, mix=mix)
    levels: dict[str, int] = {}
    started = time.perf_counter()
    for report in analyzer.analyze_many(conversations, n_jobs=jobs):  # the default chunking, as `scan`
        levels[report.risk_level] = levels.get(report.risk_level, 0) + 1  # type: ignore[union-attr]
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"load_s": load_s, "elapsed": elapsed, "conversations": len(conversations), "levels": levels,
            "peak_mb": peak_mb(), "worker_peak_mb": children}


def tokenizer_rate(conversations: list[dict]) -> float:
    import spacy

    by_lang: dict[str, list[str]] = {}
    for conv in conversations:
        by_lang.setdefault(SPACY_LANG[conv["lang"]], []).extend(m.get("text") or "" for m in conv["messages"])
    pipelines = {lang: spacy.blank(lang) for lang in by_lang}
    for lang, texts in by_lang.items():  # warm up: the first call builds caches; time the steady state
        for _ in pipelines[lang].pipe(texts[:200]):
            pass
    n_msg = sum(len(texts) for texts in by_lang.values())
    started = time.perf_counter()
    for lang, texts in by_lang.items():
        for _ in pipelines[lang].pipe(texts, batch_size=1000):
            pass
    return n_msg / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mix", nargs="+", choices=("corpus", "traffic"), default=["corpus", "traffic"])
    parser.add_argument("--analyzer-only", type=int, metavar="JOBS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyzer_only is not None:
        print(json.dumps(run_analyzer(args.messages, args.analyzer_only, args.mix[0])))
        return 0
    import subprocess

    for mix in args.mix:
        conversations = build_conversations(args.messages, mix=mix)
        n_msg = sum(len(c["messages"]) for c in conversations)
        reference = tokenizer_rate(conversations)
        runs = []
        for jobs in (1, args.jobs):
            out = subprocess.run([sys.executable, __file__, "--messages", str(args.messages), "--mix", mix,
                                  "--analyzer-only", str(jobs)], capture_output=True, text=True, check=True).stdout
            runs.append((jobs, json.loads(out.strip().splitlines()[-1])))
        levels = ", ".join(f"{k} {v}" for k, v in sorted(runs[0][1]["levels"].items()))
        distinct = len({m.get("text") for c in conversations for m in c["messages"]})
        print(f"\n**{mix} mix**: {n_msg:,} messages ({distinct:,} distinct texts) in {len(conversations):,} "
              f"conversations (levels: {levels}); each analyzer run in a fresh process\n")
        print("| run | messages/s | conversations/s | vs blank tokenizer | load (s) | peak RSS (MB) |")
        print("|---|---|---|---|---|---|")
        print(f"| spaCy `blank(lang)` tokenizer (`nlp.pipe`) | {reference:,.0f} | | 100% | | |")
        for jobs, r in runs:
            rate = n_msg / r["elapsed"]
            memory = f"{r['peak_mb']:,.0f}" + (f" + {r['worker_peak_mb']:,.0f} per worker" if jobs > 1 else "")
            label = f"analyzer, {jobs} process{'es' if jobs > 1 else ''}"
            print(f"| {label} | {rate:,.0f} | {r['conversations'] / r['elapsed']:,.0f} | {rate / reference:.0%} | "
                  f"{r['load_s']:.2f} | {memory} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
