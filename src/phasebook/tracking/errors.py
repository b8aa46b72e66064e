"""Errors of the MLflow link, in phasebook's one exception tree (:mod:`phasebook.core.errors`)."""

from __future__ import annotations

from ..core.errors import BadInputError, ConflictError, NotFoundError

__all__ = ["TrackingExtraMissingError", "TrackingNotConfiguredError", "TrackingUnavailableError",
           "MlflowRunNotFoundError", "ModelVersionError", "INSTALL_COMMAND"]

#: What to run when the optional extra is missing.
INSTALL_COMMAND = 'pip install "phasebook[mlflow]"'


class TrackingExtraMissingError(BadInputError):
    """MLflow is needed (tracking configured, or a run asked for) but the package is not installed."""

    code = "tracking_extra_missing"

    def describe(self) -> str:
        why = self.fields.get("why") or "This needs MLflow"
        return f"{why}, but the mlflow package is not installed. Install it with: {INSTALL_COMMAND}"


class TrackingNotConfiguredError(BadInputError):
    """An MLflow operation was asked for but ``experiment_setup.tracking_uri`` is empty."""

    code = "tracking_not_configured"

    def describe(self) -> str:
        return ("The plan names no MLflow tracking store. Set experiment_setup.tracking_uri to 'local' "
                "(a store inside the project) or to the team's server (http://host:port), then try again.")


class TrackingUnavailableError(ConflictError):
    """The tracking store answered with an error or could not be reached."""

    code = "tracking_unavailable"

    def describe(self) -> str:
        f = self.fields
        return (f"MLflow at {f.get('uri')} could not {f.get('action', 'answer')}: {f.get('problem')}. "
                "Check that the server is running and reachable (or clear experiment_setup.tracking_uri "
                "to stop tracking), then try again.")


class MlflowRunNotFoundError(NotFoundError):
    """No MLflow run with that id in the configured store."""

    code = "mlflow_run_not_found"

    def describe(self) -> str:
        return (f"MLflow at {self.fields.get('uri')} has no run {self.fields.get('run_id')!r}. "
                "Copy the run id from the MLflow UI (a 32-character hex string) and try again.")


class ModelVersionError(BadInputError):
    """A ``NAME/VERSION`` that is malformed, unknown, or not made from the run it is tested with."""

    code = "model_version_invalid"

    def describe(self) -> str:
        return f"Model version {self.fields.get('value')!r}: {self.fields.get('problem')}"
