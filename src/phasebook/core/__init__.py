"""phasebook's core: the flow, the plan's models, events, status and model tests.

Plain Python and pydantic only: nothing here imports Jupyter, papermill,
tornado or ipywidgets (an import-linter contract and a test keep it so).
"""

from .errors import *  # noqa: F401,F403
from .events import Actor, Event
from .flow import Flow, default_flow
from .kpis import ModelTestResult, judge
from .sections import SECTION_MODELS
from .status import ProjectStatus, fold

__all__ = ["Actor", "Event", "Flow", "default_flow", "ModelTestResult", "judge", "SECTION_MODELS", "ProjectStatus", "fold"]
