"""A finding: one piece of evidence for one category, whatever produced it.

Rule hits, timing signals, account signals and (later) classifier outputs all become findings;
fusion and explanations only ever see findings, so a new detector plugs in without touching them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sextortion_flags.rules.engine import Adjustment


@dataclass(slots=True)
class Finding:
    category: str
    score: float
    message_index: int
    sender: str | None
    source: str  # rule:<id> | model:<name> | timing:<signal> | account:<field>
    description: str  # English verb phrase completing "<sender> ..."
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    base: float | None = None  # score before context
    adjustments: list[Adjustment] = field(default_factory=list)
    stage: bool = True  # counts as a step of the scheme (flattery alone does not)
    facts: dict[str, object] = field(default_factory=dict)  # figures for the explanation

    @property
    def kind(self) -> str:
        return self.source.split(":", 1)[0]
