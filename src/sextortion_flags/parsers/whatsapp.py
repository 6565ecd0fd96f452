"""WhatsApp "Export chat" files: a .txt, or a .zip holding `_chat.txt` / `WhatsApp Chat with X.txt` plus media.

Every message starts with a local-time header; lines without one continue the previous message:

    1/15/25, 9:41 PM - Karim: text          en_US Android (U+202F or U+00A0 before AM/PM)
    15/01/2025, 21:41 - Karim: text         en_GB Android
    15/01/2025 à 21:41 - Karim: text        French Android (also without "à")
    15.01.25, 21:41 - Karim: text           German Android
    15/1/25, 9:41 p. m. - Karim: text       Spanish Android
    [15/01/2025, 21:41:07] Karim: text      iOS (system and media lines start with U+200E)
    ١٥‏/١‏/٢٠٢٥، ٩:٤١ م - Karim: text        Arabic (Arabic-Indic digits, ص/م, U+200F/U+200E marks)

A header without "Name: " is a system line (encryption notice, "X added Y"). Whether dates are
day-first or month-first is decided once per file from all its dates. Placeholders ("<Media
omitted>", "This message was deleted", "Missed voice call", view-once media) keep their text and get
kind media/deleted/call. Times carry no offset: `ParseOptions.timezone` is attached when given.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sextortion_flags.errors import InputError
from sextortion_flags.parsers.archive import Archive, is_zip_file
from sextortion_flags.parsers.base import ChatParser, ParseOptions, conversation_id, named_participant
from sextortion_flags.parsers.registry import register

_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile("[\u00a0\u202f\u2007\u2009]")

_HEADER = re.compile(r"""
    ^(?P<open>\[)?
    (?P<d1>\d{1,4})(?P<sep>[./-])(?P<d2>\d{1,2})(?P=sep)(?P<d3>\d{2,4})\.?
    (?:,|،|\s+à|\s+um)?\s*
    (?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?
    (?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?|ص|م))?
    (?(open)\]\ |\s[-–]\s)
    (?P<rest>.*)$""", re.X)
_SENDER = re.compile(r"^(?P<name>[^:]{1,100}?):(?:\s(?P<text>.*))?$", re.S)
_SYSTEM_VERB = re.compile(r"\b(?:changed|created|added|removed|left|joined|a modifié|a créé|a ajouté|a retiré"
                          r"|cambió|creó|añadió|eliminó|hat|hinzugefügt|adicionou|removeu|criou|mudou|alterou"
                          r"|ha aggiunto|ha rimosso|ha creato|ha cambiato)\b", re.I)

_ENCRYPTION = re.compile(r"end-to-end encrypt|chiffrés de bout en bout|chiffrement de bout en bout"
                         r"|cifrad[oa]s? de extremo a extremo|Ende-zu-Ende-verschlüsselt|مشفرة|مشفّرة"
                         r"|criptografia de ponta a ponta|criptografadas de ponta a ponta|encriptadas ponto a ponto"
                         r"|crittografat[ie] end-to-end|crittografia end-to-end", re.I)
_SYSTEM_TEXT = re.compile(r"""^(?:
      .+\ (?:added|removed)\ .+ | .+\ left | .+\ created\ group\ .+ | .+\ joined\ using\ this\ group's\ invite\ link
    | .+\ changed\ (?:the\ subject|this\ group's\ icon|the\ group\ description|their\ phone\ number).*
    | Your\ security\ code\ with\ .+\ changed.* | .*disappearing\ messages.*
    | You\ (?:blocked|unblocked)\ this\ contact.*
    | You\ were\ (?:added|removed).*
    | .+\ a\ (?:ajouté|retiré|créé\ le\ groupe|quitté|modifié)(?:\ .*)? | .+\ est\ parti.*
    | .+\ (?:añadió|eliminó|creó\ el\ grupo|cambió)(?:\ .*)? | .+\ salió\ del\ grupo.*
    | .+\ hat\ .+\ (?:hinzugefügt|entfernt|erstellt|verlassen|geändert).*
    | .+\ (?:adicionou|removeu|criou\ o\ grupo|mudou|alterou)(?:\ .*)? | .+\ saiu
    | .+\ ha\ (?:aggiunto|rimosso|creato\ il\ gruppo|cambiato)(?:\ .*)? | .+\ è\ uscit[oa]
)$""", re.X | re.I)
_MEDIA = re.compile(r"""^(?:
      <(?:Media\ omitted|Médias\ omis|Fichier\ omis|Multimedia\ omitido|Archivo\ omitido|Medien\ ausgeschlossen
         |Medien\ weggelassen|Media\ weggelaten|Mídia\ oculta|Mídia\ omitida|Multimédia\ omitido|Media\ omess[io]
         |تم\ استبعاد\ الوسائط|الوسائط\ محذوفة)>
    | <(?:view\ once\ (?:voice\ )?message\ omitted|file\ not\ revealed|ficheiro\ não\ revelado
         |arquivo\ não\ revelado|archivo\ no\ revelado)>
    | <?(?:image|video|audio|sticker|GIF|document|Contact\ card|photo)\ omitted>?
    | (?:image|vidéo|audio|autocollant|GIF|document|photo|carte\ de\ contact)\ (?:absente?|omise?)
    | (?:imagen|video|audio|sticker|GIF|documento|foto|tarjeta\ de\ contacto)\ omitid[oa]
    | (?:Bild|Video|Audio|Sticker|GIF|Dokument|Foto)\ weggelassen
    | (?:imagem|vídeo|áudio|figurinha|documento|GIF|sticker)\ (?:ocultad[oa]|omitid[oa])
    | (?:immagine|video|audio|sticker|GIF|documento)\ omess[oa]
    | <(?:attached|pièce\ jointe|adjunto|archivo\ adjunto|Anhang|allegato|anexado|anexo|مرفق)\s?:[^>]*>
    | .+\ \((?:file\ attached|fichier\ joint|archivo\ adjunto|Datei\ angehängt|arquivo\ anexado|ficheiro\ anexado
           |file\ allegato|ملف\ مرفق)\)
    | null
    | (?:view\ once|vue\ unique)\ (?:photo|video|image|voice\ message|audio|message)(?:\ omitted)?
    | (?:photo|vidéo|message\ vocal|foto|video|mensaje\ de\ voz)
      \ (?:à\ vue\ unique|à\ écoute\ unique|de\ visualización\ única|de\ reproducción\ única)(?:\ omise?|\ omitid[oa])?
)$""", re.X | re.I)
_SELF_DELETED = re.compile(r"^(?:You deleted this message|Vous avez supprimé ce message|Eliminaste este mensaje"
                           r"|Du hast diese Nachricht gelöscht|Você apagou esta mensagem|Apagou esta mensagem"
                           r"|Eliminou esta mensagem|Hai eliminato questo messaggio"
                           r"|لقد حذفت هذه الرسالة|حذفت هذه الرسالة)\.?$", re.I)
_DELETED = re.compile(r"^(?:This message was deleted(?: by admin .*)?|Ce message a été supprimé|Se eliminó este mensaje"
                      r"|Este mensaje fue eliminado|Diese Nachricht wurde gelöscht|Esta mensagem foi apagada"
                      r"|Mensagem apagada|Esta mensagem foi eliminada|Questo messaggio è stato eliminato"
                      r"|تم حذف هذه الرسالة)\.?$", re.I)
_CALL = re.compile(r"""^(?:
      Missed\ (?:group\ )?(?:voice|video)\ call | (?:Voice|Video)\ call
    | Appel\ (?:vocal|vidéo)(?:\ de\ groupe)?(?:\ manqué)?
    | Llamada(?:\ de\ voz|\ de\ video)?\ perdida | Videollamada\ perdida
    | Llamada\ de\ voz | Videollamada | Verpasster\ (?:Sprach|Video)anruf | (?:Sprach|Video)anruf
    | Chamada\ de\ (?:voz|vídeo)(?:\ perdida|\ não\ atendida)?
    | Chiamata\ vocale(?:\ persa)? | Videochiamata(?:\ persa)?
    | مكالمة\ (?:صوتية|فيديو)(?:\ فائتة)?
)(?:\s*[,.•-].*)?$""", re.X | re.I)
_CHAT_NAMES = re.compile(r"^(?:_chat|WhatsApp Chat|Discussion WhatsApp|Chat de WhatsApp|WhatsApp-Chat)", re.I)


def _lines(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.lstrip("\ufeff").split("\n")]


def _header(raw: str) -> re.Match[str] | None:
    return _HEADER.match(_SPACES.sub(" ", _MARKS.sub("", raw)).strip())


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def _classify(text: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if _DELETED.match(first) or _SELF_DELETED.match(first):
        return "deleted"
    if _MEDIA.match(first):
        return "media"
    if _CALL.match(first):
        return "call"
    return "text"


def _day_first(dates: list[tuple[str, str, str]], latin_ampm: bool) -> bool:
    if any(int(d1) > 12 for d1, _, _ in dates):
        return True
    if any(int(d2) > 12 for _, d2, _ in dates):
        return False
    return not latin_ampm  # all ambiguous: en_US (AM/PM) is month-first, the other locales day-first


def _timestamp(m: dict[str, str | None], day_first: bool, options: ParseOptions) -> str | None:
    try:
        d1, d2, d3 = (int(m[k] or 0) for k in ("d1", "d2", "d3"))
        if len(m["d1"] or "") == 4:
            year, month, day = d1, d2, d3
        else:
            day, month = (d1, d2) if day_first else (d2, d1)
            year = d3 + 2000 if d3 < 100 else d3
        hour, minute, second = int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0)
        ampm = (m["ampm"] or "").replace(".", "").replace(" ", "").lower()
        if ampm:
            if hour > 12:
                return None
            hour = hour % 12 + (12 if ampm in ("pm", "م") else 0)
        stamp = datetime(year, month, day, hour, minute, second, tzinfo=options.timezone)
    except ValueError:
        return None
    return stamp.isoformat()


@register
class WhatsAppParser(ChatParser):
    name = "whatsapp"
    extensions = (".txt", ".zip")

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> float:
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(path) as archive:
                    member = cls._member(archive.infolist())
                    if member is None:
                        return 0.0
                    with archive.open(member) as fh:
                        head = fh.read(64 * 1024)
            except Exception:  # noqa: BLE001 - a broken archive is simply not ours
                return 0.0
        lines = [line for line in _lines(_decode(head))[:60] if line.strip()]
        if not lines:
            return 0.0
        headers = [h for h in map(_header, lines) if h]
        named = [h for h in headers if _SENDER.match(h["rest"]) and not _SYSTEM_VERB.search(h["rest"].split(":")[0])]
        if not named:
            return 0.0
        if _header(lines[0]):
            return 0.95
        return 0.5 if len(named) >= 3 else 0.2

    @staticmethod
    def _member(infos: Iterable[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
        texts = [i for i in infos if i.filename.lower().endswith(".txt") and not i.is_dir()]
        named = [i for i in texts if _CHAT_NAMES.match(Path(i.filename).name)]
        if named:
            return named[0]
        return texts[0] if len(texts) == 1 else None

    def _read(self, path: Path) -> str:
        if not is_zip_file(path):
            return _decode(path.read_bytes())
        with Archive(path) as archive:  # the member read within the archive caps (size, zip bomb ratio)
            member = self._member(info for _, info in archive.members())
            if member is None:
                raise InputError("zip archive holds no WhatsApp chat .txt", where=f"{path}:0")
            return _decode(archive.read(member))

    def parse(self, path: Path, options: ParseOptions) -> Iterator[dict[str, Any]]:
        raw_lines = _lines(self._read(path))
        entries: list[dict[str, Any]] = []
        for raw in raw_lines:
            match = _header(raw)
            if match is None:
                if entries:  # a continuation line, joined once below (`+=` on a dict value is quadratic)
                    entries[-1]["more"].append(_MARKS.sub("", raw))
                continue  # lines before the first header are skipped
            rest, sender, text, kind = match["rest"], None, match["rest"], "system"
            split = _SENDER.match(rest)
            if split and not _SYSTEM_VERB.search(split["name"]):
                sender, text, kind = split["name"].strip(), split["text"] or "", "text"
                if _ENCRYPTION.search(text[:120]) or (": \u200e" in raw and _SYSTEM_TEXT.match(text)
                                                      and _classify(text) == "text"):  # not "Se eliminó este mensaje"
                    sender, kind = None, "system"
            entries.append({"m": match.groupdict(), "sender": sender, "text": text, "kind": kind, "more": []})
        if not entries:
            raise InputError("no WhatsApp message lines found", where=f"{path}:1")
        for e in entries:
            if e["more"]:
                e["text"] = "\n".join([e["text"], *e["more"]])

        latin_ampm = any(re.fullmatch(r"[AaPp][Mm]", e["m"]["ampm"] or "") for e in entries)
        dates = [(e["m"]["d1"], e["m"]["d2"], e["m"]["d3"]) for e in entries if len(e["m"]["d1"]) <= 2]
        day_first = _day_first(dates, latin_ampm)
        messages, participants, selves = [], {}, set()
        for e in entries:
            if e["kind"] == "text":
                e["kind"] = _classify(e["text"])
                if _SELF_DELETED.match(e["text"].strip()):
                    selves.add(e["sender"])
            if e["sender"] is not None:
                participants.setdefault(e["sender"], {"id": e["sender"], "name": e["sender"]})
            messages.append({"sender": e["sender"], "text": e["text"].rstrip("\n"),
                             "timestamp": _timestamp(e["m"], day_first, options), "kind": e["kind"]})
        conversation: dict[str, Any] = {"id": conversation_id(path), "platform": "whatsapp",
                                        "participants": list(participants.values())}
        user = self._user(options.user, list(participants), selves)
        if user is not None:
            conversation["user"] = user
        conversation["messages"] = messages
        yield conversation

    @staticmethod
    def _user(wanted: str | None, ids: list[str], selves: set[str]) -> str | None:
        if wanted is not None:
            return named_participant(wanted, ((pid, None) for pid in ids))
        return next(iter(selves)) if len(selves) == 1 else None
