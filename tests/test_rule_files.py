"""Broken rule files give errors that name the file and the rule."""

from pathlib import Path

import pytest

from sextortion_flags import Analyzer
from sextortion_flags.errors import RuleFileError
from sextortion_flags.rules.loader import load_rule_file, load_rules

GOOD_RULE = """
language: fr
category: threat
rules:
  - id: fr/threat/test-rule
    weight: 0.8
    description: threatens in a test
    patterns: ["je+publie ~2 video"]
    examples:
      positive: ["je publie ta video"]
"""


def write(tmp_path: Path, text: str, name: str = "threat.yaml") -> Path:
    folder = tmp_path / "fr"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path):
    rule_file = load_rule_file(write(tmp_path, GOOD_RULE))
    assert rule_file.rules[0].id == "fr/threat/test-rule"


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda t: t.replace("weight: 0.8", "weight: 1.8"), "weight"),
        (lambda t: t.replace("    weight: 0.8", "    weight: 0.8\n    wieght: 1"), "wieght"),
        (lambda t: t.replace('patterns: ["je+publie ~2 video"]', 'patterns: ["~2 video"]'), "cannot start with a gap"),
        (lambda t: t.replace('patterns: ["je+publie ~2 video"]', 'regex: ["(unclosed"]'), "does not compile"),
        (lambda t: t.replace('patterns: ["je+publie ~2 video"]', 'regex: ["x*"]'), "empty string"),
        (lambda t: t.replace("id: fr/threat/test-rule", "id: en/threat/test-rule"), "must start with"),
        (lambda t: t.replace("category: threat", "category: threats"), "category"),
    ],
)
def test_errors_name_file_and_rule(tmp_path, mutation, message):
    path = write(tmp_path, mutation(GOOD_RULE))
    with pytest.raises(RuleFileError) as info:
        load_rule_file(path)
    text = str(info.value)
    assert str(path) in text
    assert message in text


def test_rule_id_is_named_when_a_rule_is_invalid(tmp_path):
    path = write(tmp_path, GOOD_RULE.replace("weight: 0.8", "weight: -1"))
    with pytest.raises(RuleFileError, match="fr/threat/test-rule"):
        load_rule_file(path)


def test_invalid_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "language: fr\nrules: [\n  - x: : :\n")
    with pytest.raises(RuleFileError, match="invalid YAML at line"):
        load_rule_file(path)


def test_not_utf8(tmp_path):
    path = write(tmp_path, "")
    path.write_bytes(b"language: fr\n\xff\xfe")
    with pytest.raises(RuleFileError, match="not UTF-8"):
        load_rule_file(path)


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, GOOD_RULE, "a.yaml")
    write(tmp_path, GOOD_RULE, "b.yaml")
    with pytest.raises(RuleFileError, match="duplicate rule id"):
        load_rules(tmp_path)


def test_analyzer_runs_custom_rules(tmp_path):
    write(tmp_path, GOOD_RULE)
    analyzer = Analyzer(rules=tmp_path)
    report = analyzer.analyze({"id": "x", "messages": [{"sender": "a", "text": "je publie ta video ce soir"}]})
    assert [f.category for f in report.flags] == ["threat"]
    assert report.flags[0].evidence[0].source == "rule:fr/threat/test-rule"


def test_missing_rules_path_is_an_error(tmp_path):
    with pytest.raises(RuleFileError, match="no such file"):
        Analyzer(rules=tmp_path / "nope")
