"""Evaluation. The engines that can run the rows stage, by name, are here so that the command line can offer
them without loading any (`evaluate.ENGINES` maps each name to its engine); workspace.yaml names them too,
so the names themselves are the io wing's."""

from ..io import ENGINE_NAMES

REFERENCE = ENGINE_NAMES[0]  # the row loop (`rows.py`)
DEFAULT_ENGINE = ENGINE_NAMES[1]  # DuckDB (`columnar.py`): the same results, many times faster on a large ledger
TEST_ENGINE = REFERENCE
"""Policy tests run on the reference by default: a test's tables are a few rows, and the reference is what
defines the rules' meaning (`--engine` runs them on another)."""
