"""Which language a message is written in: fr, en, es, ary (Darija in Latin letters) or ar.

A blank spaCy pipeline has no language identifier, and a statistical one would cost more than
the whole analysis; chats are short and mixed, so a count of frequent function words (data in
`resources/lexicon/langid.yaml`) plus the script and arabizi digits is as good and far faster.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml

LATIN_LANGUAGES = ("fr", "en", "es", "ary")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER = re.compile(r"[a-zA-Z\u00C0-\u024F]")
_ARABIZI = re.compile(r"(?<![a-z\d])[a-z]*[a-z][2379][a-z]+|(?<![\w])[379][a-z]{2,}", re.IGNORECASE)


@cache
def _function_words() -> dict[str, frozenset[str]]:
    data = load_yaml(RESOURCE_ROOT / "lexicon" / "langid.yaml")
    return {lang: frozenset(str(w) for w in words) for lang, words in data.items()}


@cache
def _languages_of_word() -> dict[str, tuple[str, ...]]:
    """Function word -> the Latin-script languages it belongs to (one look-up per word)."""
    table = _function_words()
    words = {w for lang in LATIN_LANGUAGES for w in table[lang]}
    return {w: tuple(lang for lang in LATIN_LANGUAGES if w in table[lang]) for w in words}


_ARABIZI_DIGIT = re.compile("[2379]")


def detect(original: str, words: Iterable[str]) -> str | None:
    """Best guess for one message; None when it gives no evidence (a lone emoji, a number)."""
    if original.isascii():  # most chat: no Arabic letters to count
        if _LATIN_LETTER.search(original) is None:
            return None
    else:
        arabic = len(_ARABIC_LETTER.findall(original)) if _ARABIC_LETTER.search(original) else 0
        if arabic and arabic >= len(_LATIN_LETTER.findall(original)):
            return "ar"
        if _LATIN_LETTER.search(original) is None:
            return None
    scores: dict[str, int] = {}
    for languages in filter(None, map(_languages_of_word().get, words)):  # function words only
        for lang in languages:
            scores[lang] = scores.get(lang, 0) + 1
    arabizi = len(_ARABIZI.findall(original)) if _ARABIZI_DIGIT.search(original) else 0
    if arabizi:
        scores["ary"] = scores.get("ary", 0) + 2 * arabizi
    if not scores:
        return None
    best = max(scores.values())
    tied = [lang for lang, n in scores.items() if n == best]
    if len(tied) > 1:  # a tie between French and Darija is Darija written with French words
        return "ary" if "ary" in tied else tied[0]
    return tied[0]


def conversation_language(message_languages: Iterable[str | None]) -> str | None:
    """The main language: the most frequent message language (Darija wins ties with French)."""
    counts = Counter(lang for lang in message_languages if lang)
    if not counts:
        return None
    best = max(counts.values())
    tied = [lang for lang, n in counts.items() if n == best]
    return "ary" if "ary" in tied else tied[0]
