"""The default flow (FLOW.md) as data."""

from __future__ import annotations

import pytest

from phasebook.core.errors import UnknownGateError, UnknownPhaseError, UnknownRoleError
from phasebook.core.flow import Flow, default_flow
from phasebook.core.sections import SECTION_MODELS


@pytest.fixture
def flow() -> Flow:
    return default_flow()


def test_phases_in_order(flow):
    assert [p.name for p in flow.phases] == [
        "scoping", "research", "development", "deployment", "delivered", "maintenance", "cancelled",
    ]
    assert [flow.next_phase(p) for p in ("scoping", "research", "development", "deployment")] == [
        "research", "development", "deployment", "delivered",
    ]


def test_steps_1_1_to_4_4_with_tracks_and_kinds(flow):
    ids = [s.id for s in flow.steps]
    assert ids == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3", "4.4"]
    by_id = {s.id: s for s in flow.steps}
    assert by_id["1.3"].tracks == ("data_engineering",) and by_id["1.3"].sections == ("data_sources",)
    assert by_id["1.4"].sections == ("scope",)
    assert {s.id for s in flow.steps if s.kind == "gate"} == {"1.5", "2.4", "3.4", "4.3"}


def test_gates_cover_sections_and_name_roles(flow):
    gates = {g.name: g for g in flow.gates}
    assert set(gates) == {"scope_approval", "solution_validation", "kpi_check", "post_deployment_kpi_check"}
    assert "scope" in gates["scope_approval"].covers and gates["scope_approval"].roles == ("product",)
    assert set(gates["kpi_check"].roles) == {"product", "customer_success"}
    assert "model_test" in gates["kpi_check"].measurements
    assert "drift_check" in gates["post_deployment_kpi_check"].measurements
    for g in flow.gates:  # every covered path starts with a real section
        assert all(path.split(".")[0] in SECTION_MODELS for path in g.covers)


def test_flow_round_trips_as_json(flow):
    assert Flow.model_validate_json(flow.model_dump_json()) == flow


def test_unknown_names_raise_bad_input_listing_the_choices(flow):
    with pytest.raises(UnknownGateError, match="scope_approval"):
        flow.gate("scope_aproval")
    with pytest.raises(UnknownPhaseError, match="research"):
        flow.phase("testing")
    with pytest.raises(UnknownRoleError, match="customer_success"):
        flow.check_role("ceo")


def test_flow_with_dangling_reference_is_refused(flow):
    data = flow.model_dump(mode="json")
    data["gates"][0]["roles"] = ["chief"]
    with pytest.raises(ValueError, match="unknown role"):
        Flow.model_validate(data)
