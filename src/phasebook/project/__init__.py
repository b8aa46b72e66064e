"""The :class:`Project` facade: the one API every surface calls.

The CLI, the forms, the dashboards, the server extension and the notebooks
all go through :class:`Project`; none of them re-implements a rule. A project
is a folder holding ``phasebook.yaml`` (the plan) and ``journal.jsonl`` (the
events); its status is derived from both on demand.

The facade is one class made of parts, one module each: the folder, plan,
journal and status (``base``), integrity of the record (``integrity``),
sign-offs and delegations (``signing``), findings (``findings``), moves
between phases (``transitions``), model tests and review samples
(``modeltests``), the data engine (``datawork``), and running notebooks
(``runs``, over the papermill engine in :mod:`phasebook.runner`), and typed
section accessors (``sections``: ``project.sections.scope``). The rules themselves
live in :mod:`phasebook.core`; these parts only read, check and append.
"""

from __future__ import annotations

from ..store import bundle as record_data  # the exported record's data, for surfaces (issue 17)
from ..store.guard import lock_to_signoffs, locked
from ..store.plan import dump_yaml, parse_yaml, validate_section
from ..store.yaml import read_yaml_file
from .base import DECISION_KINDS, GITIGNORE, ProjectBase, default_actor, workbook_templates
from .datawork import DataOps
from .findings import FindingOps
from .integrity import IntegrityOps
from .modeltests import ModelOps
from .runs import RunOps
from .sections import SectionAccess
from .signing import SigningOps
from .transitions import TransitionOps

__all__ = ["Project", "default_actor", "workbook_templates", "dump_yaml", "parse_yaml", "read_yaml_file", "validate_section",
           "lock_to_signoffs", "locked", "record_data", "DECISION_KINDS", "GITIGNORE"]
# Re-exported for surfaces (cli, widgets, dashboards, server), which import the facade, never ``store``:
# the plan's text format with its parser limits, section validation, the viewer-kernel write lock, and the
# exported record's data layer (issue 17).


class Project(ProjectBase, IntegrityOps, SigningOps, FindingOps, TransitionOps, ModelOps, DataOps, RunOps, SectionAccess):
    """A phasebook project on disk.

    Use :meth:`new` or :meth:`open`; both return a ready project.
    """
