"""The demo's model per region: the development notebook fanned out over a grid of regions.

FLOW.md 2.4 and 4.2: some products need a model per customer, region or
language, and the cost of that domain adaptation must be visible. The demo
shows it with a light notebook (``workbooks/03b_region_models.ipynb``, from
``region_models.ipynb`` beside this module) run once per region through
:func:`phasebook.runner.fanout.run_grid`: each row fits the linear baseline
on its region's customers and journals a model test carrying the region as
its segment, so ``phasebook status`` shows how many regions meet each hard
metric.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any
from ..core.errors import EmptyTableError

if TYPE_CHECKING:  # pragma: no cover
    from ..core.kpis import ModelTestResult
    from ..project import Project

__all__ = ["REGION_NOTEBOOK", "REGION_GRID", "install_region_grid", "fit_region_model"]

REGION_NOTEBOOK = "workbooks/03b_region_models.ipynb"
REGION_GRID = "workbooks/regions.yaml"


def install_region_grid(project: "Project", regions: list[str]) -> tuple[str, Path]:
    """Copy the per-region notebook into the project and write its grid; return (notebook, grid path)."""
    shutil.copyfile(Path(__file__).with_name("region_models.ipynb"), project.root / REGION_NOTEBOOK)
    grid = project.root / REGION_GRID
    grid.write_text("# one development run per region: phasebook run workbooks/03b_region_models.ipynb "
                    "--grid workbooks/regions.yaml\nregion: [" + ", ".join(regions) + "]\n", encoding="utf-8")
    return REGION_NOTEBOOK, grid


def fit_region_model(project: "Project", region: str, *, region_column: str = "region", test_size: float = 0.25,
                     seed: int = 42, top_k_share: float = 0.2) -> "ModelTestResult":
    """Fit the linear baseline on one region's rows of the training source; journal its model test.

    Raises:
        BadInputError: no training source, or the region has no rows.
    """
    from ..modeling import compute_metrics
    from ..modeling.baselines import FittedModel, baseline_models, split
    from ..steps import measure

    source, label = measure.training_source(project)
    frame = measure.load_frame(project, source.name)
    part = frame[frame[region_column] == region].drop(columns=[region_column])
    if part.empty:
        known = sorted(frame[region_column].dropna().unique())
        raise EmptyTableError(label=f"The rows of {source.name} with {region_column} = {region!r}", purpose="fit",
            fix=f"Regions: {', '.join(map(str, known))}.")
    holdout = split(part, label, test_size=test_size, seed=seed)
    pipe = baseline_models(holdout.task, holdout.numeric, holdout.categorical, seed=seed)["linear"]
    pipe.fit(holdout.X_train, holdout.y_train)
    score = pipe.predict_proba(holdout.X_test)[:, 1]
    model = FittedModel(name="linear", estimator=pipe, task=holdout.task, score=score, label=(score >= 0.5).astype(int))
    hard = [m.name for _, m in project.section("scope").hard_metrics()]  # type: ignore[attr-defined]
    values = compute_metrics(hard, holdout.y_test, k=top_k_share, **model.predictions())
    details: dict[str, Any] = {"data_source": source.name, "label": label, "rows": len(part),
                               "holdout_rows": len(holdout.y_test), "seed": seed, "region_column": region_column}
    return project.test_model(values, model="linear per region", segment=region, details=details)
