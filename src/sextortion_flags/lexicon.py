"""Packaged word lists used by normalization: emoji meanings, app aliases, watched words.

One place for constants (textacy's `resources.py` habit); each list is data under
`resources/lexicon/` and is loaded once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path

import yaml

RESOURCE_ROOT = Path(str(importlib_resources.files("sextortion_flags") / "resources"))


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster


def load_yaml(path: Path) -> object:
    """Parse a YAML file safely (no arbitrary objects), with libyaml's loader when available."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


@cache
def emoji_tokens() -> dict[str, str]:
    """Emoji that carry meaning -> a word token such as `emo_camera`."""
    data = load_yaml(RESOURCE_ROOT / "lexicon" / "emoji.yaml")
    return {emoji: token for token, emojis in data.items() for emoji in emojis}


@cache
def aliases() -> dict[str, str]:
    """Spelling variants and abbreviations -> canonical word (keys already folded)."""
    from sextortion_flags.normalize import fold_characters

    data = load_yaml(RESOURCE_ROOT / "lexicon" / "aliases.yaml")
    table: dict[str, str] = {}
    for canonical, variants in data.items():
        for variant in variants:
            key = fold_characters(str(variant))[0].strip()
            table[key] = canonical
    return table


@cache
def watched_words() -> frozenset[str]:
    """Words worth decoding from leetspeak: the canonical aliases plus a watched list."""
    data = load_yaml(RESOURCE_ROOT / "lexicon" / "watched.yaml")
    return frozenset(str(w) for w in data["words"]) | frozenset(aliases()) | frozenset(aliases().values())


@cache
def word_frequencies() -> dict[str, int]:
    """Normalized word -> number of corpus messages using it (`scripts/word_frequencies.py`); the
    rule matcher reads it to index each pattern under its rarest slot."""
    table: dict[str, int] = {}
    text = (RESOURCE_ROOT / "lexicon" / "word_frequency.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, count = line.partition("\t")
        if word and not word.startswith("#") and count.isdigit():
            table[word] = int(count)
    return table
