"""Run the hand-written DuckDB SQL of Panjin's rules (`handwritten.sql`) on a generated workspace and print what
it computes: the yardstick of `engines.py`.

    python benchmarks/handwritten.py benchmarks/data/panjin-1000000-s1
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).resolve().parent / "handwritten.sql"


def main(workspace: str) -> None:
    sql = SCRIPT.read_text(encoding="utf-8").replace("{ws}", str(Path(workspace).resolve()).replace("'", "''"))
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    con = duckdb.connect()
    for statement in (part.strip() for part in "\n".join(lines).split(";\n")):  # each ends a line
        if statement.upper().startswith("SELECT"):
            for row in con.execute(statement).fetchall():
                print(*row, sep="\t")
        elif statement:
            con.execute(statement)


if __name__ == "__main__":
    main(sys.argv[1])
