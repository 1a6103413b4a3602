"""elshi: a self-hosted digital-diplomacy workbench."""

__version__ = "0.1.0"
