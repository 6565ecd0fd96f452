import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sextortion_flags.normalize as normalize_module
from sextortion_flags.normalize import (
    alias_edits,
    elongation_edits,
    fold_char,
    normalize,
    normalize_term,
    obfuscation_edits,
    repetition_edits,
    spacing_edits,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ÉNORME Caméra", "enorme camera"),  # case and accent folding
        ("ｗｈａｔｓａｐｐ", "whatsapp"),  # NFKC fullwidth
        ("pleaaase", "please"),
        ("stp stp stp", "stp"),
        ("Wh@tsApp", "whatsapp"),
        ("w.h.a.t.s.a.p.p", "whatsapp"),
        ("t e l e g r a m", "telegram"),
        ("T3l3gram", "telegram"),
        ("snp", "snapchat"),
        ("insta", "instagram"),
        ("what\u200bsapp", "whatsapp"),  # zero-width space
        ("wh\u202eatsapp", "whatsapp"),  # bidi override
        ("sa7bi", "sahbi"),  # arabizi digits
        ("9lbi", "qlbi"),
        ("5assni", "khassni"),
        ("3afak", "aafak"),
        ("أرسل", "ارسل"),  # alef with hamza
        ("صورةً", "photo"),  # diacritic dropped, ta marbuta folded, alias
        ("مـــرحبا", "مرحبا"),  # tatweel
        ("١٥", "15"),  # Arabic-Indic digits
        ("j\u2019ai", "j'ai"),  # typographic apostrophe
    ],
)
def test_normalize_examples(text, expected):
    assert normalize(text).text.strip() == expected


@pytest.mark.parametrize("text", ["15ans", "500dh", "100€", "2h", "3eme", "h24", "mp4", "1000", "0612345678"])
def test_numbers_are_not_read_as_arabizi_or_leet(text):
    assert normalize(text).text == text.lower()


def test_elongation_keeps_digits_and_double_letters():
    assert elongation_edits("1000 good") == []
    assert elongation_edits("wooow") == [(1, 4, "o")]


def test_emoji_become_word_tokens():
    assert "emo_camera" in normalize("envoie 📸").text.split()
    assert "emo_money" in normalize("💰💰").text


def test_each_step_is_pure_and_small():
    assert spacing_edits("a b") == []  # fewer than four letters: left alone
    assert obfuscation_edits("@user") == []
    assert alias_edits("wa salam") == []  # Darija "wa" is not WhatsApp
    assert repetition_edits("very good") == []
    assert fold_char("\u200b") == ""


def test_normalize_term_matches_message_normalization():
    assert normalize_term("  Wh@tsApp  ") == normalize("Wh@tsApp").text


@pytest.mark.parametrize(
    "text",
    ["Ajoute-moi sur Wh@tsApp stp stp stp 📸", "t e l e g r a m", "sift lia tswira 3afak", "أرسل لي صورةً ـــ",
     "ÉNORME\u200b caméra 😈", "ﬁle", "x\u0301y"],
)
def test_every_word_maps_back_to_original_text(text):
    norm = normalize(text)
    for m in re.finditer(r"\w+", norm.text):
        quote, start, end = norm.quote(m.start(), m.end())
        assert text[start:end] == quote
        assert quote.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_offsets_always_map_into_the_original(text):
    norm = normalize(text)
    n = len(norm.text)
    if norm.starts is None:  # identity offsets: character i of the text became character i
        assert n == len(norm.text) == len(text)
        assert all(len(fold_char(c)) == 1 for c in text)
        assert norm.text == "".join(fold_char(c) for c in text) or text.isascii()
        return
    assert len(norm.starts) == len(norm.ends) == n
    for i in range(n):
        assert 0 <= norm.starts[i] < norm.ends[i] <= len(text)
    for m in re.finditer(r"\w+", norm.text):
        quote, start, end = norm.quote(m.start(), m.end())
        assert text[start:end] == quote


def test_one_to_one_folding_keeps_identity_offsets_and_uneven_folding_does_not():
    accented = normalize("Très Ù bien")
    assert accented.text == "tres u bien" and accented.starts is None
    assert accented.quote(5, 6) == ("Ù", 5, 6)
    dropped = normalize("wh\u200bat Ù")  # a dropped character shifts everything after it
    assert dropped.text == "what u" and dropped.starts is not None
    assert dropped.quote(5, 6) == ("Ù", 6, 7)
    emoji = normalize("é📸")
    assert emoji.starts is not None and emoji.quote(0, 1) == ("é", 0, 1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab3@7 .-_wh", max_size=40))
def test_obfuscation_heavy_text_keeps_offsets(text):
    norm = normalize(text)
    for m in re.finditer(r"\w+", norm.text):
        quote, start, end = norm.quote(m.start(), m.end())
        assert text[start:end] == quote


# ------------------------------------------------------------------ fast path == the whole chain
#
# `normalize` runs steps 2, 4, 5 per chunk from a cache and the cross-word steps 3 and 6 only when
# they may apply; `_slow_normalize` runs every step over the whole text. They must agree on the
# text and on every offset (a list that is the identity counts as None).


def _same(text: str, aliases: bool) -> None:
    fast = normalize_module.normalize(text, aliases=aliases)
    slow = normalize_module._slow_normalize(text, aliases=aliases)
    assert fast.text == slow.text
    assert _offsets(fast) == _offsets(slow)


def _offsets(norm) -> tuple | None:
    if norm.starts is None:
        return None
    identity = len(norm.text) == len(norm.original) and norm.starts == tuple(range(len(norm.original))) and (
        norm.ends == tuple(range(1, len(norm.original) + 1))
    )
    return None if identity else (norm.starts, norm.ends)


TRICKY_WORDS = [
    "snp", "snap", "snapchat", "wtsp", "whatsapp", "fsnap", "lsnap", "bsnap", "fwtsp", "insta", "tele", "telegram",
    "stp", "ok", "t", "e", "l", "a", "y", "i", "m", "aaa", "eee", "gggr", "pleaaase", "wh@tsapp", "t3l3gram",
    "wh4tsapp", "sn4p", "3afak", "sa7bi", "l3a2ila", "9lbi", "5assni", "m3a", "100$", "@user", "$$", "15ans", "500dh",
    "2h", "h24", "mp4", "0612345678", "ok!", "!!", "|", "€", "w|h", "a_b", "emo_camera", "tik", "tok", "للواتساب",
    "واتساب", "سناب", "صورة", "بالسناب", "📸", "😭", "💰", "ﬁ", "é", "ÉNORME", "\u200b", "ـ", "ٱ", "١٥", "j\u2019ai",
    "ß", "ＷＨＡＴＳＡＰＰ", "x\u0301", "_", "__", "a__b",
]
SEPARATORS = [" ", "  ", ".", "-", "_", "|", "*", "/", "+", ". ", " .", ", ", "\n", "'", "@", "", "!", "?", "$"]
tricky_text = st.lists(
    st.tuples(st.one_of(st.sampled_from(TRICKY_WORDS), st.text(alphabet="abst3@7 .-_|€!$wh5ال", max_size=6)),
              st.sampled_from(SEPARATORS)),
    max_size=12,
).map(lambda pairs: "".join(word + sep for word, sep in pairs))


@settings(max_examples=600, deadline=None)
@given(tricky_text, st.booleans())
def test_fast_path_equals_the_whole_chain_on_tricky_text(text, aliases):
    _same(text, aliases)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.booleans())
def test_fast_path_equals_the_whole_chain_on_any_text(text, aliases):
    _same(text, aliases)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["snp", "snap", "stp", "wtsp", "a", "t", "fsnap", "wh@tsapp", "aaa"]), max_size=8),
       st.sampled_from([" ", "  ", ". ", ".", "\n", ", "]))
def test_fast_path_equals_the_whole_chain_on_repeated_words(words, separator):
    _same(separator.join(words), True)


@pytest.mark.parametrize(
    "text",
    [
        "snp snapchat",  # step 5 makes two chunks equal, step 6 then drops one
        "snp snp", "fsnap snap", "stp stp stp 📸", "stp!! stp", "stp stp!!", "ok,ok ok", "wh@tsapp whatsapp",
        "t e l e g r a m", "t.e.l.e.g.r.a.m", "w_h_a_t_s_a_p_p", "w|h|a|t", "aaa b c d",  # step 2 then step 3
        "t e l e ggg r a m", "t3 e l e", "il y a des gens", "where r u", "i'm ok", "a b", "a b c", "x y z w",
        "a__b c", "emo_camera emo_camera", "📸📸", "  envoie 📸 sur snp  ", "l3a2ila snp", "صورة صورة", "للواتساب",
        "wh\u200bat snp", "ÉNORME\u200b snp 😈", "pleaaase pleaaase", "3afak 3afak", "", " ", "\n\n", "15ans 15ans",
    ],
)
@pytest.mark.parametrize("aliases", [True, False])
def test_fast_path_equals_the_whole_chain_on_examples(text, aliases):
    _same(text, aliases)


@pytest.mark.parametrize(
    ("text", "whole_chain"),
    [
        ("send me the code now", False),
        ("envoie sur snp stp", False),  # a changed chunk: still per chunk
        ("stp stp", False),  # step 6 runs on the per-chunk result
        ("il y a", False),  # two one-letter words in a row, but step 3 finds nothing
        ("t e l e g r a m", True),
        ("w_h_a_t_s", True),
        ("aaa b c d", True),
    ],
)
def test_only_spaced_out_words_take_the_whole_chain(text, whole_chain):
    norm = text.lower()
    assert (normalize_module._chunk_chain(norm, None, None, True) is None) is whole_chain


def test_the_chunk_cache_is_bounded_and_results_survive_a_reset(monkeypatch):
    monkeypatch.setattr(normalize_module, "_CHUNK_CACHE_SIZE", 3)
    texts = ["wh@tsapp un deux trois", "snp quatre cinq six sept", "pleaaase huit neuf", "3afak dix onze douze"]
    for text in texts * 2:
        _same(text, True)
        assert len(normalize_module._CHUNKS[True]) <= 3


@pytest.mark.parametrize("chunk", ["a" * 65, "wh@tsapp" * 9, "3" * 100 + "a"])
def test_long_chunks_are_worked_out_but_not_kept(chunk):
    text = f"{chunk} snp {chunk}"
    _same(text, True)
    assert chunk not in normalize_module._CHUNKS[True]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\u200b\u202e📸😂🙏\u0301\u0640\ufe0fشيء\x00\n")), max_size=40))
def test_fold_with_marks_equals_the_per_character_fold(text):
    from sextortion_flags.normalize import _fold, fold_characters

    expected_text, expected_starts, expected_ends = "", [], []
    for i, ch in enumerate(text):  # the definition: fold_char on each character, offsets per output character
        folded_char = fold_char(ch)
        expected_text += folded_char
        expected_starts += [i] * len(folded_char)
        expected_ends += [i + 1] * len(folded_char)
    folded, starts, ends = _fold(text)
    if starts is None:
        assert folded == expected_text and expected_starts == list(range(len(text)))
    else:
        assert (folded, starts, ends) == (expected_text, expected_starts, expected_ends)
    assert fold_characters(text) == (expected_text, expected_starts, expected_ends)
