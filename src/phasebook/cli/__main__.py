"""``python -m phasebook.cli``: the ``phasebook`` command (git's journal merge driver runs it this way)."""

from . import script

script()
