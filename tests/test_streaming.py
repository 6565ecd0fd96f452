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
