"""`python -m crossmarket_dsl …` runs the `crossmarket` command."""

from .cli import main

main()
