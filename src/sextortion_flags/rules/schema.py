"""Pydantic schema of rule files and context-cue files (`extra="forbid"`: a typo is an error)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sextortion_flags.models import Category

LANGUAGES: tuple[str, ...] = ("fr", "en", "es", "ary", "ar")
"""fr, en, es; `ary` = Moroccan Darija in Latin letters (arabizi); `ar` = Arabic script."""

ContextKind = Literal[
    "negation", "refusal", "reported", "awareness", "joke", "hypothetical", "plea", "quote", "past", "consent",
    "business",
]
Direction = Literal["before", "after", "both", "around", "message"]
"""`around`: the cue's span contains the hit (quotes); `message`: anywhere in the same message."""

_ID = re.compile(r"^[a-z]{2,3}/[a-z_]+/[a-z0-9][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Examples(_Strict):
    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class _Patterned(_Strict):
    """What rules and cues share: an id `<lang>/<kind>/<name>`, phrase patterns and/or regexes."""

    id: str
    patterns: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    examples: Examples = Field(default_factory=Examples)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} must look like 'fr/threat/publish-media'")
        return value

    @model_validator(mode="after")
    def _has_pattern(self) -> _Patterned:
        if not self.patterns and not self.regex:
            raise ValueError("needs at least one entry in `patterns` or `regex`")
        return self


class Rule(_Patterned):
    """One rule: phrase patterns (the small DSL of `patterns.py`) and/or regexes on normalized text."""

    weight: float = Field(gt=0.0, le=1.0)
    description: str = Field(min_length=3, description="verb phrase: '<sender> ...', in English")
    stage: bool = True
    """False for rules that describe a sign but not a step of the scheme (e.g. flattery)."""


class RuleFile(_Strict):
    language: Literal["fr", "en", "es", "ary", "ar", "xx"]
    """`xx`: language-independent rules (emoji, numbers), in `rules/xx/`, run once for all."""
    category: Category
    rules: list[Rule]

    @model_validator(mode="after")
    def _ids_match_file(self) -> RuleFile:
        prefix = f"{self.language}/{self.category}/"
        for rule in self.rules:
            if not rule.id.startswith(prefix):
                raise ValueError(f"rule id {rule.id!r} must start with {prefix!r}")
        return self


class Cue(_Patterned):
    """A context modifier (medspaCy ConText style): a phrase that changes nearby hits' scores."""

    kind: ContextKind
    direction: Direction
    scope: int = Field(default=6, ge=0, le=50, description="tokens between cue and hit")
    factor: float = Field(ge=0.0, le=1.0, description="multiplier applied to a hit's score")
    categories: list[Category] | None = None
    """None = every category."""
    explanation: str = Field(min_length=3, description="why the score was lowered, in English")


class CueFile(_Strict):
    language: Literal["fr", "en", "es", "ary", "ar", "xx"]
    """`xx` (spaCy's code for multi-language): cues applied whatever the language."""
    cues: list[Cue]
