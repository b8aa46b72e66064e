"""phasebook: a data-science project from product need to monitored model, in Jupyter.

The public API is :class:`Project`; everything else (CLI, forms, dashboards,
server) calls it.
"""

from ._version import __version__

__all__ = ["Project", "__version__"]


def __getattr__(name):  # lazy, so `import phasebook.core` stays light
    if name == "Project":
        from .project import Project

        return Project
    raise AttributeError(name)
