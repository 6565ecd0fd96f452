"""Real-world export details checked independently of the goldens (issue 5).

Each case is a string or shape seen in published exports or in tools that read them: WhatsApp's
placeholders per app language, Instagram's call and reaction lines, DiscordChatExporter's fallback
texts, Snapchat's media types; and `scan` over a directory mixing good and bad files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sextortion_flags.parsers import registry
from sextortion_flags.parsers.base import ParseOptions
from sextortion_flags.parsers.discord import DiscordCsvParser
from sextortion_flags.parsers.meta import MetaJsonParser
from sextortion_flags.parsers.snapchat import SnapchatParser
from sextortion_flags.parsers.whatsapp import WhatsAppParser

GOLDEN = Path(__file__).resolve().parent / "golden"

WHATSAPP_PLACEHOLDERS = [
    # (language, text as exported, kind)
    ("en", "<Media omitted>", "media"), ("en", "image omitted", "media"), ("en", "<image omitted>", "media"),
    ("en", "Contact card omitted", "media"), ("en", "<attached: 00000012-PHOTO-2025-01-15-21-43-02.jpg>", "media"),
    ("en", "IMG-20250115-WA0003.jpg (file attached)", "media"), ("en", "null", "media"),
    ("en", "<View once voice message omitted>", "media"), ("en", "This message was deleted", "deleted"),
    ("en", "You deleted this message.", "deleted"), ("en", "Missed voice call", "call"),
    ("en", "Missed group video call", "call"), ("en", "Voice call, 12 min", "call"),
    ("fr", "<Médias omis>", "media"), ("fr", "<Fichier omis>", "media"), ("fr", "image absente", "media"),
    ("fr", "<pièce jointe : 00000012-PHOTO-2025-01-15-21-43-02.jpg>", "media"),
    ("fr", "IMG-20250115-WA0003.jpg (fichier joint)", "media"), ("fr", "Ce message a été supprimé", "deleted"),
    ("fr", "Vous avez supprimé ce message.", "deleted"), ("fr", "Appel vidéo manqué", "call"),
    ("es", "<Multimedia omitido>", "media"), ("es", "<Archivo omitido>", "media"), ("es", "imagen omitida", "media"),
    ("es", "<adjunto: 00000031-PHOTO-2025-01-15-21-42-02.jpg>", "media"), ("es", "<archivo no revelado>", "media"),
    ("es", "Se eliminó este mensaje.", "deleted"), ("es", "Eliminaste este mensaje.", "deleted"),
    ("es", "Llamada de voz perdida", "call"), ("es", "Videollamada perdida", "call"),
    ("de", "<Medien ausgeschlossen>", "media"), ("de", "<Medien weggelassen>", "media"),
    ("de", "Bild weggelassen", "media"), ("de", "<Anhang: 00000021-PHOTO-2025-01-15-21-42-02.jpg>", "media"),
    ("de", "Diese Nachricht wurde gelöscht.", "deleted"), ("de", "Du hast diese Nachricht gelöscht.", "deleted"),
    ("de", "Verpasster Videoanruf", "call"),
    ("ar", "<تم استبعاد الوسائط>", "media"), ("ar", "تم حذف هذه الرسالة", "deleted"),
    ("ar", "لقد حذفت هذه الرسالة", "deleted"), ("ar", "مكالمة صوتية فائتة", "call"),
    ("pt", "<Mídia oculta>", "media"), ("pt", "<Multimédia omitido>", "media"), ("pt", "imagem ocultada", "media"),
    ("pt", "figurinha omitida", "media"), ("pt", "<anexado: 00000013-AUDIO-2025-01-28-12-22-03.opus>", "media"),
    ("pt", "PTT-20250115-WA0012.opus (arquivo anexado)", "media"), ("pt", "<ficheiro não revelado>", "media"),
    ("pt", "Esta mensagem foi apagada", "deleted"), ("pt", "Mensagem apagada", "deleted"),
    ("pt", "Você apagou esta mensagem", "deleted"), ("pt", "Chamada de voz perdida", "call"),
    ("pt", "Chamada de vídeo perdida", "call"),
    ("it", "<Media omessi>", "media"), ("it", "immagine omessa", "media"), ("it", "video omesso", "media"),
    ("it", "<allegato: 00000015-PHOTO-2025-01-15-21-43-02.jpg>", "media"),
    ("it", "DOC-20250115-WA0001.pdf (file allegato)", "media"), ("it", "Questo messaggio è stato eliminato", "deleted"),
    ("it", "Hai eliminato questo messaggio.", "deleted"), ("it", "Chiamata vocale persa", "call"),
    ("it", "Videochiamata persa", "call"),
    ("en", "ok, see you at 8", "text"), ("fr", "je t'envoie la photo ce soir", "text"),
    ("pt", "apaguei a mensagem sem querer", "text"), ("it", "ti chiamo dopo", "text"),
]


def _whatsapp(tmp_path: Path, lines: list[str]) -> dict:
    path = tmp_path / "chat.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (conversation,) = WhatsAppParser().parse(path, ParseOptions())
    return conversation


@pytest.mark.parametrize(("lang", "text", "kind"), WHATSAPP_PLACEHOLDERS, ids=lambda v: str(v)[:24])
def test_whatsapp_placeholder_kind(tmp_path: Path, lang: str, text: str, kind: str) -> None:
    for header in ("15/01/2025, 21:40 - Ana: ", "\u200e[15/01/2025, 21:40:07] Ana: \u200e"):  # Android, iOS
        (message,) = _whatsapp(tmp_path, [header + text])["messages"]
        assert (message["sender"], message["text"], message["kind"]) == ("Ana", text, kind), lang


@pytest.mark.parametrize("event", ["Karim vous a ajouté", "Karim te añadió", "Karim adicionou você",
                                   "Karim ti ha aggiunto", "Karim hat dich hinzugefügt", "Karim added you",
                                   "Karim a quitté", "Karim saiu"])
def test_whatsapp_ios_group_events_are_system(tmp_path: Path, event: str) -> None:
    """iOS writes group events under the group's name, behind a U+200E mark."""
    got = _whatsapp(tmp_path, [f"[15/01/2025, 21:40:07] Famille: \u200e{event}", "[15/01/2025, 21:41:00] Karim: salut"])
    assert got["messages"][0] == {"sender": None, "text": event, "timestamp": "2025-01-15T21:40:07", "kind": "system"}
    assert [p["id"] for p in got["participants"]] == ["Karim"]


def test_whatsapp_ios_deleted_placeholder_is_not_a_group_event(tmp_path: Path) -> None:
    got = _whatsapp(tmp_path, ["\u200e[15/1/25, 9:44:00\u202fp.\u202fm.] Diego: \u200eSe eliminó este mensaje."])
    assert got["messages"][0]["sender"] == "Diego" and got["messages"][0]["kind"] == "deleted"


def _meta(tmp_path: Path, messages: list[dict], thread: str = "inbox/sami_17841400000000001") -> dict:
    folder = tmp_path / "thread"
    folder.mkdir(exist_ok=True)
    data = {"participants": [{"name": "Sami"}, {"name": "Ines"}], "messages": messages, "title": "Sami",
            "is_still_participant": True, "thread_path": thread, "magic_words": []}
    for m in messages:
        m.update(is_geoblocked_for_viewer=False, is_unsent_image_by_messenger_kid_parent=False)
    (folder / "message_1.json").write_text(json.dumps(data), encoding="utf-8")
    (conversation,) = MetaJsonParser().parse(folder / "message_1.json", ParseOptions())
    return conversation


@pytest.mark.parametrize(("content", "kind"), [
    ("Audio call ended", "call"), ("Video chat ended", "call"), ("Sami started an audio call", "call"),
    ("You missed a video chat", "call"), ("Sami missed a call from Ines.", "call"),
    ("Reacted \u00e2\u009d\u00a4 to your message ", "system"), ("Liked a message", "system"),
    ("the call ended badly lol", "text"), ("you called me?", "text"),
])
def test_instagram_content_kinds(tmp_path: Path, content: str, kind: str) -> None:
    got = _meta(tmp_path, [{"sender_name": "Sami", "timestamp_ms": 1741000000000, "content": content}])
    assert got["messages"][0]["kind"] == kind


def test_instagram_thread_id_wins_over_shared_keys(tmp_path: Path) -> None:
    """magic_words and is_unsent_image_by_messenger_kid_parent are written by both apps."""
    got = _meta(tmp_path, [{"sender_name": "Sami", "timestamp_ms": 1741000000000, "content": "hey"}])
    assert got["platform"] == "instagram"


@pytest.mark.parametrize(("content", "kind"), [
    ("Left the group.", "system"), ("Added a recipient.", "system"), ("Removed a recipient.", "system"),
    ("Started a call that lasted 1,204 minutes.", "call"), ("I left the group chat, bye", "text"),
])
def test_discord_csv_fallback_texts(tmp_path: Path, content: str, kind: str) -> None:
    path = tmp_path / "dm.csv"
    path.write_text('AuthorID,Author,Date,Content,Attachments,Reactions\n'
                    f'"1","lou","2025-02-01T22:10:05.1230000+01:00","{content}","",""\n', encoding="utf-8")
    (conversation,) = DiscordCsvParser().parse(path, ParseOptions())
    assert conversation["messages"] == [{"sender": "1", "text": content,
                                         "timestamp": "2025-02-01T22:10:05.123000+01:00", "kind": kind}]


@pytest.mark.parametrize(("media_type", "kind"), [("SHARE", "media"), ("LOCATION", "media"), ("MEDIA", "media"),
                                                  ("STATUSSAVETOCAMERAROLL", "system"),
                                                  ("STATUSERASEDMESSAGE", "deleted"), ("TEXT", "text")])
def test_snapchat_media_types(tmp_path: Path, media_type: str, kind: str) -> None:
    path = tmp_path / "chat_history.json"
    entry = {"From": "noor", "Media Type": media_type, "Created": "2025-02-10 20:03:00 UTC", "Content": "",
             "Conversation Title": None, "IsSender": False, "Created(microseconds)": 1739217780000, "IsSaved": False,
             "Media IDs": ""}
    path.write_text(json.dumps({"noor": [entry]}), encoding="utf-8")
    (conversation,) = SnapchatParser().parse(path, ParseOptions())
    assert conversation["messages"][0]["kind"] == kind


def test_scan_directory_scores_valid_files_and_names_bad_ones(tmp_path: Path) -> None:
    picks = ["whatsapp/pt_br_android.txt", "whatsapp/it_ios.txt", "telegram/private_group.json",
             "meta/sami_thread/message_1.json", "meta/sami_thread/message_2.json", "snapchat/chat_history_2025.json",
             "discord/dm_iso_dates.csv", "discord/group_dm.json", "messages_jsonl/single.jsonl", "csv/comma_iso.csv"]
    for pick in picks:
        (tmp_path / pick).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GOLDEN / pick, tmp_path / pick)
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "truncated.json").write_text((GOLDEN / "telegram/private_group.json").read_text()[:300])
    expected_ids = set()
    for pick in picks:
        expected_ids |= {c["id"] for c in registry.parse_file(tmp_path / pick) if isinstance(c, dict)}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-m", "sextortion_flags", "scan", str(tmp_path), "--jobs", "1"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    errors = [r["error"]["message"] for r in records if "error" in r]
    assert {r["id"] for r in records if "error" not in r} == expected_ids and len(expected_ids) >= 10
    assert len(errors) == 2 and any("binary.txt" in e for e in errors) and any("truncated.json" in e for e in errors)


def test_registry_knows_every_format_after_a_single_parser_import() -> None:
    """This module imports four parser modules first; the registry must still load the others."""
    wanted = {"telegram", "telegram_html", "csv", "messages_jsonl", "jsonl", "whatsapp", "meta"}
    assert wanted <= set(registry.formats())
