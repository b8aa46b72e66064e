"""``status --require GATE``: the CI check that a gate is approved and fresh."""

from __future__ import annotations

from .flow import Flow
from .status import ProjectStatus

__all__ = ["unmet_requirements"]


def unmet_requirements(flow: Flow, st: ProjectStatus, gates: list[str]) -> list[str]:
    """One sentence per required gate that is not approved with every approval fresh (empty: all met).

    Raises:
        UnknownGateError: a name is not a gate of the flow.
    """
    out = []
    for name in gates:
        flow.gate(name)  # an unknown name is bad input, not an unmet gate
        g = st.gates[name]
        if g.state == "approved":
            continue
        why = f"gate {name} is {g.state.replace('_', ' ')}"
        if g.missing_roles:
            why += f" (approval still needed from: {', '.join(g.missing_roles)})"
        if g.changed_sections:
            why += f" (changed since approval: {', '.join(g.changed_sections)})"
        out.append(why)
    return out
