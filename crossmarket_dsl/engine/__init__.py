"""Evaluation. The engines that can run the rows stage, by name, are here so that the command line can offer
them without loading any (`evaluate.ENGINES` maps each name to its engine); workspace.yaml names them too,
so the names themselves are the io wing's."""

from ..io import ENGINE_NAMES

REFERENCE = ENGINE_NAMES[0]  # the row loop (`rows.py`)
DEFAULT_ENGINE = REFERENCE
