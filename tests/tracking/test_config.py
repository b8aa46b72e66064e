"""The pure parts of the MLflow link: the plan field, metric names with parameters, and registry decisions."""

from __future__ import annotations

import pytest

from phasebook.core.errors import BadInputError, PlanValidationError
from phasebook.core.sections import Scope
from phasebook.tracking import ModelVersionError, base_name, metric_name, mlflow_key, parse_model_version
from phasebook.tracking.config import tracking_config
from phasebook.tracking.registry import decide
from phasebook.tracking.runs import values_from_run
from tests.tracking.conftest import SCOPE


@pytest.mark.parametrize("uri, problem", [
    ("ftp://mlflow.internal", "http:// or https://"),
    ("sqlite:////etc/passwd.db", "http:// or https://"),
    ("http://user:secret@mlflow.internal", "do not put credentials in the plan"),
    ("http://", "http:// or https://"),
])
def test_a_tracking_uri_outside_the_allowlist_is_refused_and_nothing_is_written(project, uri, problem):
    before = project.plan_path.read_bytes()
    with pytest.raises(PlanValidationError) as err:
        project.save_section("experiment_setup", {"tracking_uri": uri})
    assert "experiment_setup.tracking_uri" in err.value.message and problem in err.value.message
    assert project.plan_path.read_bytes() == before


def test_local_resolves_inside_the_project_and_is_git_ignored(project):
    project.save_section("experiment_setup", {"tracking_uri": "local"})
    config = tracking_config(project.root, project.section("experiment_setup"), project.name)
    assert config.uri == f"sqlite:///{project.root}/.phasebook/mlflow.db"
    assert config.artifact_location == (project.root / ".phasebook" / "mlartifacts").as_uri()
    assert config.experiment == project.name and config.aliases["kpi_check"] == "approved"
    assert ".phasebook/" in (project.root / ".gitignore").read_text().splitlines()


def test_no_uri_means_no_tracking(project):
    assert tracking_config(project.root, project.section("experiment_setup"), project.name) is None


@pytest.mark.parametrize("alias", ["latest", "v3", "in production", ""])
def test_an_alias_mlflow_would_refuse_is_refused_at_save(project, alias):
    with pytest.raises(PlanValidationError):
        project.save_section("experiment_setup", {"tracking_uri": "local", "approval_alias": alias})


def test_metric_names_carry_their_parameters():
    assert metric_name("recall_at_top_k") == "recall_at_top_k@0.1"  # the metric's default parameter
    assert metric_name("recall_at_top_k", {"k": 0.2}) == "recall_at_top_k@0.2"
    assert metric_name("roc_auc", {"k": 0.2}) == "roc_auc"
    assert mlflow_key("recall_at_top_k@0.2") == "recall_at_top_k_at_0.2"  # MLflow refuses '@' in keys
    assert base_name("recall_at_top_k_at_0.2") == base_name("recall_at_top_k@0.2") == "recall_at_top_k"
    assert base_name("recall_at_top_k") == "recall_at_top_k"


def test_a_metric_logged_under_several_parameters_is_ambiguous():
    scope = Scope.model_validate(SCOPE)
    values, keys = values_from_run(scope, {"roc_auc": 0.8, "recall_at_top_k_at_0.1": 0.3, "f1": 0.5})
    assert values == {"roc_auc": 0.8, "recall_at_top_k": 0.3, "f1": 0.5}
    assert keys == {"roc_auc": "roc_auc", "recall_at_top_k": "recall_at_top_k_at_0.1"}
    with pytest.raises(BadInputError, match="under several parameters"):
        values_from_run(scope, {"recall_at_top_k_at_0.1": 0.3, "recall_at_top_k_at_0.2": 0.4})


@pytest.mark.parametrize("value", ["churn", "churn/", "churn/0", "churn/v3", "/3", "a/b/3"])
def test_a_malformed_model_version_is_refused(value):
    with pytest.raises(ModelVersionError, match="NAME/VERSION"):
        parse_model_version(value)
    assert parse_model_version("churn-model/7") == ("churn-model", "7")


APPROVED = {"name": "m", "version": "7", "signoff": "sha256:a", "signed_by": "product owner (product, unverified)"}


def test_decide_sets_moves_removes_and_warns():
    # approved, alias unset: set it
    d = decide("kpi_check", "approved", "KPIs check", APPROVED, None, {"m": {}})
    assert [(a.kind, a.version) for a in d.actions] == [("set_alias", "7")] and d.warning is None
    # approved, alias where phasebook put it for an earlier approval: move it
    owned = {"name": "m", "version": "6", "alias": "approved", "signoff": "sha256:old"}
    d = decide("kpi_check", "approved", "KPIs check", APPROVED, owned, {"m": {"approved": "6"}})
    assert [(a.kind, a.version, a.previous) for a in d.actions] == [("move_alias", "7", "6")]
    # approved, alias moved by somebody else: warn, change nothing
    owned = {**APPROVED, "alias": "approved"}
    d = decide("kpi_check", "approved", "KPIs check", APPROVED, owned, {"m": {"approved": "8"}})
    assert d.actions == [] and d.warning == "KPIs check approved m v7; alias @approved points to v8, set outside phasebook."
    # stale, alias still where phasebook put it: remove it, say why
    d = decide("kpi_check", "approved", "KPIs check", None, owned, {"m": {"approved": "7"}}, reason="scope changed")
    assert [(a.kind, a.tags["phasebook.kpi_check.stale_reason"]) for a in d.actions] == [("remove_alias", "scope changed")]
    # never approved, yet an alias exists: warn
    d = decide("kpi_check", "approved", "KPIs check", None, None, {"m": {"approved": "3"}})
    assert d.actions == [] and "no fresh approval" in d.warning


def test_approving_another_model_takes_the_alias_off_the_old_one():
    owned = {"name": "old-model", "version": "4", "alias": "approved", "signoff": "sha256:old"}
    d = decide("kpi_check", "approved", "KPIs check", APPROVED, owned,
               {"m": {}, "old-model": {"approved": "4"}})
    assert [(a.kind, a.name, a.version, a.previous) for a in d.actions] == [
        ("set_alias", "m", "7", None), ("remove_alias", "old-model", "4", "4")]
