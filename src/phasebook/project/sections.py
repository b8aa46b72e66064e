"""Typed access to the plan's sections: ``project.sections.scope`` is a :class:`~phasebook.core.sections.Scope`.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
Surfaces and notebook steps read a section by attribute, with its model's
type, instead of ``plan().sections["scope"]`` with a string key (which a
typo turns into a ``KeyError`` at run time and a type checker cannot see).
Each read loads the plan as it is on disk now, like :meth:`Project.section`.
"""

from __future__ import annotations

from typing import Any

from ..core.sections import (
    DataSources,
    Deployment,
    ExperimentSetup,
    Ideas,
    KpiReview,
    Literature,
    Monitoring,
    ProductNeed,
    Scope,
    TechnicalCheck,
)

__all__ = ["PlanSections", "SectionAccess"]


class PlanSections:
    """The plan's sections, each a typed attribute read from the plan on disk."""

    def __init__(self, project: Any) -> None:
        self._project = project

    def _get(self, name: str) -> Any:
        return self._project.section(name)

    @property
    def product_need(self) -> ProductNeed:
        return self._get("product_need")

    @property
    def ideas(self) -> Ideas:
        return self._get("ideas")

    @property
    def data_sources(self) -> DataSources:
        return self._get("data_sources")

    @property
    def scope(self) -> Scope:
        return self._get("scope")

    @property
    def literature(self) -> Literature:
        return self._get("literature")

    @property
    def technical_check(self) -> TechnicalCheck:
        return self._get("technical_check")

    @property
    def experiment_setup(self) -> ExperimentSetup:
        return self._get("experiment_setup")

    @property
    def kpi_review(self) -> KpiReview:
        return self._get("kpi_review")

    @property
    def deployment(self) -> Deployment:
        return self._get("deployment")

    @property
    def monitoring(self) -> Monitoring:
        return self._get("monitoring")


class SectionAccess:
    """``project.sections``: the typed section accessors."""

    @property
    def sections(self) -> PlanSections:
        """The plan's sections as typed attributes (``project.sections.monitoring.schedule``)."""
        return PlanSections(self)
