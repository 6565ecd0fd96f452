"""Load and validate rule and cue files; errors name the file and the rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from sextortion_flags.errors import RuleFileError, describe_validation_error
from sextortion_flags.lexicon import RESOURCE_ROOT, load_yaml
from sextortion_flags.rules.patterns import PatternError, compile_pattern, compile_regex
from sextortion_flags.rules.prefilter import first_character_guard
from sextortion_flags.rules.schema import LANGUAGES, Cue, CueFile, Rule, RuleFile

FileModel = TypeVar("FileModel", RuleFile, CueFile)
PACKAGED_RULES = RESOURCE_ROOT / "rules"
PACKAGED_CONTEXT = RESOURCE_ROOT / "context"
MAX_RULE_FILE_BYTES = 2_000_000


def _read_yaml(path: Path) -> object:
    try:
        if path.stat().st_size > MAX_RULE_FILE_BYTES:
            raise RuleFileError(f"file is larger than {MAX_RULE_FILE_BYTES} bytes", path=str(path))
        return load_yaml(path)
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RuleFileError(f"invalid YAML{where}", path=str(path)) from exc
    except OSError as exc:
        raise RuleFileError(f"cannot read ({exc.strerror})", path=str(path)) from exc


def _rule_id_at(data: object, exc: ValidationError, key: str) -> str | None:
    """The id of the rule/cue a validation error points into, when there is one."""
    for err in exc.errors():
        loc = err.get("loc", ())
        if len(loc) >= 2 and loc[0] == key and isinstance(loc[1], int):
            try:
                return str(data[key][loc[1]].get("id"))  # type: ignore[index]
            except (KeyError, IndexError, TypeError, AttributeError):
                return f"#{loc[1]}"
    return None


def _check_compiles(path: Path, item_id: str, patterns: list[str], regexes: list[str]) -> None:
    for pattern in patterns:
        try:
            compile_pattern(pattern, item_id)
        except PatternError as exc:
            raise RuleFileError(str(exc), path=str(path), rule_id=item_id) from exc
    for regex in regexes:
        try:  # compiled as the engine will run it (guarded), so the engine finds it compiled
            compiled = compile_regex(first_character_guard(regex))
        except re.error as exc:
            raise RuleFileError(f"regex {regex!r} does not compile: {exc}", path=str(path), rule_id=item_id) from exc
        if compiled.match(""):
            raise RuleFileError(f"regex {regex!r} matches the empty string", path=str(path), rule_id=item_id)


def _validated(path: Path, model: type[FileModel], key: str) -> FileModel:
    """Parse and validate one file; errors name the file and the rule or cue they point into."""
    data = _read_yaml(path)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        item_id = _rule_id_at(data, exc, key)
        raise RuleFileError(describe_validation_error(exc), path=str(path), rule_id=item_id) from None
    seen: set[str] = set()
    for item in getattr(parsed, key):
        if item.id in seen:
            raise RuleFileError(f"duplicate id in {key}", path=str(path), rule_id=item.id)
        seen.add(item.id)
        _check_compiles(path, item.id, item.patterns, item.regex)
    return parsed


def load_rule_file(path: Path) -> RuleFile:
    return _validated(path, RuleFile, "rules")


def load_cue_file(path: Path) -> CueFile:
    return _validated(path, CueFile, "cues")


def _yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.exists():
        raise RuleFileError("no such file or directory", path=str(root))
    if not root.is_dir():  # /dev/zero would be read for ever
        raise RuleFileError("not a regular file or folder (a device, pipe or socket)", path=str(root))
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


def load_rules(root: Path | None = None, languages: tuple[str, ...] | None = None) -> list[tuple[RuleFile, Path]]:
    """Every rule file under `root` (default: the packaged rules), optionally for some languages."""
    paths = _yaml_files(root or PACKAGED_RULES)
    if languages:  # rules/<lang>/<category>.yaml: skip other languages' files without reading them
        paths = [p for p in paths if p.parent.name in languages or p.parent.name not in LANGUAGES]
    files = [(load_rule_file(p), p) for p in paths]
    for rule_file, path in files:
        if path.parent.name in LANGUAGES and path.parent.name != rule_file.language:
            raise RuleFileError(f"language {rule_file.language!r} does not match the folder {path.parent.name!r}",
                                path=str(path))
    ids: dict[str, Path] = {}
    for rule_file, path in files:
        for rule in rule_file.rules:
            if rule.id in ids:
                raise RuleFileError(f"duplicate rule id (also in {ids[rule.id]})", path=str(path), rule_id=rule.id)
            ids[rule.id] = path
    if languages:
        files = [(f, p) for f, p in files if f.language in languages]
    return files


def load_cues(root: Path | None = None, languages: tuple[str, ...] | None = None) -> dict[str, list[Cue]]:
    """Context cues per language code (`xx` = every language); files are named `<lang>.yaml`."""
    cues: dict[str, list[Cue]] = {}
    for path in _yaml_files(root or PACKAGED_CONTEXT):
        if languages and path.stem in LANGUAGES and path.stem not in languages:
            continue
        cue_file = load_cue_file(path)
        cues.setdefault(cue_file.language, []).extend(cue_file.cues)
    return cues


def all_rules(files: list[tuple[RuleFile, Path]]) -> list[tuple[RuleFile, Rule]]:
    return [(f, rule) for f, _ in files for rule in f.rules]


__all__ = ["LANGUAGES", "load_rules", "load_cues", "load_rule_file", "load_cue_file", "all_rules"]
