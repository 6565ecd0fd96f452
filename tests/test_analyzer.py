"""The orchestrator's mechanics on a small fixed rule set: context, senders, signals, fusion."""

from pathlib import Path

import pytest

from sextortion_flags import Analyzer, Report
from sextortion_flags.errors import UsageError

from .conftest import assert_contract, conversation

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules"


@pytest.fixture(scope="module")
def fixed() -> Analyzer:
    return Analyzer(rules=FIXTURE_RULES, model=False, explain_language="en")


def levels(analyzer: Analyzer, *texts: str, **kw) -> tuple[str, list[str], Report]:
    conv = conversation(*texts, **kw)
    report = analyzer.analyze(conv)
    assert_contract(report.model_dump(), conv)
    return report.risk_level, report.categories, report


def test_threat_with_demand_is_critical(fixed):
    level, cats, report = levels(fixed, "ajoute moi sur whatsapp", "> ok", "envoie moi une photo",
                                 "je vais envoyer la vidéo à ta famille", "paye par Western Union")
    assert level == "critical"
    assert {"threat", "payment_demand", "image_request", "platform_migration"} <= set(cats)
    assert report.stages == ["contact", "platform_migration", "image_request", "threat", "payment_demand"]
    assert report.risk_score >= 0.85
    threat = next(f for f in report.flags if f.category == "threat")
    assert threat.severity == "critical"
    assert threat.sender == "s"
    assert "message 3" in threat.explanation and "vidéo" in threat.explanation


def test_image_request_alone_is_high(fixed):
    assert levels(fixed, "envoie moi une photo")[0] == "high"


def test_migration_alone_is_low(fixed):
    assert levels(fixed, "ajoute moi sur whatsapp")[0] == "low"


def test_migration_for_a_sale_is_set_aside_with_a_note(fixed):
    level, _, report = levels(fixed, "ajoute moi sur whatsapp pour le vélo")
    assert level == "none"
    assert any("vélo" in note for note in report.notes)


def test_nothing_is_none(fixed):
    level, cats, report = levels(fixed, "bonjour", "> salut")
    assert (level, cats, report.stages) == ("none", [], [])


def test_negation_removes_the_flag_and_says_why(fixed):
    level, cats, report = levels(fixed, "je ne vais jamais envoyer la vidéo à ta famille")
    assert "threat" not in cats
    assert any("negated" in note for note in report.notes)


def test_reported_speech_lowers(fixed):
    level, cats, _ = levels(fixed, "il m'a demandé: envoie moi une photo, je l'ai bloqué")
    assert "image_request" not in cats


def test_protected_users_words_are_not_flagged(fixed):
    level, cats, _ = levels(fixed, "salut", "> stp ne va pas envoyer la vidéo à ta famille, je paye par western union")
    assert cats == []


def test_without_user_everyone_is_analysed(fixed):
    conv = conversation("salut", "> envoie moi une photo", user=None)
    report = Analyzer(rules=FIXTURE_RULES, model=False).analyze(conv)
    assert "image_request" in report.categories
    assert report.flags[0].sender == "v"


def test_fast_escalation_from_timing(fixed):
    level, cats, report = levels(fixed, "coucou", "t'es seule ?", "envoie moi une photo")
    esc = next(f for f in report.flags if f.category == "escalation")
    assert any(e.source == "timing:fast_escalation" for e in esc.evidence)
    assert "after first contact" in esc.explanation


def test_slow_pushes_are_not_fast_escalation(fixed):
    texts = ["coucou"] + ["> on parle du match"] * 40 + ["envoie moi une photo"]
    conv = conversation(*texts, minutes=60 * 24)
    for i, m in enumerate(conv["messages"]):
        m["timestamp"] = f"2025-01-{1 + i // 2:02d}T10:00:00+00:00"
    report = fixed.analyze(conv)
    assert "escalation" not in report.categories


def test_repeated_request_after_refusal(fixed):
    _, _, report = levels(fixed, "envoie moi une photo", "> non", "envoie moi une photo stp")
    image = next(f for f in report.flags if f.category == "image_request")
    assert any(e.source == "timing:repeated_after_refusal" for e in image.evidence)


def test_minor_under_pressure_is_critical(fixed):
    level, cats, report = levels(fixed, "coucou", "> j'ai 14 ans", "envoie moi une photo")
    assert level == "critical"
    assert "minor_involved" in cats
    assert "minor" in report.summary


def test_minor_age_alone_is_not_flagged(fixed):
    level, cats, _ = levels(fixed, "coucou", "> j'ai 14 ans et toi ?")
    assert level == "none" and cats == []


def test_account_signals(fixed):
    conv = conversation("ajoute moi sur snap")
    conv["participants"] = [{"id": "s", "name": "Lina", "account": {
        "created_at": "2024-12-30T10:00:00+00:00", "followers": 2, "following": 900, "posts": 0,
        "has_profile_photo": False}}]
    report = fixed.analyze(conv)
    account = next(f for f in report.flags if f.category == "suspicious_account")
    sources = {e.source for e in account.evidence}
    assert {"account:created_at", "account:followers", "account:posts"} <= sources
    assert all(e.quote is None and e.message_index == 0 for e in account.evidence)
    assert "Lina" in account.explanation
    assert report.risk_level == "medium"  # moving apps from a brand-new empty account


def test_verified_account_is_not_suspicious(fixed):
    conv = conversation("ajoute moi sur snap")
    conv["participants"] = [{"id": "s", "account": {"created_at": "2024-12-31T10:00:00+00:00", "posts": 0,
                                                     "verified": True}}]
    assert "suspicious_account" not in fixed.analyze(conv).categories


def test_contradicting_ages(fixed):
    _, cats, _ = levels(fixed, "j'ai 19 ans", "> ok", "enfin j'ai 24 ans")
    assert "suspicious_account" in cats


def test_huge_message_is_cut_with_a_note(fixed):
    text = "bla " * 10_000 + "envoie moi une photo"
    report = fixed.analyze(conversation(text))
    assert any("longer than" in n for n in report.notes)


def test_analyze_many_keeps_order_and_survives_bad_items(fixed):
    items = [conversation("envoie moi une photo", cid=f"c{i}") for i in range(20)]
    items[5] = {"id": "bad", "messages": "nope"}
    items[9] = ["not a conversation"]
    for jobs in (1, 2):
        results = list(fixed.analyze_many(items, n_jobs=jobs))
        assert len(results) == 20
        assert [getattr(r, "id", None) for r in results][:5] == [f"c{i}" for i in range(5)]
        assert results[5].error.type == "InputError" and results[5].id == "bad"
        assert results[9].error.type == "InputError"
        assert results[19].risk_level == "high"


@pytest.mark.parametrize("kwargs", [{"language": "de"}, {"thresholds": {"nope": 0.3}}, {"model": "/no/such/model"},
                                    {"explain_language": "xx"}])
def test_bad_options_are_usage_errors(kwargs):
    with pytest.raises(UsageError):
        Analyzer(**kwargs)


def test_thresholds_change_flags():
    strict = Analyzer(rules=FIXTURE_RULES, model=False, thresholds={"image_request": 0.95, "escalation": 0.95})
    assert strict.analyze(conversation("envoie moi une photo")).risk_level == "none"


def test_a_benign_line_repeated_is_one_piece_of_model_evidence():
    """The classifier scores "todo bien" as a threat word; said three times it used to add up to a
    high-risk threat flag. Repeated texts now count once per category for the model."""
    texts = ["el míster dice que el entreno se adelanta a las 17:30 mañana", "todo bien", "vale, nos vemos",
             "todo bien", "ay que se me olvidó tu cumple ayer, soy lo peor", "todo bien", "jaja tranqui"]
    report = Analyzer().analyze({"id": "t", "messages": [{"sender": "ab"[i % 2], "text": t} for i, t in enumerate(texts)]})
    assert report.risk_level == "none", [(f.category, f.score) for f in report.flags]


def test_a_repeated_demand_still_counts_for_the_rules():
    texts = ["salut", "envoie une photo", "envoie une photo", "envoie une photo"]
    report = Analyzer(model=False).analyze({"id": "r", "messages": [{"sender": "x", "text": t} for t in texts]})
    image = next(f for f in report.flags if f.category == "image_request")
    assert len({e.message_index for e in image.evidence}) == 3


def test_two_word_messages_are_not_model_evidence():
    texts = ["plan del sábado: salimos a las 9", "todo bien", "perfecto", "venga va", "hasta luego"]
    report = Analyzer().analyze({"id": "s", "messages": [{"sender": "ab"[i % 2], "text": t} for i, t in enumerate(texts)]})
    assert report.risk_level == "none", [(f.category, [e.quote for e in f.evidence]) for f in report.flags]


def test_affection_between_partners_is_not_escalation_even_when_the_model_agrees():
    """Love-bombing rules are flattery (stage: false) and the model's escalation is read the same
    way: both need another sign (a move, an image request, a threat...) before escalation is flagged."""
    texts = ["hace 38 grados en mi cuarto, me derrito", "jaja yo igual", "buenas noches mi amor 😘", "descansa",
             "qué calor", "te echo de menos, mi amor, vuelve pronto 😘"]
    messages = [{"sender": "sv"[i % 2], "text": t} for i, t in enumerate(texts)]
    assert Analyzer().analyze({"id": "c", "user": "v", "messages": messages}).risk_level == "none"
    pushed = [*messages, {"sender": "s", "text": "pásame tu snap y hablamos por ahí, aquí no"}]
    report = Analyzer().analyze({"id": "c", "user": "v", "messages": pushed})
    assert {"platform_migration", "escalation"} <= set(report.categories)  # now the affection counts


def test_loading_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    Analyzer(model=False)
    assert gc.isenabled()
    gc.disable()
    try:
        Analyzer(model=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
    from sextortion_flags.errors import RuleFileError

    with pytest.raises(RuleFileError):  # raised while loading, with the collector paused
        Analyzer(rules="/no/such/dir")
    assert gc.isenabled()


def test_scoring_spaces_out_young_collections_and_gives_the_thresholds_back(analyzer, monkeypatch):
    import gc
    import threading

    import sextortion_flags.analyzer as analyzer_module

    seen = []
    real = analyzer_module.Analyzer._analyze_chunk

    def spying(self, items):
        seen.append(gc.get_threshold()[0])
        return real(self, items)

    monkeypatch.setattr(analyzer_module.Analyzer, "_analyze_chunk", spying)
    before = gc.get_threshold()
    conversation = {"id": "c", "messages": [{"sender": "a", "text": "envoie une photo sur snap"}]}
    assert [r.id for r in analyzer.analyze_many([conversation] * 3, chunksize=1)] == ["c"] * 3
    assert seen == [analyzer_module.COLLECTOR_SPACING] * 3  # in force while scoring
    assert gc.get_threshold() == before  # and given back between chunks and at the end

    def failing(self, items):
        raise RuntimeError("boom")

    monkeypatch.setattr(analyzer_module.Analyzer, "_analyze_chunk", failing)
    with pytest.raises(RuntimeError):
        analyzer.analyze_chunk([conversation])
    assert gc.get_threshold() == before  # even on error
    monkeypatch.setattr(analyzer_module.Analyzer, "_analyze_chunk", real)

    threads = [threading.Thread(target=lambda: list(analyzer.analyze_many([conversation] * 20, chunksize=1)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == before  # several threads: the last one out restores them

    gc.set_threshold(0)  # collection turned off by the caller stays off
    try:
        seen.clear()
        monkeypatch.setattr(analyzer_module.Analyzer, "_analyze_chunk", spying)
        analyzer.analyze_chunk([conversation])
        assert seen == [0]
    finally:
        gc.set_threshold(*before)
