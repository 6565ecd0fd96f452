"""Where the time goes: microseconds per message for each stage of the analyzer, one process.

    python benchmarks/stages.py [--messages 20000] [--mix traffic corpus]

Wraps the analyzer's stages with timers (reading the conversation, normalization, language,
rules and context cues, classifier features and probabilities, model evidence, signals, report,
advice, identifiers) and scores the same conversations as `benchmarks/throughput.py`. The timers
add about a microsecond per call. The plain rate (garbage collector on, as in real runs) is printed
first; the stages are timed on later passes with the collector off, so that its pauses do not land
on whichever stage happens to allocate, and its cost is shown on a line of its own (a warm pass
with the collector on minus one with it off).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import build_conversations  # noqa: E402

STAGES = (  # (label, module or analyzer attribute, name)
    ("validate input (pydantic)", "analyzer", "to_conversation"),
    ("normalize", "analyzer", "normalize"),
    ("language", "analyzer", "detect"),
    ("rules + context cues", "engine", "scan"),
    ("classifier (features + probabilities)", "self", "_score"),
    ("model evidence", "self", "_model_findings"),
    ("age claims", "analyzer", "age_claims"),
    ("timing, refusals, account", "analyzer", ("fast_escalation", "repeated_after_refusal", "account_findings")),
    ("advice", "analyzer", "select_advice"),
    ("identifiers", "analyzer", "extract_identifiers"),
    ("report (flags, explanations, summary)", "self", "_report"),
)


def _timed(owner: Any, name: str, label: str, totals: Counter[str]) -> None:
    inner: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started

    setattr(owner, name, timed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--mix", nargs="+", choices=("corpus", "traffic"), default=["traffic", "corpus"])
    args = parser.parse_args()
    import sextortion_flags.analyzer as analyzer_module
    from sextortion_flags import Analyzer

    for mix in args.mix:
        analyzer = Analyzer()
        conversations = build_conversations(args.messages, mix=mix)
        n_msg = sum(len(c["messages"]) for c in conversations)
        list(analyzer.analyze_many(conversations[:50]))  # warm-up: first-use tables
        started = time.perf_counter()
        list(analyzer.analyze_many(conversations))
        plain = time.perf_counter() - started
        passes = {}
        for collector_on in (True, False):  # caches now warm: the difference is the collector's
            (gc.enable if collector_on else gc.disable)()
            started = time.perf_counter()
            list(analyzer.analyze_many(conversations))
            passes[collector_on] = time.perf_counter() - started
        totals: Counter[str] = Counter()
        owners = {"analyzer": analyzer_module, "engine": analyzer.engine, "self": analyzer}
        saved = []
        for label, owner_key, names in STAGES:
            for name in (names,) if isinstance(names, str) else names:
                owner = owners[owner_key]
                original = getattr(owner, name) if owner_key == "analyzer" else owner.__dict__.get(name)
                saved.append((owner, name, original))
                _timed(owner, name, label, totals)
        started = time.perf_counter()
        list(analyzer.analyze_many(conversations))
        timed_run = time.perf_counter() - started
        gc.enable()
        for owner, name, original in saved:
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        # report() calls advice and identifiers: show its own share
        totals["report (flags, explanations, summary)"] -= totals["advice"] + totals["identifiers"]
        distinct = len({m.get("text") for c in conversations for m in c["messages"]})
        print(f"\n**{mix} mix**: {n_msg:,} messages, {distinct:,} distinct texts; plain run "
              f"{n_msg / plain:,.0f} messages/s ({plain * 1e6 / n_msg:.1f} µs per message)\n")
        print("| stage | µs per message | share |")
        print("|---|---|---|")
        for label, _owner, _names in STAGES:
            print(f"| {label} | {totals[label] * 1e6 / n_msg:.1f} | {totals[label] / timed_run:.0%} |")
        rest = timed_run - sum(totals.values())
        print(f"| the rest (reading, views, fusion, batching) | {rest * 1e6 / n_msg:.1f} | {rest / timed_run:.0%} |")
        collector = max(passes[True] - passes[False], 0.0)
        print(f"| garbage collection (warm pass with it on minus one with it off) | {collector * 1e6 / n_msg:.1f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
