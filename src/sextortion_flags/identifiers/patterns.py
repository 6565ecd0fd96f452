"""Every pattern and table the identifier extractor uses, compiled once, in one place.

Context words are data (`resources/identifiers/cues.yaml`, per language); the shapes of phone
numbers, wallets, IBANs and platform links are constants here. Every quantifier is bounded or
consumes a character class disjoint from what follows it, so no pattern backtracks badly on a
huge message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sextortion_flags import lexicon
from sextortion_flags.literals import Substrings, WordLiterals

# ------------------------------------------------------------------ phones

# A run of digits joined by at most three separator characters ("06 12 34", "+212 (0)6-12").
# No "/" (dates) and no ":" (times).
PHONE_RUN = re.compile(r"(?<![0-9A-Za-z])\+?[0-9](?:[ \t.\-\u00a0\u202f()]{0,3}[0-9])*")
PHONE_RUN_MAX_CHARS = 80  # a longer numeric blob is not somebody's phone number
PHONE_GROUP = re.compile(r"\+?[0-9]+")

# Country calling code -> allowed national lengths (without trunk 0); others fall back to E.164 length.
COUNTRY_CODES: dict[str, tuple[int, ...]] = {
    "212": (9,), "213": (9,), "216": (8,), "33": (9,), "34": (9,), "32": (8, 9), "41": (9,), "352": (6, 7, 8, 9),
    "44": (10,), "1": (10,), "49": (10, 11), "39": (9, 10), "31": (9,), "351": (9,), "971": (8, 9), "966": (9,),
    "974": (8,), "90": (10,), "234": (10,), "225": (10,), "221": (9,), "229": (8, 10), "237": (9,), "233": (9,),
    "7": (10,), "91": (10,), "92": (10,), "20": (10,), "62": (9, 10, 11), "63": (10,),
}
MOROCCO_NATIONAL_FIRST = "5678"

# ------------------------------------------------------------------ crypto, IBAN

ALNUM_TOKEN = re.compile(r"[A-Za-z0-9]{1,120}")
CRYPTO_JOIN_GAP = re.compile(r"[ \t\r\n\u00a0]{1,4}")  # what may separate two halves of a wallet
BTC_LEGACY = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{25,34}")
BTC_SEGWIT = re.compile(r"(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}")
ETHEREUM = re.compile(r"0x[0-9a-fA-F]{40}")
TRON = re.compile(r"T[1-9A-HJ-NP-Za-km-z]{33}")
CRYPTO_PREFIXES = ("1", "3", "bc1", "BC1", "0x", "T")
CRYPTO_MAX_CHARS = 90

IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){11,32}")
# ISO 13616 registry: country -> IBAN length (plus the West African partial adopters).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "CI": 28, "SN": 28, "BJ": 28, "ML": 28,
    "BF": 28, "CM": 27, "DZ": 26, "MG": 27, "MZ": 25, "AO": 25, "CV": 25, "IR": 26,
}

# ------------------------------------------------------------------ handles, e-mails

HANDLE_AT = re.compile(r"(?<![\w@./])@([A-Za-z0-9_][A-Za-z0-9_.]{1,29})")
HANDLE_TOKEN = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.\-]{1,29})")
# What may stand between a handle cue and the handle: "snap: x", "mon pseudo c'est x", "my snap is x".
HANDLE_SEPARATOR = re.compile(
    r"[ \t]{0,3}(?:(?P<mark>[:=]|->|→|=>)|(?P<word>c'?est|est|is|es|هو|huwa|howa))?[ \t]{0,3}(?=@?[A-Za-z0-9_])"
)
_STOPWORDS_TEXT = (
    "moi me stp svp plz please pls sur on en et and the la le les my mon ma mi lia liya ya wa ok okay oui yes no non "
    "si bien daba db demain tomorrow now maintenant ahora aussi also too vite fast asap"
)
HANDLE_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

EMAIL_LOCAL_BEFORE = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}$")
EMAIL_DOMAIN_AFTER = re.compile(r"[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,3}\.[A-Za-z]{2,24}(?![A-Za-z0-9])")
# Written-out "@" and "." in e-mails: "lina (at) gmail (dot) com", "lina arobase gmail point com".
EMAIL_OBFUSCATED = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<local>[A-Za-z0-9._%+\-]{1,64})"
    r"(?:[ \t]{0,3}[(\[{][ \t]{0,2}(?:at|arobase|arroba)[ \t]{0,2}[)\]}][ \t]{0,3}"
    r"|[ \t]{1,3}(?:at|arobase|arroba)[ \t]{1,3})"
    r"(?P<domain>[A-Za-z0-9\-]{1,63}(?:(?:\.|[ \t]{0,3}[(\[{][ \t]{0,2}(?:dot|point|punto)[ \t]{0,2}[)\]}][ \t]{0,3}"
    r"|[ \t]{1,3}(?:dot|point|punto)[ \t]{1,3})[A-Za-z0-9\-]{1,63}){1,3})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
EMAIL_DOT_WORD = re.compile(r"[ \t]{0,3}[(\[{][ \t]{0,2}(?:dot|point|punto)[ \t]{0,2}[)\]}][ \t]{0,3}"
                            r"|[ \t]{1,3}(?:dot|point|punto)[ \t]{1,3}", re.IGNORECASE)
# Spelled-out e-mails must end in a domain people actually use, so "meet at home dot now" stays text.
EMAIL_OBFUSCATED_TLDS = frozenset("com fr ma es net org io me co uk de be ch it pt nl eu info biz ru tn dz".split())  # noqa: SIM905


def spelled_out_domain(match: re.Match[str]) -> str | None:
    """The domain of an EMAIL_OBFUSCATED match ("gmail dot com" -> "gmail.com"), or None when it
    does not end in one of EMAIL_OBFUSCATED_TLDS."""
    domain = EMAIL_DOT_WORD.sub(".", match.group("domain")).lower()
    return domain if domain.rsplit(".", 1)[-1] in EMAIL_OBFUSCATED_TLDS else None

# ------------------------------------------------------------------ platform links

_SCHEME = r"(?<![A-Za-z0-9@./])(?:https?://)?(?:www\.|m\.|mobile\.)?"


@dataclass(frozen=True, slots=True)
class LinkPattern:
    id: str
    type: str  # "invite_link" or "profile_link"
    network: str
    regex: re.Pattern[str]
    needles: tuple[str, ...]  # lower-case substrings one of which any match contains (a cheap pre-check)


def _link(id_: str, type_: str, network: str, body: str, *needles: str) -> LinkPattern:
    regex = re.compile(_SCHEME + body + r"(?![A-Za-z0-9_])", re.IGNORECASE)
    return LinkPattern(id_, type_, network, regex, needles)


LINK_PATTERNS: tuple[LinkPattern, ...] = (
    _link("telegram-invite", "invite_link", "telegram",
          r"(?:t|telegram)\.me/(?:\+|joinchat/)[A-Za-z0-9_\-]{5,64}", "t.me/", "telegram.me/"),
    _link("whatsapp-group", "invite_link", "whatsapp",
          r"chat\.whatsapp\.com/(?:invite/)?[A-Za-z0-9]{10,40}", "chat.whatsapp.com/"),
    _link("discord-invite", "invite_link", "discord",
          r"(?:discord\.gg|discord(?:app)?\.com/invite)/[A-Za-z0-9\-]{2,32}", "discord"),
    _link("signal-group", "invite_link", "signal", r"signal\.group/#[A-Za-z0-9_\-]{10,200}", "signal.group/"),
    _link("whatsapp-chat", "profile_link", "whatsapp",
          r"(?:wa\.me|api\.whatsapp\.com/send\?phone=)/?\+?[0-9]{8,15}", "wa.me/", "api.whatsapp.com/"),
    _link("telegram-profile", "profile_link", "telegram",
          r"(?:t|telegram)\.me/(?!joinchat/|share/|s/)[A-Za-z][A-Za-z0-9_]{3,31}", "t.me/", "telegram.me/"),
    _link("instagram-profile", "profile_link", "instagram",
          r"(?:instagram\.com|instagr\.am)/(?!p/|reel/|reels/|explore/|stories/|tv/|accounts/)[A-Za-z0-9_.]{1,30}",
          "instagram.com/", "instagr.am/"),
    _link("snapchat-profile", "profile_link", "snapchat", r"snapchat\.com/add/[A-Za-z0-9_.\-]{2,30}", "snapchat.com/"),
    _link("tiktok-profile", "profile_link", "tiktok", r"tiktok\.com/@[A-Za-z0-9_.]{2,30}", "tiktok.com/"),
    _link("facebook-profile", "profile_link", "facebook",
          r"(?:facebook|fb)\.com/(?:profile\.php\?id=[0-9]{5,20}|(?!watch|groups/|events/|share|photo|story|reel)"
          r"[A-Za-z0-9.]{5,50})", "facebook.com/", "fb.com/"),
    _link("messenger-profile", "profile_link", "facebook", r"m\.me/[A-Za-z0-9.]{3,50}", "m.me/"),
    _link("x-profile", "profile_link", "x",
          r"(?:twitter|x)\.com/(?!home|search|i/|intent/|share)[A-Za-z0-9_]{1,15}", "twitter.com/", "x.com/"),
    _link("signal-profile", "profile_link", "signal", r"signal\.me/#[A-Za-z0-9_/\-=.]{4,160}", "signal.me/"),
    _link("kik-profile", "profile_link", "kik", r"kik\.me/[A-Za-z0-9_.]{2,30}", "kik.me/"),
)


@cache
def link_needles() -> Substrings:
    """Every link pattern's needles, found in one pass over a message (instead of one `find` per needle)."""
    return Substrings(needle for pattern in LINK_PATTERNS for needle in pattern.needles)


# ------------------------------------------------------------------ context words (data)


@dataclass(frozen=True, slots=True)
class Cues:
    """Context words and spelled-out digits of every language, matched as whole words in one pass."""

    words: WordLiterals  # tables CUE_WORDS and DIGIT_WORDS, matched against folded text
    kinds: dict[str, str]  # folded cue -> kind ("phone", "not_phone", "handle", "transfer", "transfer_code")
    networks: dict[str, str | None]  # handle and transfer cues -> network / service
    digit_words: dict[str, str]


CUE_WORDS, DIGIT_WORDS = 0, 1
"""The tables of `Cues.words`."""


def fold_cue(text: str) -> str:
    from sextortion_flags.identifiers.text import fold_text

    return fold_text(text)[1]


@cache
def cues() -> Cues:
    data = lexicon.load_yaml(lexicon.RESOURCE_ROOT / "identifiers" / "cues.yaml")
    kinds: dict[str, str] = {}
    networks: dict[str, str | None] = {}
    digit_words: dict[str, str] = {}
    for lang_data in data.values():  # type: ignore[union-attr]
        for kind in ("phone", "not_phone", "transfer_code"):
            for cue in lang_data.get(kind, []):
                kinds.setdefault(fold_cue(str(cue)), kind)
        for kind in ("handle", "transfer"):
            for cue, network in (lang_data.get(kind) or {}).items():
                folded = fold_cue(str(cue))
                kinds[folded] = kind  # a named service outranks a generic word of another language
                networks[folded] = network
        for word, digit in (lang_data.get("digit_words") or {}).items():
            digit_words[fold_cue(str(word))] = str(digit)
    # one automaton, not regex alternations: Python's `re` would try every cue at every position
    return Cues(WordLiterals(kinds, digit_words), kinds, networks, digit_words)

# ------------------------------------------------------------------ transfers, amounts

# Length of the reference each service gives the sender (Western Union MTCN: 10 digits).
TRANSFER_CODE_DIGITS: dict[str | None, tuple[int, int]] = {
    "western_union": (10, 10),
    "moneygram": (8, 8),
    "ria": (11, 11),
    None: (6, 16),
}
DEFAULT_TRANSFER_CODE_DIGITS = (6, 16)
# A number followed by one of these is an amount, not a phone number or a code.
CURRENCY_AFTER = re.compile(
    r"[ \t]{0,2}(?:€|\$|£|eur(?:o|os)?\b|dh\b|dhs\b|mad\b|usd\b|dollars?\b|dirhams?\b|درهم|دولار|btc\b|usdt\b|k\b)",
    re.IGNORECASE,
)
MAX_SCAN_CHARS = 100_000  # a longer message is read up to here: bounded time, nobody hides a number further
CUE_WINDOW = 60  # how far before an identifier a context word still speaks about it
NOT_PHONE_WINDOW = 30
