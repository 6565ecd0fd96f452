import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
