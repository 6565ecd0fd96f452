"""Pydantic models of the public contract (../shared/CONTRACT.md §1, §2, §5).

Inputs ignore unknown keys (a conversation may carry `label`, `lang`, ...); outputs forbid
them so a report never drifts from the contract by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sextortion_flags.errors import InputError, describe_validation_error

Category = Literal[
    "escalation",
    "platform_migration",
    "image_request",
    "threat",
    "payment_demand",
    "suspicious_account",
    # extensions (CONTRACT §2: more categories may be added, never renamed)
    "minor_involved",
]
RiskLevel = Literal["none", "low", "medium", "high", "critical"]
MessageKind = Literal["text", "media", "deleted", "system", "call"]

REQUIRED_CATEGORIES: tuple[str, ...] = (
    "escalation",
    "platform_migration",
    "image_request",
    "threat",
    "payment_demand",
    "suspicious_account",
)
RISK_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high", "critical")
_M = TypeVar("_M", bound="BaseModel")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def mend_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate ("\\ud800", half a pair cut by an exporter) in its strings
    (nested in lists and dicts too) turned into U+FFFD, one character for one so offsets hold: no
    JSON report, CSV or HTML page could hold them."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if not value.isascii() else value
    if isinstance(value, list):
        return [mend_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {mend_surrogates(k): mend_surrogates(v) for k, v in value.items()}
    return value


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Account(_Input):
    """Profile metadata of a participant, every field optional."""

    created_at: datetime | None = None
    followers: int | None = Field(default=None, ge=0)
    following: int | None = Field(default=None, ge=0)
    posts: int | None = Field(default=None, ge=0)
    has_profile_photo: bool | None = None
    verified: bool | None = None


class Participant(_Input):
    id: str
    name: str | None = None
    account: Account | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Message(_Input):
    sender: str | None = None
    text: str | None = ""
    timestamp: datetime | None = None
    kind: MessageKind = "text"

    @field_validator("sender", mode="before")
    @classmethod
    def _sender_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("text", mode="before")
    @classmethod
    def _none_text_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("kind", mode="before")
    @classmethod
    def _default_kind(cls, value: object) -> object:
        return "text" if value is None else value

    @field_validator("timestamp", mode="before")
    @classmethod
    def _empty_timestamp(cls, value: object) -> object:
        return None if value == "" else value


class Conversation(_Input):
    id: str
    platform: str | None = None
    participants: list[Participant] = Field(default_factory=list)
    user: str | None = None
    messages: list[Message]

    @field_validator("id", "user", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _mend_lone_surrogates(self) -> Conversation:
        """Strings from the Python API get what the file readers do (`mend_surrogates`); one look
        over all of them at once, as most conversations have none."""
        strings = [self.id, self.user or "", self.platform or "", *(p.id + (p.name or "") for p in self.participants),
                   *(m.text + (m.sender or "") for m in self.messages)]  # type: ignore[operator]
        joined = "".join(strings)
        if joined.isascii() or _LONE_SURROGATE.search(joined) is None:
            return self
        for model in (self, *self.participants, *self.messages):
            for name in ("id", "user", "platform", "name", "text", "sender"):
                value = getattr(model, name, None)
                if isinstance(value, str):
                    object.__setattr__(model, name, mend_surrogates(value))
        return self

    @model_validator(mode="after")
    def _derive_participants(self) -> Conversation:
        """Participants absent from `participants` are derived from the senders, in order."""
        known = {p.id for p in self.participants}
        for message in self.messages:
            if message.sender is not None and message.sender not in known:
                known.add(message.sender)
                self.participants.append(Participant(id=message.sender))
        return self

    def participant(self, participant_id: str | None) -> Participant | None:
        for p in self.participants:
            if p.id == participant_id:
                return p
        return None


# ---------------------------------------------------------------- outputs


class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Output):
    message_index: int = Field(ge=0)
    quote: str | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    source: str


class Flag(_Output):
    category: Category
    score: float = Field(ge=0.0, le=1.0)
    severity: RiskLevel
    sender: str | None = None
    explanation: str
    evidence: list[Evidence] = Field(min_length=1)


class Resource(_Output):
    """A helpline or reporting service offered with an advice (CONTRACT §5)."""

    name: str
    url: str | None = None
    phone: str | None = None
    country: str | None = None
    purpose: str | None = None
    """What the service is for, one short sentence in the advice language."""
    kind: str | None = None
    """police_report, helpline, child_helpline, takedown_minors, takedown_adults, platform_report or victim_support."""


class Advice(_Output):
    id: str
    text: str
    resources: list[Resource] = Field(default_factory=list)


class Identifier(_Output):
    """A way the other party can be reached or paid (CONTRACT §5), at its first mention."""

    type: str  # phone, handle, profile_link, invite_link, email, crypto_address, iban, transfer_reference
    value: str
    message_index: int = Field(ge=0)
    timestamp: datetime | None = None
    sender: str | None = None
    # extension: bitcoin/ethereum/tron for wallets, the app of a handle or link, the transfer service
    network: str | None = None


class Report(_Output):
    id: str
    risk_score: float = Field(ge=0.0, le=1.0)
    risk_level: RiskLevel
    language: str | None = None
    flags: list[Flag] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list)
    summary: str = ""
    model_version: str = ""
    advice: list[Advice] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        return [f.category for f in self.flags]

    @property
    def first_high_risk_index(self) -> int | None:
        """The earliest message cited by a high or critical flag (the CSV, HTML and Spark column)."""
        indices = [e.message_index for f in self.flags if f.severity in ("high", "critical") for e in f.evidence]
        return min(indices) if indices else None

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=False)

    def to_html(self, conversation: Conversation | dict | None = None, language: str | None = None) -> str:
        """This report as a self-contained HTML page (sextortion_flags.html.render_html).

        With the conversation the page shows every message with the evidence highlighted; without
        it, only the quoted evidence. `language` picks the page's words (default: the report's).
        """
        from sextortion_flags.html import render_html

        return render_html([(conversation, self)], language=language or self.language)


class ErrorInfo(_Output):
    type: str
    message: str

    @field_validator("message", mode="after")
    @classmethod
    def _writable(cls, value: str) -> str:
        """A file name that is not UTF-8 (read by Python as lone surrogates) must not make the
        error line itself unwritable."""
        return mend_surrogates(value)


class ErrorReport(_Output):
    """The line a batch writes for an input that could not be analysed."""

    id: str | None = None
    error: ErrorInfo


def _validated(model: type[_M], item: Any, what: str, where: Callable[[Mapping[str, Any]], str]) -> _M:
    """`item` as a `model` (passed through when it is one); errors name the field, never its value."""
    if isinstance(item, model):
        return item
    if not isinstance(item, Mapping):
        raise InputError(f"a {what} must be a JSON object, got {type(item).__name__}")
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc), where=where(item)) from None


MAX_ID_IN_ERRORS = 80
"""An id shown in an error is cut to this many characters: a 10 MB id made a 10 MB error line."""


def _conversation_where(item: Mapping[str, Any]) -> str:
    ident = item.get("id")
    if isinstance(ident, str) and len(ident) > MAX_ID_IN_ERRORS:
        ident = ident[:MAX_ID_IN_ERRORS - 1] + "…"
    where = f"conversation {ident!r}" if isinstance(ident, (str, int)) else "conversation"
    return f"{item['_where']} ({where})" if isinstance(item.get("_where"), str) else where


def to_conversation(item: Conversation | Mapping[str, Any]) -> Conversation:
    """Validate a dict (or pass a Conversation through); errors name the field, never its value."""
    return _validated(Conversation, item, "conversation", _conversation_where)


def to_report(item: Report | Mapping[str, Any]) -> Report:
    """Validate a report given as a dict (or pass a Report through), as `to_conversation` does."""
    return _validated(Report, item, "report", lambda _item: "report")
