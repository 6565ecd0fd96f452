"""A batch streams: the parallel path reads its input only a bounded window ahead of the output."""

from sextortion_flags import Analyzer

from .conftest import conversation


def test_parallel_batch_reads_a_bounded_window_ahead() -> None:
    analyzer = Analyzer(model=False)
    produced = 0

    def source():
        nonlocal produced
        for i in range(600):
            produced += 1
            yield conversation("bonjour", "> salut", cid=f"c{i}")

    lead = []
    ids = []
    for consumed, report in enumerate(analyzer.analyze_many(source(), n_jobs=2, chunksize=4), 1):
        lead.append(produced - consumed)
        ids.append(report.id)
    assert ids == [f"c{i}" for i in range(600)]  # order kept, nothing lost
    assert max(lead) <= 4 * 2 * 4 + 4  # the window (4 x jobs x chunksize), not the whole input


def test_chunked_batches_give_the_reports_of_one_at_a_time() -> None:
    """The classifier scores a chunk's messages together; every report must stay what analyze() gives."""
    import json

    from .conftest import ROOT

    analyzer = Analyzer()
    lines = (ROOT / "examples" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    items.insert(2, {"id": "broken", "messages": "not a list"})  # a bad item inside a chunk
    items.append(conversation("ajoute moi sur snap", "> non", "envoie une photo", cid="extra"))
    expected = [analyzer.analyze_safely(item) for item in items]
    assert list(analyzer.analyze_many(items, chunksize=3)) == expected
    assert list(analyzer.analyze_many(items, n_jobs=2, chunksize=2)) == expected
    assert expected[2].error.type == "InputError" and expected[0].risk_level == "critical"


def test_a_failing_classifier_batch_costs_only_error_lines(monkeypatch) -> None:
    analyzer = Analyzer()

    def broken(rows):
        raise RuntimeError("boom")

    monkeypatch.setattr(analyzer.classifier, "transform", broken)
    items = [conversation("ajoute moi sur snap", cid=f"c{i}") for i in range(3)]
    results = list(analyzer.analyze_many(items, chunksize=3))
    assert [r.id for r in results] == ["c0", "c1", "c2"]
    assert all(r.error.type == "InternalError" for r in results)
    assert analyzer.analyze_safely(items[0]).error.message == "RuntimeError"


def test_batches_move_the_long_lived_tables_out_of_the_garbage_collectors_sight():
    import gc

    from sextortion_flags import Analyzer

    list(Analyzer(model=False).analyze_many([{"id": "a", "messages": [{"sender": "x", "text": "salut"}]}]))
    assert gc.get_freeze_count() > 10_000  # the rule index alone holds more objects than this


def test_chunks_end_at_their_size_or_their_message_budget():
    from sextortion_flags.analyzer import CHUNK_MESSAGES, _chunks

    small = [{"id": str(i), "messages": [{"sender": "a", "text": "x"}]} for i in range(70)]
    assert [len(c) for c in _chunks(small, 32)] == [32, 32, 6]
    big = {"id": "big", "messages": [{"sender": "a", "text": "x"}] * CHUNK_MESSAGES}
    assert [len(c) for c in _chunks([small[0], big, small[1], small[2]], 32)] == [2, 2]


def test_items_pickle_cannot_carry_are_analysed_not_fatal_in_parallel() -> None:
    """An extra key holding a lambda or a lock (ignored by the analysis) could not be sent to a
    worker: the batch raised PicklingError, losing every later item, or hung for ever."""
    import threading

    analyzer = Analyzer(model=False)
    items = [conversation("envoie une photo", cid=f"c{i}") for i in range(40)]
    items[1]["label"] = lambda: 0
    items[3]["lock"] = threading.Lock()
    expected = [(type(r).__name__, r.id) for r in analyzer.analyze_many(items)]
    got = [(type(r).__name__, r.id) for r in analyzer.analyze_many(items, n_jobs=2, chunksize=2)]
    assert got == expected and len(got) == 40


def test_a_caller_stopping_while_the_window_is_full_does_not_hang() -> None:
    """The thread feeding the pool waited for room that never came, and the pool's shutdown waited
    for that thread: `scan ... --jobs 2 | head -1` or Ctrl-C hung for ever."""
    import threading
    import time

    analyzer = Analyzer(model=False)
    finished = threading.Event()

    def consume() -> None:
        stream = (conversation("bonjour", cid=f"c{i}") for i in range(5_000))
        for n, _report in enumerate(analyzer.analyze_many(stream, n_jobs=2, chunksize=2)):
            time.sleep(0.3)  # a slow caller: the feeder fills the window and waits
            if n == 2:
                break
        finished.set()

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert finished.is_set()
