"""crossmarket: a bank's corporate–retail cross-selling rules (公私联动交叉营销) as code.

The pipeline, one module a stage:
source → grammar/parser → ast → lower (IR) → checks → schema → evaluate → render → cli.
"""

__version__ = "0.1.0"
