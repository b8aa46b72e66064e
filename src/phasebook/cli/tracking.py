"""The MLflow commands: ``test-model`` (from an MLflow run or given values) and ``tracking sync``.

Both call :class:`~phasebook.Project` / :mod:`phasebook.tracking`; a missing
``mlflow`` package is a clear exit 2 naming ``pip install "phasebook[mlflow]"``.
"""

from __future__ import annotations

import click
from rich.console import Console

from .app import cli, console, open_project, print_json
from ..core.named_errors import ConflictingOptionsError, InvalidValueError
from ..core.errors import MissingInputError

__all__ = ["test_model_cmd", "tracking_group", "print_registry_warnings"]


def _values(pairs: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, number = pair.partition("=")
        try:
            out[name.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise InvalidValueError(what="--value", value=pair, expected="NAME=NUMBER, e.g. --value roc_auc=0.83")
    return out


@cli.command(name="test-model")
@click.option("--mlflow-run", "run_id", default=None, help="Judge the metrics this MLflow run logged.")
@click.option("--model-version", default=None, help="NAME/VERSION of the registered model made from the run.")
@click.option("--value", "values", multiple=True, help="A measured value NAME=NUMBER (repeatable), instead of a run.")
@click.option("--model", default=None, help="A label for the model (default: the version or the run's name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def test_model_cmd(ctx: click.Context, run_id: str | None, model_version: str | None, values: tuple[str, ...],
                   model: str | None, as_json: bool) -> None:
    """Test a model against the scope's hard metrics and journal it (step 3.3)."""
    if run_id is None and not values:
        raise MissingInputError(what="what to test", where="--mlflow-run RUN_ID, or measured values with --value NAME=NUMBER")
    if run_id is not None and values:
        raise ConflictingOptionsError(options=["--mlflow-run", "--value"], reason="give one: a run's test uses its logged metrics")
    if model_version and run_id is None:
        raise MissingInputError(what="the MLflow run the model version was registered from",
            where="--model-version binds that version; add --mlflow-run RUN_ID")
    project = open_project(ctx)
    if run_id is not None:
        result = project.test_model_from_mlflow(run_id, model_version=model_version, model=model)
    else:
        result = project.test_model(_values(values), model=model or "model")
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    verdict = "passed" if result.passed else "not passed"
    console.print(f"Model test of {result.model}: {verdict}", markup=False)
    for r in result.results:
        value = "—" if r.value is None else f"{r.value:g}"
        target = "" if r.target is None else f" (target {r.comparator} {r.target:g})"
        console.print(f"  {r.metric} = {value}{target}: {r.outcome.replace('_', ' ')}", markup=False)


@cli.group(name="tracking")
def tracking_group() -> None:
    """MLflow: the registry follows the journal's approvals."""


@tracking_group.command(name="sync")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def sync_cmd(ctx: click.Context, as_json: bool) -> None:
    """Set / remove approval aliases as the journal says; exit 1 when the registry was changed outside phasebook."""
    from ..tracking import sync

    report = sync(open_project(ctx))
    if as_json:
        print_json(report.to_dict())
    else:
        for a in report.actions:
            console.print(f"{a['action'].replace('_', ' ')} @{a['alias']} · {a['name']} v{a['version']}"
                          + (f" ({a['reason']})" if a.get("reason") else ""), markup=False)
        for w in report.warnings:
            console.print(f"warning: {w}", markup=False, style="bold yellow", soft_wrap=True)
        if not report.actions and not report.warnings:
            console.print("The registry agrees with the journal.")
    if report.warnings:
        ctx.exit(1)


def print_registry_warnings(out: Console, project) -> list[str]:
    """Print where the registry (as last observed) disagrees with the journal; return the warnings."""
    from ..tracking import registry_warnings

    warnings = registry_warnings(project)
    for w in warnings:
        out.print(f"registry: {w}", markup=False, style="bold yellow", soft_wrap=True)
    return warnings
