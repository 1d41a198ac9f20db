"""Tables, workbooks, workspace.yaml and exact JSON in and out."""

ENGINE_NAMES = ("python", "duckdb", "spark")
"""What may run the rows stage, the reference row loop first: named on the command line (`--engine`) or in
workspace.yaml (`engine:`); the engines themselves are in `engine/`."""
