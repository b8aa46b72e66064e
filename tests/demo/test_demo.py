"""`phasebook demo PATH` on an empty folder: every phase run, tests and drift journaled, and a team's story:
scope approved, research validated, development in progress after a backtrack, the KPI check waiting for product."""

from __future__ import annotations

from phasebook.core.flow import default_flow
from tests.demo_fixture import run_cli

WORK_PHASES = default_flow().work_phases


def test_the_demo_runs_all_four_phases_and_keeps_their_notebooks(demo_build, demo_project):
    runs = [e for e in demo_project.events() if e.kind == "run" and not e.data.get("grid_run_id")]
    assert [e.data["phase"] for e in runs] == list(WORK_PHASES)
    for e in runs:
        assert e.data["status"] == "succeeded"
        assert (demo_project.root / e.data["output_path"]).is_file()
        assert e.data["output_path"].startswith(f"runs/{e.data['phase']}/{e.data['run_id']}/")
    steps = {s.id: s.status for s in demo_project.status().steps}
    assert steps["2.1"] == steps["3.2"] == steps["3.3"] == "done"


def test_model_tests_measure_every_hard_metric_of_the_plan(demo_project):
    hard = {m.name for _, m in demo_project.section("scope").hard_metrics()}
    assert hard == {"roc_auc", "recall_at_top_k"}
    tests = {e.data["model"]: e.data for e in demo_project.events() if e.kind == "model_test" and not e.data.get("segment")}
    assert set(tests) == {"linear", "gradient_boosting"}
    for data in tests.values():
        measured = {r["metric"]: r for r in data["results"] if r["hardness"] == "hard"}
        assert set(measured) == hard
        assert all(0.4 < r["value"] < 1 and r["outcome"] in ("passed", "failed") for r in measured.values())
        assert data["details"]["data_source"] == "customers" and data["details"]["label"] == "churned"
    assert tests["gradient_boosting"]["passed"] is True  # the boosted baseline catches the interaction


def test_the_drift_check_flags_the_new_device_type(demo_project):
    drift = [e.data for e in demo_project.events() if e.kind == "drift_check"]
    assert len(drift) == 1
    assert drift[0]["drifted_columns"] == ["device"]
    device = next(c for c in drift[0]["columns"] if c["name"] == "device")
    assert device["drifted"] and device["unseen_share"] > 0.1
    assert drift[0]["reference"].endswith(".parquet") and "snapshots" in drift[0]["reference"]


def test_sources_are_checked_and_groups_compared(demo_project):
    events = demo_project.events()
    checks = {e.data["source"]: e.data for e in events if e.kind == "data_check"}
    assert set(checks) == {"customers", "current_month", "rollout_outcomes", "in_app_events"}
    assert checks["customers"]["reachable"] and not checks["in_app_events"]["reachable"]
    [kpi] = [e.data for e in events if e.kind == "kpi_measurement"]
    groups = {g["group"]: g for g in kpi["groups"]}
    assert set(groups) == {"control", "model"} and groups["model"]["difference"] < 0


def test_the_demo_leaves_a_believable_story(demo_build, demo_project):
    events = demo_project.events()
    status = demo_project.status()
    # scope approved, research validated, development in progress
    assert status.phase == "development"
    assert {g.name: g.state for g in status.gates.values()} == {
        "scope_approval": "approved", "solution_validation": "approved",
        "kpi_check": "pending", "post_deployment_kpi_check": "pending",
    }
    # with a backtrack in its history, after which research was validated again
    moves = [(e.kind, e.data["from"], e.data["to"]) for e in events if e.kind in ("advance", "backtrack")]
    assert moves == [("advance", "scoping", "research"), ("advance", "research", "development"),
                     ("backtrack", "development", "research"), ("advance", "research", "development")]
    back = next(e for e in events if e.kind == "backtrack")
    assert any(e.kind == "sign_off" and e.data["gate"] == "solution_validation" and e.seq > back.seq for e in events)
    # and one gate waiting for product: customer success signed the KPI check, product has not
    kpi = status.gates["kpi_check"]
    assert kpi.missing_roles == ["product"] and [s.role for s in kpi.signoffs] == ["customer_success"]
    waiting = demo_project.waiting_for("product owner", "product")
    assert [(i.kind, i.gate) for i in waiting] == [("sign", "kpi_check")]
    assert demo_project.waiting_for("customer success lead", "customer_success") == []
    # the deployment notebook ran, but its phase is not reached: none of its steps is done
    assert [s.id for s in status.steps if s.phase == "deployment" and s.status == "done"] == []
    proc = run_cli("--project", demo_build.root, "status", "--json")
    assert proc.returncode == 0, proc.stderr
    assert '"phase": "development"' in proc.stdout


def test_the_command_says_what_it_did_and_what_to_run_next(demo_build):
    out = " ".join(demo_build.stdout.split())
    for phase in WORK_PHASES:
        assert f"ran {phase}: succeeded" in out
    assert "drifted columns device" in out
    assert "signed scope_approval (product owner) and advanced to research" in out
    assert "backtracked to research" in out and "customer success signed kpi_check" in out
    assert "phasebook signoff kpi_check" in out and "phasebook advance" in out


def test_demo_into_an_existing_project_is_refused(demo_build):
    proc = run_cli("demo", demo_build.root)
    assert proc.returncode == 1
    assert "already holds a phasebook project" in proc.stderr


def test_the_demo_fits_a_model_per_region_on_a_grid(demo_project):
    from phasebook.demo.data import REGIONS

    grids = [e.data for e in demo_project.events() if e.kind == "grid_run"]
    assert len(grids) == 1 and grids[0]["counts"]["succeeded"] == len(REGIONS)
    tests = [e.data for e in demo_project.events() if e.kind == "model_test" and e.data.get("segment")]
    assert sorted(t["segment"] for t in tests) == sorted(name for name, _ in REGIONS)
    status = demo_project.status()
    assert status.segments_total == len(REGIONS)
    assert set(status.segments) == {"roc_auc", "recall_at_top_k"}
    assert all(c.total == len(REGIONS) and c.passed + c.failed == c.total for c in status.segments.values())
    assert status.latest_model_test["model"] == "gradient_boosting"  # the pooled baselines ran last
