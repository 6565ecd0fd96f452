"""Masking of phones, e-mails, IBANs, cards and wallets (`--redact`), and what must stay readable."""

from __future__ import annotations

import json

import pytest

from sextortion_flags import Analyzer, cli
from sextortion_flags.models import Evidence, Flag, Identifier, Report
from sextortion_flags.redact import MASK, find_sensitive, mask, redact_report, redact_text


@pytest.mark.parametrize(("value", "kind"), [
    ("+212 6 12 34 56 78", "phone"),
    ("06 12 34 56 78", "phone"),
    ("555-123-4567", "phone"),
    ("0033612345678", "phone"),
    ("jo.doe+x@example.com", "email"),
    ("jo.doe at gmail dot com", "email"),
    ("jo.doe arobase gmail point fr", "email"),
    ("jo.doe (at) hotmail (dot) com", "email"),
    ("FR76 3000 6000 0112 3456 7890 189", "iban"),
    ("GB82WEST12345698765432", "iban"),
    ("FR76-3000-6000-0112-3456-7890-189", "iban"),
    ("007 780 0001234567890123 45", "iban"),  # a Moroccan RIB, as it is given
    ("007780000123456789012345", "iban"),
    ("011.780.0001234567890123.45", "iban"),
    ("4111 1111 1111 1111", "card"),
    ("4111.1111.1111.1111", "card"),
    ("06/12/34/56/78", "phone"),
    ("5500-0000-0000-0004", "card"),
    ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "crypto_address"),
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "crypto_address"),
    ("0x52908400098527886E0F7030069857D2E4169EE7", "crypto_address"),
    ("TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "crypto_address"),
])
def test_each_kind_is_found_and_masked_keeping_two_characters_each_side(value, kind):
    text = f"pay here: {value} now"
    assert [(text[s:e], k) for s, e, k in find_sensitive(text)] == [(value, kind)]
    redacted = redact_text(text)
    assert redacted == f"pay here: {value[:2]}{MASK * (len(value) - 4)}{value[-2:]} now"
    assert len(redacted) == len(text)


@pytest.mark.parametrize("after", [" maintenant", " sinon tout le monde verra", " main", "ou"])
def test_the_word_after_an_iban_is_not_masked_with_it(after):
    """The 4-character groups of the IBAN pattern took "main", "tena", "nt" of the next word, so the
    mask ate it and kept its last two letters instead of the IBAN's."""
    value = "ES91 2100 0418 4502 0005 1332"
    text = f"paie sur {value}{after}"
    assert redact_text(text) == f"paie sur {mask(value)}{after}"


@pytest.mark.parametrize("text", [
    "on 2025-01-15 at 10:30", "15/01/2025 21:40", "pay 1 500 dh", "200€ tonight", "$2,000 or else", "1.500.000",
    "3000 euros", "order 12345678", "4111 1111 1111 1112", "call me at 9", "version 1.2.3.4", "room 12-34",
    "bc1 is not an address", "0x1234", "the year 1999 and 2024", "12:30:45", "+33", "meet me at home dot now",
    "le 01/02/2025", "du 01/02/2025 au 03/04/2025", "ref 0077800001234567890123456", "1.2.3.4.5.6.7.8",
])
def test_dates_times_prices_and_invalid_numbers_are_not_masked(text):
    assert find_sensitive(text) == []
    assert redact_text(text) == text


def test_mask_of_short_values_hides_everything():
    assert mask("abcde") == MASK * 5
    assert mask("abcdef") == "ab••ef"


def _report() -> Report:
    quote = "send to FR76 3000 6000 0112 3456 7890 189"
    return Report(
        id="r", risk_score=0.9, risk_level="critical", language="en",
        flags=[Flag(category="payment_demand", score=0.9, severity="critical", sender="s",
                    explanation="s asks for a transfer to FR76 3000 6000 0112 3456 7890 189 (message 0).",
                    evidence=[Evidence(message_index=0, quote=quote, start=0, end=len(quote), source="rule:x")])],
        summary="s wants money on jo.doe@example.com", notes=["call +212 6 12 34 56 78"],
        identifiers=[Identifier(type="crypto_address", value="0x52908400098527886E0F7030069857D2E4169EE7",
                                message_index=0), Identifier(type="handle", value="@someone", message_index=0)],
    )


def test_redact_report_masks_every_human_readable_field_and_adds_a_note():
    original = _report()
    redacted = redact_report(original)
    dumped = redacted.model_dump_json()
    for secret in ("3000 6000 0112", "jo.doe@example.com", "12 34 56", "98527886E0F", "someone"):
        assert secret not in dumped
    evidence = redacted.flags[0].evidence[0]
    assert evidence.quote.startswith("send to FR") and len(evidence.quote) == evidence.end - evidence.start
    assert redacted.notes[-1] != original.notes[-1] and "masked" in redacted.notes[-1]
    assert original.summary == "s wants money on jo.doe@example.com"  # the input report is not changed


def test_scan_redact_masks_quotes(tmp_path, monkeypatch):
    import sextortion_flags.analyzer as analyzer_module

    conversation = {"id": "c", "user": "v", "messages": [
        {"sender": "s", "text": "add me on whatsapp +212 6 12 34 56 78"},
        {"sender": "s", "text": "pay 500 euros to FR76 3000 6000 0112 3456 7890 189 or I send the video to your mom"}]}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    analyzer = Analyzer(model=False)
    monkeypatch.setattr(analyzer_module, "Analyzer", lambda **_: analyzer)
    plain, masked = tmp_path / "plain.jsonl", tmp_path / "masked.jsonl"
    assert cli.main(["scan", str(path), "-o", str(plain), "--no-progress"]) == 0
    assert cli.main(["scan", str(path), "-o", str(masked), "--no-progress", "--redact"]) == 0
    plain_text, masked_text = plain.read_text(encoding="utf-8"), masked.read_text(encoding="utf-8")
    assert "12 34 56" in plain_text or "3000 6000" in plain_text  # the quotes do carry the values...
    assert "12 34 56" not in masked_text and "3000 6000" not in masked_text  # ...and --redact hides them
    assert json.loads(masked_text)["risk_level"] == json.loads(plain_text)["risk_level"]


NUMBER = "+212 6 12 34 56 78"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _secrets_in(text: str) -> list[str]:
    import html

    text = html.unescape(text)
    return [s for s in (NUMBER, "+212612345678", "12 34 56", IBAN, "3000 6000", "0112 3456") if s in text]


def test_scan_redact_masks_the_html_page_csv_senders_ids_and_file_names(tmp_path, monkeypatch):
    """--html showed every message unmasked, and a WhatsApp export of an unsaved number kept that
    number in the report's id, in each flag's and identifier's sender and in the CSV's id and file."""
    import sextortion_flags.analyzer as analyzer_module

    analyzer = Analyzer(model=False)
    monkeypatch.setattr(analyzer_module, "Analyzer", lambda **_: analyzer)
    chat = tmp_path / f"WhatsApp Chat with {NUMBER}.txt"
    chat.write_text("\n".join([
        f"01/08/2025, 21:40 - {NUMBER}: add me on whatsapp {NUMBER}",
        "01/08/2025, 21:41 - Sara: no",
        f"01/08/2025, 21:43 - {NUMBER}: pay 500 euros to {IBAN} or I send the video to your mom",
    ]) + "\n", encoding="utf-8")
    out = {name: tmp_path / f"r.{name}" for name in ("jsonl", "csv", "html")}
    args = ["scan", str(chat), "--user", "Sara", "--no-progress", "-o", str(out["jsonl"]),
            "--csv", str(out["csv"]), "--html", str(out["html"])]
    assert cli.main(args) == 0
    plain = {name: path.read_text(encoding="utf-8") for name, path in out.items()}
    assert all(_secrets_in(text) for text in plain.values())  # each output does carry the values...
    assert cli.main([*args, "--redact"]) == 0
    for name, path in out.items():  # ...and none of them with --redact
        assert _secrets_in(path.read_text(encoding="utf-8")) == [], name
    report = json.loads(out["jsonl"].read_text(encoding="utf-8"))
    assert report["risk_level"] == json.loads(plain["jsonl"])["risk_level"]
    assert report["id"] == "WhatsApp Chat with " + mask(NUMBER)
    assert {flag["sender"] for flag in report["flags"]} == {mask(NUMBER)}
    assert 'class="flagged' in out["html"].read_text(encoding="utf-8") or "<mark" in out["html"].read_text(
        encoding="utf-8")  # the masked quotes still highlight their masked messages


def test_a_quote_that_cuts_a_value_short_is_masked_as_its_message_is():
    """On its own, "7890 189 or I publish" is no IBAN nor phone, so the quote kept that piece unmasked."""
    from sextortion_flags.models import Conversation

    text = f"pay to {IBAN} or I publish"
    start = text.index("7890")
    quote = text[start:]
    conversation = Conversation.model_validate({"id": "c", "messages": [{"sender": "s", "text": text}]})
    report = Report(id="c", risk_score=0.9, risk_level="critical", flags=[Flag(
        category="threat", score=0.9, severity="critical", sender="s", explanation="s threatens (message 0).",
        evidence=[Evidence(message_index=0, quote=quote, start=start, end=len(text), source="rule:x")])])
    assert redact_report(report).flags[0].evidence[0].quote == quote  # without the conversation: not seen
    masked = redact_report(report, conversation=conversation).flags[0].evidence[0].quote
    assert masked == redact_text(text)[start:] and "7890" not in masked and masked.endswith("or I publish")


def test_scan_redact_masks_error_lines_naming_a_number(tmp_path, monkeypatch, capsys):
    import sextortion_flags.analyzer as analyzer_module

    analyzer = Analyzer(model=False)
    monkeypatch.setattr(analyzer_module, "Analyzer", lambda **_: analyzer)
    broken = tmp_path / f"{NUMBER}.jsonl"
    broken.write_text('{"id": "x", "messages": 5}\n{not json\n', encoding="utf-8")
    report, table = tmp_path / "r.jsonl", tmp_path / "r.csv"
    assert cli.main(["scan", str(broken), "--no-progress", "--redact", "-o", str(report), "--csv", str(table)]) == 1
    lines = report.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all("error" in json.loads(line) for line in lines)
    assert _secrets_in(report.read_text(encoding="utf-8") + table.read_text(encoding="utf-8")) == []
    assert mask(NUMBER) in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("report", [None, "zqxcanary", {"id": "zqxcanary"}])
def test_redact_report_of_a_wrong_report_is_the_librarys_error(report):
    """It was an AttributeError ('dict' object has no attribute 'model_dump')."""
    from sextortion_flags.errors import InputError

    with pytest.raises(InputError) as caught:
        redact_report(report)
    assert "zqxcanary" not in str(caught.value)


def test_redact_report_takes_dicts_as_the_json_gives_them():
    original = _report()
    assert redact_report(original.model_dump(mode="json")) == redact_report(original)
