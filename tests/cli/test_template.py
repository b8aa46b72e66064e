"""A plan you can write by hand: `show SECTION --template` round-trips through `set`; messages list keys and formats."""

from __future__ import annotations

import json
import re
import typing

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from phasebook.core.sections import SECTION_MODELS

REQUIRED = re.compile(r'^(?P<key>\s*(?:- )?\w+): (?:""|null)(?P<comment>  # required .*· e\.g\. (?P<example>.+))$')


def fill_required(template: str) -> str:
    """Replace each blank required value with the example its comment names."""
    return "\n".join(
        (f"{m['key']}: {m['example']}{m['comment']}" if (m := REQUIRED.match(line)) else line)
        for line in template.splitlines()
    ) + "\n"


def field_names(model: type[BaseModel]) -> set[str]:
    names = set(model.model_fields)
    for info in model.model_fields.values():
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            for inner in (arg, *typing.get_args(arg)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    names |= field_names(inner)
    return names


@pytest.mark.parametrize("section", list(SECTION_MODELS))
def test_the_template_names_every_field_and_round_trips_through_set(phasebook, project, section, tmp_path):
    result = phasebook("show", section, "--template")
    assert result.exit_code == 0, result.output
    template = result.stdout
    for name in field_names(SECTION_MODELS[section]):
        assert re.search(rf"^\s*(- )?{name}:.*  # ", template, re.M), f"{name} missing from the template"
    classes = {c.__name__ for m in SECTION_MODELS.values() for c in m.__mro__ if issubclass(c, BaseModel)
               and re.search(r"[A-Za-z][A-Z]", c.__name__)}  # ModelMetric, ABGroup (not the word "Ideas")
    assert not [c for c in classes if re.search(rf"\b{c}\b", template)]  # no class names
    filled = fill_required(template)
    path = tmp_path / f"{section}.yaml"
    path.write_text(filled, encoding="utf-8")
    saved = phasebook("set", section, "--file", str(path))
    assert saved.exit_code == 0, saved.output + saved.stderr
    expected = YAML(typ="safe").load(filled)
    got = json.loads(json.dumps(project.section(section).model_dump(mode="json")))
    for key, value in expected.items():
        assert got[key] == value, key


def test_the_template_marks_required_fields_and_allowed_values(phasebook):
    text = phasebook("show", "scope", "--template").stdout
    assert re.search(r'- name: ""  # required · text .*e\.g\. "churners caught before renewal"', text)
    assert "comparator: \">=\"  # one of: >=, <=" in text and "hardness: \"hard\"  # one of: hard, soft" in text
    assert "timebox_end: null  # date as YYYY-MM-DD" in text and "between 1 and 52" in text


def test_unfilled_required_fields_are_named(phasebook, yaml_file):
    text = phasebook("show", "data_sources", "--template").stdout
    result = phasebook("set", "data_sources", "--file", str(yaml_file(text)))
    assert result.exit_code == 2 and "data_sources.items.0.name" in result.output + result.stderr


@pytest.mark.parametrize("section, text, expected", [
    ("deployment", "rollout:\n  ab_design:\n    groups: [control]\n", "must be a mapping of fields with the keys: name, share, description"),
    ("scope", "kpis:\n  - name: k\n    metrics:\n      - name: roc_auc\n        k_share: 0.1\n",
     "the keys here are: name, definition, target, comparator, dataset, hardness, k"),
    ("scope", "timebox_end: next friday\n", "expected a date as YYYY-MM-DD, e.g. 2026-03-31 (got 'next friday')"),
    ("scope", "kpis:\n  - name: k\n    metrics:\n      - name: roc_auc\n        hardness: strict\n", "'hard' or 'soft'"),
])
def test_validation_messages_list_keys_values_and_formats_never_a_class(phasebook, yaml_file, section, text, expected):
    result = phasebook("set", section, "--file", str(yaml_file(text)))
    out = result.output + result.stderr
    assert result.exit_code == 2 and expected in out, out
    assert not re.search(r"\b(ABGroup|ABDesign|Rollout|ModelMetric|ProductKPI|Scope|instance of)\b", out)
