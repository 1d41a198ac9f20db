"""crossmarket's own fuzzers: Hypothesis strategies for every input a user hands us (rules files, ledgers,
`workspace.yaml`, policy tests, the filing register), the properties every run must keep, and a corpus of
the shapes that once broke it.

`tests/test_fuzz.py` runs a bounded number of examples of each category in CI; `python fuzz/run.py
--examples 2000` runs a long campaign and prints the count of each outcome by category.
"""
