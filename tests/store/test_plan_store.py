"""phasebook.yaml: validation naming the field path, atomic writes, comments kept on save."""

from __future__ import annotations

import os
import stat

import pytest

from phasebook.core.errors import (
    PlanChangedOnDiskError,
    PlanSyntaxError,
    PlanValidationError,
    SchemaVersionError,
    UnknownSectionError,
)
from phasebook.core.sections import Scope
from phasebook.store.plan import SCHEMA_VERSION, validate_section

SCOPE = {"kpis": [{"name": "churners caught", "metrics": [{"name": "roc_auc", "target": 0.8}]}], "timebox_weeks": 3}


def test_new_plan_has_schema_version_and_every_section(make_store):
    store = make_store()
    text = store.path.read_text()
    assert text.splitlines()[2].startswith("schema_version: ")  # after the two comment lines
    doc = store.load()
    assert doc.raw["schema_version"] == SCHEMA_VERSION and doc.name == "churn-risk"
    assert "# Scope & KPIs (1.4)" in text
    assert stat.S_IMODE(os.stat(store.path).st_mode) & 0o044 == 0o044  # readable like any repo file


def test_comments_and_key_order_survive_a_section_save(make_store):
    # Given a plan a person edited by hand: comments and their own key order
    store = make_store()
    text = store.path.read_text().replace(
        "\nscope:\n", "\nscope:\n  # agreed with the product owner on Monday\n", 1
    ).replace("\nmonitoring:\n", "\n# keep this section last\nmonitoring:\n", 1)
    text = text.replace("  statement: ''\n", "  # the need, in the customer's words\n  statement: ''\n", 1)
    store.path.write_text(text)
    before_keys = list(store.load().raw["scope"])
    # When the scope section is saved with new content
    store.save_section("scope", Scope.model_validate(SCOPE))
    # Then every comment is still there, the scope keys keep their order, the content is new
    after = store.path.read_text()
    for comment in ("# agreed with the product owner on Monday", "# keep this section last", "# the need, in the customer's words"):
        assert comment in after
    doc = store.load()
    assert list(doc.raw["scope"]) == before_keys
    assert doc.sections["scope"].timebox_weeks == 3
    assert list(doc.raw)[:4] == ["schema_version", "name", "flow", "product_need"]


def test_invalid_section_names_the_field_path_and_writes_nothing(make_store):
    store = make_store()
    before = store.path.read_bytes()
    bad = {"kpis": [{"name": "k", "metrics": [{"name": "roc_auc", "target": 1.7, "colour": "red"}]}], "timebox_weeks": "three"}
    with pytest.raises(PlanValidationError) as info:
        store.save_section("scope", validate_section("scope", bad, file="scope.yaml"))
    paths = {e["path"] for e in info.value.fields["errors"]}
    assert paths == {"scope.kpis.0.metrics.0.target", "scope.kpis.0.metrics.0.colour", "scope.timebox_weeks"}
    assert "scope.yaml" in info.value.message and "remove it or check its spelling" in info.value.message
    assert store.path.read_bytes() == before


def test_unknown_section_name_lists_the_known_ones():
    with pytest.raises(UnknownSectionError, match="scope"):
        validate_section("scop", {})


def test_hand_edited_plan_with_unknown_section_and_bad_type_is_reported_with_paths(make_store):
    store = make_store()
    store.path.write_text(store.path.read_text() + "\nbudget:\n  total: 3\n")
    text = store.path.read_text().replace("  timebox_weeks:", "  timebox_weeks: many\n  x_timebox:", 1)
    store.path.write_text(text)
    with pytest.raises(PlanValidationError) as info:
        store.load()
    paths = {e["path"] for e in info.value.fields["errors"]}
    assert {"budget", "scope.timebox_weeks", "scope.x_timebox"} <= paths
    assert str(store.path) in info.value.message


def test_malformed_yaml_names_file_line_and_column(make_store):
    store = make_store()
    store.path.write_text("schema_version: 1\nscope:\n  kpis: [unclosed\n")
    with pytest.raises(PlanSyntaxError) as info:
        store.load()
    assert info.value.fields["file"] == str(store.path) and info.value.fields["line"] is not None
    assert "line" in info.value.message


def test_newer_schema_version_says_to_upgrade(make_store):
    store = make_store()
    store.path.write_text(store.path.read_text().replace(f"schema_version: {SCHEMA_VERSION}", "schema_version: 99"))
    with pytest.raises(SchemaVersionError, match="pip install -U phasebook"):
        store.load()


def test_save_refuses_when_the_file_changed_since_it_was_read(make_store):
    store = make_store()
    digest = store.load().digest
    store.save_section("scope", Scope.model_validate(SCOPE))  # someone else saves
    written = store.path.read_bytes()
    with pytest.raises(PlanChangedOnDiskError):
        store.save_section("scope", Scope(), expected_digest=digest)
    assert store.path.read_bytes() == written


def test_leftover_temporary_file_of_a_killed_writer_is_cleaned_on_next_save(make_store):
    store = make_store()
    (store.root / ".phasebook.yaml.abc123.tmp").write_text("half a plan")
    store.save_section("scope", Scope.model_validate(SCOPE))
    assert list(store.root.glob(".phasebook.yaml.*.tmp")) == []


def test_loaded_sections_are_copies(make_store):
    store = make_store()
    store.load().sections["scope"].timebox_weeks = 9
    assert store.load().sections["scope"].timebox_weeks is None


def test_failure_before_the_rename_leaves_the_old_plan_whole(make_store, monkeypatch):
    # Given a save that dies after writing the temporary file but before renaming it
    store = make_store()
    before = store.path.read_bytes()

    def die(src, dst):
        raise OSError("disk unplugged")

    monkeypatch.setattr("phasebook.store.plan.os.replace", die)
    with pytest.raises(OSError):
        store.save_section("scope", Scope.model_validate(SCOPE))
    # Then the plan is the old one, byte for byte, and no temporary file is left
    assert store.path.read_bytes() == before
    assert list(store.root.glob(".phasebook.yaml.*.tmp")) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [("a: 1\na: 2\n", "duplicate key"), ("a:\n\t- 1\n", "'\\t'"), ("a: 'x\n", "end of stream")],
    ids=["duplicate key", "tab indent", "unclosed quote"],
)
def test_yaml_mistakes_are_syntax_errors_with_a_position(text, problem):
    from phasebook.store.plan import parse_yaml

    with pytest.raises(PlanSyntaxError) as info:
        parse_yaml(text, file="scope.yaml")
    assert info.value.message.startswith("scope.yaml, line 2, column 1: ") and problem in info.value.message
