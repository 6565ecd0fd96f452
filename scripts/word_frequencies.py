"""Write `resources/lexicon/word_frequency.txt`: how many messages of the corpus use each word.

    python scripts/word_frequencies.py

The rule matcher indexes each pattern under its rarest required slot (`rules/patterns.py`), and
"rarest" is read from this table: document frequencies of normalized words over ordinary chat
(`data/everyday/`) and the labelled messages (`data/messages/`: scam lines and their look-alikes).
Only how often words occur is kept, never a sentence. Rerun it when the corpus grows; the
matcher's results never depend on it, only its speed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sextortion_flags.normalize import normalize
from sextortion_flags.rules.patterns import WORD

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "sextortion_flags" / "resources" / "lexicon" / "word_frequency.txt"
MIN_COUNT = 2


def main() -> int:
    counts: Counter[str] = Counter()
    documents = 0
    for folder in ("everyday", "messages"):
        for path in sorted((ROOT / "data" / folder).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    documents += 1
                    counts.update(set(WORD.findall(normalize(json.loads(line)["text"]).text)))
    kept = sorted(((w, n) for w, n in counts.items() if n >= MIN_COUNT), key=lambda item: (-item[1], item[0]))
    lines = [f"# documents\t{documents}", *(f"{word}\t{n}" for word, n in kept)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(kept)} words from {documents} messages -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
