"""What the signals need to know of each message, computed once by the analyzer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sextortion_flags.normalize import Normalized
from sextortion_flags.rules.engine import Hit


@dataclass(slots=True)
class MessageView:
    index: int
    sender: str | None
    kind: str
    timestamp: datetime | None
    from_user: bool
    norm: Normalized | None = None
    language: str | None = None
    hits: list[Hit] = field(default_factory=list)
    cue_kinds: set[str] = field(default_factory=set)
