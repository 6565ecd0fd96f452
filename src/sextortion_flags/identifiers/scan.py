"""Find the identifiers written in one message (no sender logic here: see `extract.py`).

Order of the passes matters: links, e-mails, IBANs and wallets claim their spans first, so a
phone-number pass never reads digits inside an IBAN or a link. Every value is validated
(checksums, lengths, context words) before it is kept.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from sextortion_flags.identifiers import checksums, patterns, phone
from sextortion_flags.identifiers.text import prepare_and_find_cues
from sextortion_flags.literals import Match


@dataclass(frozen=True, slots=True)
class Found:
    type: str
    value: str
    key: str  # what two mentions of the same identifier share (case, spacing and scheme removed)
    network: str | None
    start: int  # offset in the prepared text, for ordering


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    kind: str
    network: str | None


@dataclass(slots=True)
class MessageScan:
    found: list[Found] = field(default_factory=list)
    names_transfer: bool = False  # a transfer service is named (gives "code" its meaning next time)
    tail_fragment: str | None = None  # a wallet-looking token that ends the message but fails its checksum
    raw: str = ""  # the prepared text, kept for head_tokens

    @property
    def head_tokens(self) -> tuple[str, ...]:
        """The first alphanumeric tokens, for a wallet split over two messages (read only after a tail fragment)."""
        heads = _HEAD_TOKENS.match(self.raw)
        return tuple(t for t in heads.groups() if t) if heads else ()


def crypto_address(token: str) -> tuple[str, str] | None:
    """(network, value) when `token` is a valid Bitcoin, Ethereum or TRON address."""
    if token[:3].lower() == "bc1":
        if patterns.BTC_SEGWIT.fullmatch(token) and checksums.segwit_address_ok(token):
            return "bitcoin", token.lower()
        return None
    if token.startswith("0x"):
        return ("ethereum", token) if checksums.ethereum_address_ok(token) else None
    if token[0] == "T" and patterns.TRON.fullmatch(token):
        payload = checksums.base58check_payload(token)
        return ("tron", token) if payload is not None and len(payload) == 21 and payload[0] == 0x41 else None
    if token[0] in "13" and patterns.BTC_LEGACY.fullmatch(token):
        payload = checksums.base58check_payload(token)
        version = 0x00 if token[0] == "1" else 0x05
        return ("bitcoin", token) if payload is not None and len(payload) == 21 and payload[0] == version else None
    return None


_CRYPTO_START = re.compile(r"(?<![A-Za-z0-9])(?:bc1|BC1|0x|[13T])[A-Za-z0-9]{4,119}")
_TRAILING = re.compile(r"[\s.,;:!?)\]}\"'»…]*$")
_HEAD_TOKENS = re.compile(r"\s{0,8}([A-Za-z0-9]{1,120})(?:[ \t\r\n]{1,4}([A-Za-z0-9]{1,120}))?")
_BEFORE_AT_WORD = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}[ \t(\[{]{1,6}$")
# Every identifier holds a digit, "@", "_" or "#", a "." or "/" inside a word (links, "lina.b"), or a
# "snap: name" colon, or spells "@" out: a message with none of them is skipped at C speed. One
# regex per clue, each tried only when its characters occur: an alternation would try all at every position.
_MAY_HOLD_CHARACTER = re.compile(r"[0-9@_#]")
_WORD_DOT_WORD = re.compile(r"\w[./]\w")
_COLON_WORD = re.compile(r":\s*\w")
_AT_WORD = re.compile(r"\b(?:at|arobase|arroba)\b")
_DIGIT = re.compile(r"[0-9]")
_MIN_RUN_CHARS = min(phone.MIN_DIGITS, patterns.DEFAULT_TRANSFER_CODE_DIGITS[0],
                     *(low for low, _high in patterns.TRANSFER_CODE_DIGITS.values()))
"""A shorter digit run holds fewer digits than any phone number or transfer code: skipped unread."""
_TLD_LIKE = frozenset(["com", "fr", "ma", "es", "net", "org", "io", "me", "co", "uk", "de", "be", "gg"])


class _Scanner:
    def __init__(self, raw: str, folded: str, found: list[Match], transfer_context: bool) -> None:
        self.raw, self.folded = raw, folded
        self.taken: list[tuple[int, int]] = []
        self.result = MessageScan(raw=raw)
        table = patterns.cues()
        self.cues = [Cue(start, end, table.kinds[word], table.networks.get(word))
                     for start, end, word in found]
        self.cue_ends = [c.end for c in self.cues]
        self.transfer_service: str | None = None
        if self.cues:  # most messages name no context word at all
            self.transfer_service = next((c.network for c in self.cues if c.kind == "transfer" and c.network), None)
            self.result.names_transfer = any(c.kind == "transfer" for c in self.cues)
        self.transfer_context = transfer_context or self.result.names_transfer

    # ---------------------------------------------------------------- helpers

    def add(self, type_: str, value: str, key: str, network: str | None, start: int, end: int) -> None:
        self.result.found.append(Found(type_, value, key, network, start))
        self.taken.append((start, end))

    def is_taken(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.taken)

    def nearest_cue(self, pos: int, window: int = patterns.CUE_WINDOW) -> Cue | None:
        i = bisect_right(self.cue_ends, pos)
        if i and pos - self.cues[i - 1].end <= window:
            return self.cues[i - 1]
        return None

    # ---------------------------------------------------------------- passes

    def links(self) -> None:
        needles = patterns.link_needles().positions(self.folded)
        if not needles:
            return
        for pattern in patterns.LINK_PATTERNS:
            for m in self._around_needles(pattern, needles):
                if self.is_taken(m.start(), m.end()):
                    continue
                url = re.sub(r"^(?:https?://)?(?:www\.|m\.|mobile\.)?", "", m.group(0), flags=re.IGNORECASE)
                host, _, path = url.partition("/")
                value = f"https://{host.lower()}/{path}"
                key = value if pattern.type == "invite_link" else value.lower()
                self.add(pattern.type, value, key, pattern.network, m.start(), m.end())
                if pattern.id == "whatsapp-chat":
                    number = phone.international_value(re.sub(r"\D", "", path))
                    if number:
                        self.result.found.append(Found("phone", number, number, None, m.start()))

    def _around_needles(self, pattern: patterns.LinkPattern, at: dict[str, list[int]]) -> list[re.Match[str]]:
        """Matches of a link pattern, searched only near its domain (cheap on huge messages).

        at: where each needle occurs in the folded text.
        """
        matches: dict[int, re.Match[str]] = {}
        for needle in pattern.needles:
            for pos in at.get(needle, ()):
                lo, hi = max(0, pos - 30), min(len(self.raw), pos + len(needle) + 220)
                for m in pattern.regex.finditer(self.raw, lo, hi):
                    matches.setdefault(m.start(), m)
        return [matches[k] for k in sorted(matches)]

    def emails(self) -> None:
        raw = self.raw
        pos = raw.find("@")
        while pos != -1:
            local = patterns.EMAIL_LOCAL_BEFORE.search(raw, max(0, pos - 64), pos)
            domain = patterns.EMAIL_DOMAIN_AFTER.match(raw, pos + 1)
            if local and domain and not self.is_taken(local.start(), domain.end()):
                name = local.group(0).lstrip(".")
                if name and not name.endswith("."):
                    value = f"{name}@{domain.group(0)}".lower()
                    self.add("email", value, value, None, local.start(), domain.end())
            pos = raw.find("@", pos + 1)
        for hit in re.finditer(r"(?<![a-z])(?:at|arobase|arroba)(?![a-z])", self.folded):
            before = _BEFORE_AT_WORD.search(raw, max(0, hit.start() - 72), hit.start())
            m = patterns.EMAIL_OBFUSCATED.match(raw, before.start(), min(len(raw), hit.end() + 150)) if before else None
            if m is not None:
                domain = patterns.spelled_out_domain(m)
                if domain is None:
                    continue
                if self.is_taken(m.start(), m.end()):
                    continue
                value = f"{m.group('local')}@{domain}".lower()
                self.add("email", value, value, None, m.start(), m.end())

    def ibans(self) -> None:
        for m in patterns.IBAN_START.finditer(self.raw):
            compact = re.sub(r"[ \-]", "", m.group(0)).upper()
            length = patterns.IBAN_LENGTHS.get(compact[:2])
            if length is None or len(compact) < length:
                continue
            iban = compact[:length]
            if checksums.iban_checksum_ok(iban) and not self.is_taken(m.start(), m.end()):
                self.add("iban", iban, iban, None, m.start(), m.end())

    def wallets(self) -> None:
        raw = self.raw
        for m in _CRYPTO_START.finditer(raw):
            token = m.group(0)
            if self.is_taken(m.start(), m.end()) or (token[0] in "13" and token.isdigit()):
                continue
            end, found = m.end(), crypto_address(token)
            joined = token
            for _ in range(2):  # a wallet broken over lines or by spaces: rejoin and re-check
                if found is not None or len(joined) >= patterns.CRYPTO_MAX_CHARS:
                    break
                gap = patterns.CRYPTO_JOIN_GAP.match(raw, end)
                nxt = patterns.ALNUM_TOKEN.match(raw, gap.end()) if gap else None
                if nxt is None:
                    break
                joined, end = joined + nxt.group(0), nxt.end()
                found = crypto_address(joined)
            if found is not None:
                network, value = found
                self.add("crypto_address", value, value.lower(), network, m.start(), end)
            elif _TRAILING.fullmatch(raw, m.end()) and len(token) >= 8:
                self.result.tail_fragment = token

    def numbers(self) -> None:
        if not _DIGIT.search(self.raw):
            return  # every run starts with a digit
        for m in patterns.PHONE_RUN.finditer(self.raw):
            if m.end() - m.start() < _MIN_RUN_CHARS:
                continue  # "3", "500": too few digits for a phone number or a transfer code
            if m.end() - m.start() > patterns.PHONE_RUN_MAX_CHARS or self.is_taken(m.start(), m.end()):
                continue
            if self.raw[max(0, m.start() - 1):m.start()] == "#":
                continue  # "#0612345678" is an order or ticket number
            cue = self.nearest_cue(m.start())
            if cue is not None and cue.kind == "not_phone" and m.start() - cue.end <= patterns.NOT_PHONE_WINDOW:
                continue
            if cue is not None and self.transfer(m, cue):
                continue
            self.phones(m.group(0), m.start(), announced=cue is not None and cue.kind == "phone")

    def transfer(self, m: re.Match[str], cue: Cue) -> bool:
        if cue.kind == "transfer":
            service = cue.network or self.transfer_service
        elif cue.kind == "transfer_code" and self.transfer_context:
            service = self.transfer_service
        else:
            return False
        digits = re.sub(r"\D", "", m.group(0))
        low, high = patterns.TRANSFER_CODE_DIGITS.get(service, patterns.DEFAULT_TRANSFER_CODE_DIGITS)
        if not low <= len(digits) <= high or patterns.CURRENCY_AFTER.match(self.raw, m.end()):
            return False
        self.add("transfer_reference", digits, f"{service}:{digits}", service, m.start(), m.end())
        return True

    def phones(self, run: str, offset: int, announced: bool) -> None:
        claimed_until = -1
        by_start: dict[int, list[phone.PhoneCandidate]] = {}
        for candidate in phone.candidates(run, offset):
            by_start.setdefault(candidate.start, []).append(candidate)
        for start in sorted(by_start):
            if start < claimed_until:
                continue
            for candidate in sorted(by_start[start], key=lambda c: -len(c.digits)):
                value = phone.phone_value(candidate, announced)
                if value is None or patterns.CURRENCY_AFTER.match(self.raw, candidate.end):
                    continue
                self.add("phone", value, value, None, candidate.start, candidate.end)
                claimed_until = candidate.end
                break

    def handles(self) -> None:
        table = patterns.cues()
        for cue in self.cues:
            if cue.kind != "handle":
                continue
            sep = patterns.HANDLE_SEPARATOR.match(self.folded, cue.end)
            token = patterns.HANDLE_TOKEN.match(self.raw, sep.end()) if sep else None
            if sep is None or token is None:
                continue
            name = token.group(1).rstrip(".-")
            # "snap: lina" or "@lina" name a handle; after a mere "c'est"/"is" the word must look like
            # one (digits, "_" or ".") or "parler sur snap c'est mieux" would give "@mieux"
            explicit = bool(sep.group("mark")) or token.group(0).startswith("@")
            if self.is_taken(token.start(), token.end()) or \
                    not self._plausible_handle(name, token.end(), explicit, table.kinds):
                continue
            self.add("handle", f"@{name}", name.lower(), cue.network, token.start(), token.end())
        for m in patterns.HANDLE_AT.finditer(self.raw):
            name = m.group(1).rstrip(".")
            if self.is_taken(m.start(), m.end()) or not self._plausible_handle(name, m.end(), True, {}):
                continue
            cue = self.nearest_cue(m.start(), 40)
            network = cue.network if cue is not None and cue.kind == "handle" else None
            self.add("handle", f"@{name}", name.lower(), network, m.start(), m.end())

    def _plausible_handle(self, name: str, end: int, explicit: bool, cue_words: dict[str, str]) -> bool:
        folded = name.lower()
        if len(name) < 3 or not any(c.isalpha() for c in name) or folded in patterns.HANDLE_STOPWORDS:
            return False
        if folded in cue_words or self.raw[end:end + 1] in ("@", "/"):
            return False
        if "." in name and name.rsplit(".", 1)[-1].lower() in _TLD_LIKE:
            return False  # a domain or a link, not a handle
        return explicit or any(c in name for c in "0123456789_.")

    def run(self) -> MessageScan:
        self.links()
        self.emails()
        self.ibans()
        self.wallets()
        self.numbers()
        self.handles()
        self.result.found.sort(key=lambda f: f.start)
        return self.result


def scan_message(text: str, *, transfer_context: bool = False) -> MessageScan:
    """Identifiers in one message's text; `transfer_context` says the sender named a transfer service just before."""
    raw, folded, cues = prepare_and_find_cues(text[:patterns.MAX_SCAN_CHARS])
    if not _may_hold(raw, folded):  # most messages: nothing any pass can match, only context words to pass on
        kinds = patterns.cues().kinds
        return MessageScan(names_transfer=any(kinds[word] == "transfer" for _start, _end, word in cues), raw=raw)
    return _Scanner(raw, folded, cues, transfer_context).run()


def _may_hold(raw: str, folded: str) -> bool:
    return bool(_MAY_HOLD_CHARACTER.search(raw)
                or (("." in raw or "/" in raw) and _WORD_DOT_WORD.search(raw))
                or (":" in raw and _COLON_WORD.search(raw))
                or (("at" in folded or "rob" in folded) and _AT_WORD.search(folded)))  # "arobase", "arroba"
