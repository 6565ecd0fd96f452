"""The one orchestrator: read -> normalize -> detect -> context -> signals -> fuse -> explain.

`Analyzer.analyze` scores one conversation; `analyze_many` wraps it for batches (in worker
processes when asked) and turns a bad item into an error record instead of stopping the batch.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sextortion_flags import explain, i18n
from sextortion_flags._version import __version__
from sextortion_flags.classifier.model import MessageClassifier, packaged_model_path
from sextortion_flags.errors import SextortionFlagsError, UsageError
from sextortion_flags.findings import Finding
from sextortion_flags.fusion import (
    DEFAULT_THRESHOLDS,
    ModelWeights,
    category_score,
    category_severity,
    needs_corroboration,
    risk_level,
    risk_score,
)
from sextortion_flags.guidance import services
from sextortion_flags.guidance.advice import select_advice
from sextortion_flags.identifiers import extract_identifiers
from sextortion_flags.lang import conversation_language, detect
from sextortion_flags.models import Conversation, ErrorInfo, ErrorReport, Evidence, Flag, Report, to_conversation
from sextortion_flags.normalize import normalize
from sextortion_flags.ordered import unique_by
from sextortion_flags.rules.engine import Hit, RuleEngine, Words, cue_languages, strongest_adjustments
from sextortion_flags.rules.schema import LANGUAGES
from sextortion_flags.signals.account import account_findings
from sextortion_flags.signals.age import age_claims, age_findings, claim_patterns
from sextortion_flags.signals.timing import fast_escalation, repeated_after_refusal
from sextortion_flags.signals.view import MessageView

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 20_000
"""Longer messages are cut for analysis (a note in the report says so); quotes stay exact."""
MAX_EVIDENCE = 6
MIN_MODEL_WORDS = 3
"""Shorter messages ("todo bien", "venga va") are too few words for the classifier's probability
to mean much; rules still read them."""
MAX_NOTES = 5
STAGE_ORDER = ("platform_migration", "image_request", "threat", "payment_demand")
SUMMARY_ORDER = ("escalation", "platform_migration", "image_request", "threat", "payment_demand")
CATEGORY_ORDER = ("threat", "payment_demand", "image_request", "minor_involved", "escalation",
                  "platform_migration", "suspicious_account")


class Analyzer:
    """Scores conversations against the warning signs of sextortion and grooming.

    language: restrict rules to one language (default: all, which also handles code-switching).
    rules: a rules directory or file instead of the packaged rules.
    model: a classifier artifact instead of the packaged one; False: rules and signals only.
    thresholds: per-category flag thresholds overriding the defaults.
    explain_language: language of explanations (default: the conversation's, else English).
    use_rules: False scores with the classifier and signals only (for evaluation).
    model_weights: how classifier probabilities enter the fusion.
    """

    def __init__(
        self,
        language: str | None = None,
        rules: str | Path | None = None,
        model: str | Path | bool | None = None,
        thresholds: Mapping[str, float] | None = None,
        explain_language: str | None = None,
        use_rules: bool = True,
        model_weights: ModelWeights | None = None,
        country: str | None = None,
    ) -> None:
        if language is not None and language not in LANGUAGES:
            raise UsageError(f"language {language!r} is not supported; choose one of {', '.join(LANGUAGES)}")
        if explain_language is not None and explain_language not in i18n.available():
            raise UsageError(f"explain_language {explain_language!r}: available {', '.join(i18n.available())}")
        unknown = set(thresholds or {}) - set(DEFAULT_THRESHOLDS)
        if unknown:
            raise UsageError(f"unknown threshold categories {sorted(unknown)}; valid: {sorted(DEFAULT_THRESHOLDS)}")
        if model not in (None, False, True) and not Path(model).exists():  # type: ignore[arg-type]
            raise UsageError(f"model file {str(model)!r} does not exist")
        self.country = services.check_country(country)
        self.language = language
        self.explain_language = explain_language
        self.thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
        self._config = {"language": language, "rules": rules, "model": model, "thresholds": thresholds,
                        "explain_language": explain_language, "use_rules": use_rules,
                        "model_weights": model_weights, "country": country}
        with _collector_paused():  # hundreds of thousands of long-lived objects, no garbage cycles
            self.engine = RuleEngine(Path(rules) if rules else None, (language,) if language else None)
            model_path = packaged_model_path() if model in (None, True) else (None if model is False else Path(model))
            self.classifier = MessageClassifier.load(model_path) if model_path is not None else None
            # Build now what the first message would otherwise build (regex prefilters, each
            # language's cue index, the age-claim prefilter): loading is initialization.
            self.engine.prepare()
            claim_patterns()
        self.use_rules = use_rules
        self.model_weights = model_weights or ModelWeights()
        parts = ["rules"] if use_rules else []
        if self.classifier is not None:
            parts.append(self.classifier.version)
        self.model_version = f"sextortion-flags {__version__} / {' + '.join(parts) or 'signals'}"

    # ------------------------------------------------------------------ one conversation

    def analyze(self, conversation: Conversation | Mapping[str, Any]) -> Report:
        conv = to_conversation(conversation)
        views, notes_cut = self._read(conv)
        return self._analyze_read(conv, views, notes_cut, self._score(views))

    def _analyze_read(self, conv: Conversation, views: list[MessageView], notes_cut: list[int],
                      scored: _Scored | None) -> Report:
        """Everything after reading: rules, the classifier's (already computed) scores, signals, report."""
        language = self.language or conversation_language(v.language for v in views)
        lang = self.explain_language or i18n.pick(language)
        findings, set_aside = self._detect(conv, views, language, scored)
        findings += fast_escalation(views, findings)
        findings += repeated_after_refusal(views, findings, self._refuses(views, language))
        findings += account_findings(conv, views)
        pressuring = {f.sender for f in findings if f.category in ("image_request", "escalation")}
        findings += age_findings(age_claims(views), pressuring)
        return self._report(conv, findings, set_aside, language, lang, notes_cut)

    def _read_item(self, item: Any) -> tuple[Conversation, list[MessageView], list[int]]:
        conv = to_conversation(item)
        return (conv, *self._read(conv))

    def _read(self, conv: Conversation) -> tuple[list[MessageView], list[int]]:
        views, cut = [], []
        for index, message in enumerate(conv.messages):
            view = MessageView(index, message.sender, message.kind, message.timestamp,
                               conv.user is not None and message.sender == conv.user)
            text = message.text or ""
            if message.kind == "text" and text.strip():
                if len(text) > MAX_MESSAGE_CHARS:
                    text = text[:MAX_MESSAGE_CHARS]
                    cut.append(index)
                view.norm = normalize(text)
                view.language = detect(text, Words.of(view.norm.text).words)
            views.append(view)
        return views, cut

    def _cue_languages(self, view: MessageView, language: str | None) -> tuple[str, ...]:
        langs = [*cue_languages(view.language or language or "en")]
        if language and language != view.language:
            langs.extend(cue_languages(language))
        return tuple(dict.fromkeys(langs))

    def _detect(self, conv: Conversation, views: list[MessageView], language: str | None,
                scored: _Scored | None) -> tuple[list[Finding], list[Finding]]:
        findings: list[Finding] = []
        for view in views:
            if view.norm is None or view.from_user or not self.use_rules:
                continue
            findings.extend(_finding_from_hit(hit, view)
                            for hit in self.engine.scan(view.norm, self._cue_languages(view, language)))
        if scored is not None:
            findings.extend(self._model_findings(views, language, scored))
        set_aside = [f for f in findings if f.adjustments and f.base is not None
                     and f.base >= self.thresholds[f.category] > f.score]
        return findings, set_aside

    def _rows(self, views: list[MessageView]) -> tuple[list[MessageView], list[tuple[str, str]]]:
        """The messages the classifier reads (the other parties', of at least MIN_MODEL_WORDS words:
        shorter ones are never model evidence), each with the message before it."""
        targets, rows = [], []
        last = ""
        for view in views:
            if view.norm is None:
                continue
            if not view.from_user and len(Words.of(view.norm.text).words) >= MIN_MODEL_WORDS:
                targets.append(view)
                rows.append((view.norm.text, last))
            last = view.norm.text
        return targets, rows

    def _score(self, *conversations: list[MessageView]) -> _Scored | None:
        """Classifier scores of several conversations' messages in one batch (one feature matrix)."""
        if self.classifier is None:
            return None
        rows: list[tuple[str, str]] = []
        scored_messages = {}
        for views in conversations:
            targets, conversation_rows = self._rows(views)
            scored_messages[id(views)] = (len(rows), targets)
            rows.extend(conversation_rows)
        features = self.classifier.transform(rows)
        return _Scored(features, self.classifier.predict_proba(features) if rows else None, scored_messages)

    def _model_findings(self, views: list[MessageView], language: str | None, scored: _Scored) -> list[Finding]:
        """Classifier probabilities for the other parties' messages, context cues applied."""
        assert self.classifier is not None
        offset, targets = scored.messages[id(views)]
        if not targets or scored.probabilities is None:
            return []
        probabilities, features = scored.probabilities, scored.features
        weights = self.model_weights
        findings: list[Finding] = []
        texts: dict[int, str] = {}
        for row, view in enumerate(targets, offset):
            cues = None
            for k, category in enumerate(self.classifier.categories):
                p = float(probabilities[row, k])
                if p < weights.min_probability:
                    continue
                if cues is None:
                    cues = self.engine.message_cues(view.norm, self._cue_languages(view, language))  # type: ignore[arg-type]
                adjustments = strongest_adjustments(cues, category)
                score = base = weights.weight * p
                for adjustment in adjustments:
                    score *= adjustment.factor
                ngrams = self.classifier.top_ngrams(features, row, category)
                quote, start, end = _ngram_span(view, ngrams)
                findings.append(Finding(
                    category=category, score=score, message_index=view.index, sender=view.sender,
                    source=f"model:{self.classifier.name}", description="", quote=quote, start=start, end=end,
                    base=base, adjustments=adjustments, facts={"ngrams": ngrams, "probability": round(p, 3)},
                    stage=category != "escalation",  # affection-like talk: needs another sign, as for rules
                ))
                texts[len(findings) - 1] = view.norm.text  # type: ignore[union-attr]
        return _once_per_text(findings, texts)

    def _refuses(self, views: list[MessageView], language: str | None):  # noqa: ANN202
        def refuses(view: MessageView) -> bool:
            if view.norm is None:
                return False
            if not view.cue_kinds:
                view.cue_kinds = self.engine.cue_kinds(view.norm, self._cue_languages(view, language)) or {"-"}
            return bool(view.cue_kinds & {"refusal", "negation"})
        return refuses

    def _report(self, conv: Conversation, findings: list[Finding], set_aside: list[Finding],
                language: str | None, lang: str, cut: list[int]) -> Report:
        by_category: dict[str, list[Finding]] = {}
        for finding in findings:
            by_category.setdefault(finding.category, []).append(finding)
        scores = {c: category_score(((f.message_index, f.kind), f.score) for f in fs) for c, fs in by_category.items()}
        flagged = {c: s for c, s in scores.items() if s >= self.thresholds.get(c, 0.5)}
        for category in list(flagged):
            stage_evidence = any(f.stage or f.kind == "timing" for f in by_category[category])
            if needs_corroboration(category, stage_evidence, flagged):
                del flagged[category]
        if "minor_involved" in flagged and not set(flagged) - {"minor_involved", "suspicious_account"}:
            del flagged["minor_involved"]  # a teenager saying their age is not a warning sign by itself
        level = risk_level(flagged)
        flags = []
        for category in sorted(flagged, key=lambda c: (-flagged[c], CATEGORY_ORDER.index(c))):
            evidence = sorted(by_category[category], key=lambda f: (-f.score, f.message_index))
            flags.append(Flag(
                category=category,  # type: ignore[arg-type]
                score=round(min(flagged[category], 1.0), 4),
                severity=category_severity(category, level),  # type: ignore[arg-type]
                sender=evidence[0].sender,
                explanation=explain.flag_explanation(category, evidence, conv, lang),
                evidence=[_evidence(f) for f in _distinct(evidence)[:MAX_EVIDENCE]],
            ))
        first_seen = {c: min(f.message_index for f in by_category[c] if f.stage)
                      for c in flagged if any(f.stage for f in by_category[c])}
        stage_categories = sorted((c for c in first_seen if c in STAGE_ORDER),
                                  key=lambda c: (first_seen[c], STAGE_ORDER.index(c)))
        stages = ["contact", *stage_categories] if flags else []
        summary_stages = [c for c in SUMMARY_ORDER if c in flagged]
        actor = next((f.sender for f in flags if f.category != "minor_involved"), None)
        aside = {(f.category, f.message_index): f for f in set_aside if f.category not in flagged}
        notes = [explain.set_aside_note(f, lang) for f in aside.values()][:MAX_NOTES]
        notes += [i18n.text(lang, "summary.text_cut", index=i, limit=MAX_MESSAGE_CHARS) for i in cut]
        report = Report(
            id=conv.id,
            risk_score=risk_score(level, flagged),
            risk_level=level,  # type: ignore[arg-type]
            language=language,
            flags=flags,
            stages=stages,
            summary=explain.summary(level, list(flagged), summary_stages, actor, conv, lang),
            model_version=self.model_version,
            notes=notes,
        )
        report.advice = select_advice(report, conv, language=lang, country=self.country)
        if flags:  # what police and platforms ask for: the other party's numbers, handles, wallets...
            flagged_senders = {f.sender for f in flags if f.sender is not None and f.category != "minor_involved"}
            report.identifiers = extract_identifiers(
                conv, exclude_senders={conv.user} if conv.user else None,
                only_senders=None if conv.user else (flagged_senders or None))
        return report

    # ------------------------------------------------------------------ batches

    def analyze_safely(self, item: Any) -> Report | ErrorReport:
        """analyze(), but a bad item becomes an ErrorReport (what a batch writes) instead of raising."""
        return self.analyze_chunk([item])[0]

    def analyze_chunk(self, items: list[Any]) -> list[Report | ErrorReport]:
        """Reports for a few conversations, in order, the classifier scoring all their messages in
        one batch; a bad item becomes an ErrorReport and the others go on."""
        with _collector_spaced():
            return self._analyze_chunk(items)

    def _analyze_chunk(self, items: list[Any]) -> list[Report | ErrorReport]:
        read: list[tuple[Conversation, list[MessageView], list[int]] | Report | ErrorReport] = []
        for item in items:
            if isinstance(item, ErrorReport):
                read.append(item)
                continue
            read.append(_safely(item, lambda item=item: self._read_item(item)))
        ready = [r for r in read if isinstance(r, tuple)]
        scored = None
        if ready and self.classifier is not None:
            scored = _safely(items[0] if len(items) == 1 else None, lambda: self._score(*(v for _, v, _ in ready)))
            if isinstance(scored, ErrorReport):  # never expected: isolate the conversation that fails
                if len(items) == 1:
                    return [scored]
                return [report for item in items for report in self.analyze_chunk([item])]
        out: list[Report | ErrorReport] = []
        for item, r in zip(items, read, strict=True):
            if isinstance(r, tuple):
                conv, views, cut = r
                r = _safely(item, lambda conv=conv, views=views, cut=cut: self._analyze_read(conv, views, cut, scored))
            out.append(r)
        return out

    def analyze_many(self, conversations: Iterable[Any], n_jobs: int | None = 1,
                     chunksize: int = 32) -> Iterator[Report | ErrorReport]:
        """Reports in input order. n_jobs: worker processes (None or -1: all cores; never more than
        the cores, so a huge n_jobs cannot fork the machine to a halt).

        Items may be Conversation objects, dicts, or ErrorReport records from a reader (passed
        through in place, so a batch keeps its order and loses nothing). Conversations are
        analysed `chunksize` at a time, or fewer when they hold `CHUNK_MESSAGES` messages (the
        classifier scores a chunk's messages in one batch; bigger chunks amortize its numpy work).
        """
        try:
            cores = os.cpu_count() or 1
            jobs = cores if n_jobs in (None, -1) else int(n_jobs)  # type: ignore[arg-type]
            size = max(int(chunksize), 1)
        except (TypeError, ValueError, OverflowError):
            raise UsageError(f"n_jobs and chunksize must be integers, got {n_jobs!r} and {chunksize!r}") from None
        if jobs < 1:
            raise UsageError(f"n_jobs must be at least 1 (or -1 for all cores), got {n_jobs}")
        jobs = min(jobs, cores)
        _freeze_long_lived()
        chunks = _chunks(conversations, size)
        if jobs == 1:
            for chunk in chunks:
                yield from self.analyze_chunk(chunk)
            return
        yield from self._analyze_in_pool(chunks, jobs)

    def _analyze_in_pool(self, chunks: Iterator[list[Any]], jobs: int) -> Iterator[Report | ErrorReport]:
        """The chunks' reports from `jobs` worker processes, in order.

        Pool.imap would read the whole input ahead of the workers; a semaphore keeps at most
        `4 * jobs` chunks in flight, so memory stays flat however long the stream is. A chunk that
        cannot reach a worker (an item pickle cannot carry: a lambda or a lock in an extra key) is
        analysed here instead of ending the batch. When the caller stops early or fails, the thread
        feeding the pool is woken, so the pool can be shut down (it waited for room for ever).
        """
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        global _WORKER
        _WORKER = self  # inherited by forked workers: no reload, no pickling of the engine
        window, stop = threading.Semaphore(4 * jobs), threading.Event()
        in_flight: deque[list[Any]] = deque()

        def throttled() -> Iterator[list[Any]]:
            for chunk in chunks:
                window.acquire()
                if stop.is_set():
                    return
                in_flight.append(chunk)
                yield chunk

        with context.Pool(jobs, initializer=_init_worker, initargs=(self._config,)) as pool:
            results = pool.imap(_analyze_in_worker, throttled(), 1)
            try:
                while True:
                    try:
                        reports = next(results)
                    except StopIteration:
                        return
                    except Exception:
                        if not in_flight:  # the input itself failed: its error goes to the caller
                            raise
                        reports = self.analyze_chunk(in_flight[0])
                    in_flight.popleft()
                    window.release()
                    yield from reports
            finally:
                stop.set()
                window.release()


@dataclass
class _Scored:
    """Classifier features and probabilities of a batch; `messages` gives, per conversation (the id of
    its views list), its first row and the messages those rows are."""

    features: Any
    probabilities: Any
    messages: dict[int, tuple[int, list[MessageView]]]


CHUNK_MESSAGES = 2_000
"""A chunk also ends once it holds this many messages: long conversations do not make it huge."""


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """The items in chunks; when the input itself fails midway, the items read before it are still
    given out (so they get their reports) before its exception goes on to the caller."""
    chunk: list[Any] = []
    messages = 0
    try:
        for item in items:
            chunk.append(item)
            messages += _message_count(item)
            if len(chunk) >= size or messages >= CHUNK_MESSAGES:
                yield chunk
                chunk, messages = [], 0
    except Exception:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _message_count(item: Any) -> int:
    found = item.get("messages") if isinstance(item, Mapping) else getattr(item, "messages", None)
    return len(found) if isinstance(found, (list, tuple)) else 1


def _safely(item: Any, work: Any) -> Any:
    """work(), or the ErrorReport a batch writes for `item` when it fails (never echoing its text)."""
    ident = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    ident = str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else None
    try:
        return work()
    except SextortionFlagsError as exc:
        return ErrorReport(id=ident, error=ErrorInfo(type=type(exc).__name__, message=str(exc)))
    except Exception as exc:  # a bug must not cost the rest of the batch; never echo text
        log.error("internal error on conversation %r (%s); please report it", ident, type(exc).__name__)
        log.debug("internal error", exc_info=True)  # no traceback by default: it may quote the text
        return ErrorReport(id=ident, error=ErrorInfo(type="InternalError", message=type(exc).__name__))


_WORKER: Analyzer | None = None
_FROZEN = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The garbage collector off while loading: building the rule index allocates objects that all
    live on, and each automatic full collection would rescan them (~0.15 s of a 1.3 s load). The
    previous state comes back afterwards, even on error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


COLLECTOR_SPACING = 20_000
"""While a chunk is scored, the collector's youngest generation is collected every this many
allocations instead of every 700: scoring allocates many short-lived containers that reference
counting frees, and frequent young collections cost ~10% of scoring a scam-heavy stream."""
_spacing_lock = threading.Lock()
_spacing_depth = 0
_spacing_saved: tuple[int, int, int] | None = None


@contextmanager
def _collector_spaced() -> Iterator[None]:
    """COLLECTOR_SPACING in force inside, the caller's thresholds back afterwards (even on error,
    and with several threads scoring at once: the last one out restores them)."""
    global _spacing_depth, _spacing_saved
    with _spacing_lock:
        if _spacing_depth == 0:
            _spacing_saved = gc.get_threshold()
            if _spacing_saved[0] and _spacing_saved[0] < COLLECTOR_SPACING:  # 0: collection off, keep it
                gc.set_threshold(COLLECTOR_SPACING, *_spacing_saved[1:])
        _spacing_depth += 1
    try:
        yield
    finally:
        with _spacing_lock:
            _spacing_depth -= 1
            if _spacing_depth == 0 and _spacing_saved is not None:
                gc.set_threshold(*_spacing_saved)


def _freeze_long_lived() -> None:
    """Move what is alive now (the analyzer's rule index, vocabularies and tables: several hundred
    thousand objects that live as long as the process) out of the garbage collector's sight, once
    per process, so its full collections during a batch stop re-scanning them (~5% of batch
    time) and forked workers do not dirty those pages. Objects stay freed by reference counting;
    only reference cycles among objects alive at this moment would wait for `gc.unfreeze()`."""
    global _FROZEN
    if not _FROZEN:  # Analyzer() has built the indexes by now (a language mix's cue index comes later)
        _FROZEN = True
        gc.freeze()


def _init_worker(config: dict[str, Any]) -> None:
    global _WORKER
    if _WORKER is None:  # spawned, not forked
        _WORKER = Analyzer(**config)
        _freeze_long_lived()


def _analyze_in_worker(chunk: list[Any]) -> list[Report | ErrorReport]:
    assert _WORKER is not None
    return _WORKER.analyze_chunk(chunk)


def _finding_from_hit(hit: Hit, view: MessageView) -> Finding:
    return Finding(
        category=hit.category, score=hit.score, message_index=view.index, sender=view.sender,
        source=hit.source, description=hit.rule.description, quote=hit.quote, start=hit.start, end=hit.end,
        base=hit.base, adjustments=list(hit.adjustments), stage=hit.rule.stage,
    )


MAX_MODEL_QUOTE = 200


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _find_whole(text: str, gram: str) -> tuple[int, int] | None:
    """The first occurrence of `gram` not glued to other word characters (as `(?<!\\w)gram(?!\\w)`)."""
    start = text.find(gram)
    while start >= 0:
        end = start + len(gram)
        if not (start and _is_word_char(text[start - 1])) and not (end < len(text) and _is_word_char(text[end])):
            return start, end
        start = text.find(gram, start + 1)
    return None


def _ngram_span(view: MessageView, ngrams: list[str]) -> tuple[str, int, int]:
    """The stretch of the message from the first to the last telling word (the whole message when
    none is found), as an exact quote of the original text."""
    norm = view.norm
    assert norm is not None
    spans = []
    for gram in ngrams:
        found = _find_whole(norm.text, gram)
        if found:
            spans.append(found)
    text = norm.original
    if spans:
        start, end = norm.original_span(min(s for s, _ in spans), max(e for _, e in spans))
    else:
        stripped = text.strip()
        start = text.find(stripped[:1]) if stripped else 0
        end = start + len(stripped)
    end = min(end, start + MAX_MODEL_QUOTE)
    return text[start:end], start, end


def _once_per_text(findings: list[Finding], texts: dict[int, str]) -> list[Finding]:
    """The model's findings with a message text repeated in the conversation counted once per
    category (the strongest): "todo bien" said three times is not three independent signs. Rule
    hits are not merged this way: a repeated demand is pressure the rules describe."""
    best: dict[tuple[str, str], int] = {}
    for i, finding in enumerate(findings):
        key = (finding.category, texts[i])
        if key not in best or finding.score > findings[best[key]].score:
            best[key] = i
    keep = set(best.values())
    return [finding for i, finding in enumerate(findings) if i in keep]


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One piece of evidence per message and source, strongest first."""
    return unique_by(findings, lambda f: (f.message_index, f.source, f.start))


def _evidence(finding: Finding) -> Evidence:
    return Evidence(message_index=finding.message_index, quote=finding.quote, start=finding.start,
                    end=finding.end, source=finding.source)
