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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
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

    started = time.perf_counter()
    from sextortion_flags import Analyzer

    analyzer = Analyzer()
    load_s = time.perf_counter() - started
    rows = []
    for jobs in (1, args.jobs):
        started = time.perf_counter()
        for _ in analyzer.analyze_many(conversations, n_jobs=jobs, chunksize=16):
            pass
        elapsed = time.perf_counter() - started
        rows.append((jobs, n_msg / elapsed, len(conversations) / elapsed))
    print(f"{n_msg} messages in {len(conversations)} conversations; analyzer load {load_s:.2f} s; "
          f"peak RSS {peak_mb():.0f} MB (main process)")
    print("\n| run | messages/s | conversations/s | vs blank tokenizer |")
    print("|---|---|---|---|")
    print(f"| spaCy blank tokenizer | {tokenizer_rate:,.0f} | | 100% |")
    for jobs, msg_rate, conv_rate in rows:
        print(f"| analyzer, {jobs} process(es) | {msg_rate:,.0f} | {conv_rate:,.0f} | "
              f"{msg_rate / tokenizer_rate:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
