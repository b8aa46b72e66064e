"""phasebook: a data-science project from product need to monitored model, in Jupyter.

The public API is :class:`Project`; everything else (CLI, forms, dashboards,
server) calls it.
"""

from ._version import __version__

__all__ = ["Project", "__version__"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Where jupyter_server finds the extension (enabled by the shipped config)."""
    return [{"module": "phasebook.server"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """The built JupyterLab extension, for ``jupyter-builder develop``."""
    return [{"src": "labextension", "dest": "phasebook"}]


def __getattr__(name):  # lazy, so `import phasebook.core` stays light
    if name == "Project":
        from .project import Project

        return Project
    raise AttributeError(name)
