"""Evaluation. The engines that can run the rows stage, by name, are here so that the command line can offer
them without loading any (`evaluate.ENGINES` maps each name to its engine)."""

REFERENCE = "python"  # the row loop (`rows.py`)
ENGINE_NAMES = (REFERENCE, "duckdb", "spark")
DEFAULT_ENGINE = REFERENCE
