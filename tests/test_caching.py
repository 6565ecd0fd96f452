"""The self-filling word caches stay bounded and compute each key once."""

from sextortion_flags.caching import FillingCache


def test_computes_each_key_once_and_empties_when_full():
    calls = []
    cache = FillingCache(lambda key: calls.append(key) or key.upper(), limit=3)
    assert list(map(cache.__getitem__, ["a", "b", "a"])) == ["A", "B", "A"]
    assert calls == ["a", "b"]
    cache["c"], cache["d"] = "C", "D"  # now full (a, b, c, d >= 3)
    assert cache["e"] == "E" and len(cache) == 1  # emptied before storing the new key
    assert cache.get("a") is None  # a plain dict read does not compute
