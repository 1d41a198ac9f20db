"""The rows query (`sqlplan.py`) as the text a database runs: sqlglot renders the one tree in each dialect,
and this adds what a dialect needs beyond the rendering, so that every database computes the same.

The tree is written with DuckDB's `TRY` (a product too large for `DECIMAL(38, 12)` is null) and `TRY_CAST`
(a cell that is not a number or a date is null, never an error):

- `spark`: Spark SQL has `TRY_CAST`, and computes `TRY` itself once the session is set as `SETTINGS`
  says (no ANSI errors, no decimal places given up in a product): the Spark engine sets them, and the
  script `compile --sql spark` prints begins with them;
- `INT128`, the whole numbers the completion is divided in, is `DECIMAL(38, 0)` on Spark and `NUMERIC` on
  PostgreSQL;
- `postgres`: `TRY_CAST` becomes a cast guarded by `pg_input_is_valid` (PostgreSQL 16 and later),
  `ENDS_WITH` and `REGEXP_EXTRACT` their PostgreSQL spellings; a product past 26 digits is an error there.
"""

from __future__ import annotations

import functools
import itertools

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.spark import Spark


DIALECTS = ("duckdb", "spark", "postgres")
SETTINGS = {
    "spark": {
        "spark.sql.ansi.enabled": "false",  # a cast or a product that does not fit is null, as `TRY` makes it
        "spark.sql.decimalOperations.allowPrecisionLoss": "false",  # DECIMAL(38, 12) keeps its 12 places
        "spark.sql.caseSensitive": "true",  # `Amount` and `amount` are two columns, as in the ledger
    },
}
"""The session settings the query needs in each dialect, before it runs."""


def render(query: exp.Expression, dialect: str, pretty: bool = False) -> str:
    """The query's text in `dialect` (one of `DIALECTS`)."""
    return query.sql(dialect=_DIALECTS.get(dialect, dialect), pretty=pretty, copy=False)  # the tree stays as it is


def settings_sql(dialect: str) -> list[str]:
    """`SET` statements of the settings the dialect needs, as a script begins with them."""
    return [f"SET {key} = {value};" for key, value in SETTINGS.get(dialect, {}).items()]


def spelled_out(tree: exp.Expression) -> exp.Expression:
    """`tree` with each text literal holding a character a printed script cannot show — a tab, a carriage
    return, a full-width space 　 — written as the literal's printable parts and `CHR(code)` joined by `||`:
    an editor or a line-ending conversion would change the raw character, or hide it."""
    def swap(node):
        if isinstance(node, exp.Literal) and node.is_string and not node.this.isprintable():
            parts: list[exp.Expression] = []
            for printable, group in itertools.groupby(node.this, str.isprintable):
                parts += [exp.Literal.string("".join(group))] if printable else \
                    [exp.Chr(expressions=[exp.Literal.number(ord(char))]) for char in group]
            return exp.paren(functools.reduce(lambda left, right: exp.DPipe(this=left, expression=right, safe=True),
                                              parts), copy=False)
        return node
    return tree.transform(swap, copy=False)


def _spark_chr(self, node: exp.Chr) -> str:
    """Spark's `CHR` makes ASCII only: a character past it from its UTF-8 bytes."""
    code = int(node.expressions[0].name)
    return f"CHR({code})" if code < 128 else f"DECODE(UNHEX('{chr(code).encode().hex().upper()}'), 'UTF-8')"


class _Spark(Spark):
    """Spark SQL, `TRY` left to the session's settings (written as the expression it guards)."""

    class Generator(Spark.Generator):
        TRANSFORMS = {**Spark.Generator.TRANSFORMS, exp.Try: lambda self, node: self.sql(node, "this"),
                      exp.Chr: _spark_chr}
        TYPE_MAPPING = {**Spark.Generator.TYPE_MAPPING, exp.DataType.Type.INT128: "DECIMAL(38, 0)"}


def _try_cast(self, node: exp.TryCast) -> str:
    text, kind = self.sql(node, "this"), self.sql(node, "to")
    return f"CASE WHEN PG_INPUT_IS_VALID({text}, '{kind}') THEN CAST({text} AS {kind}) END"


def _regexp_extract(self, node: exp.RegexpExtract) -> str:
    text, pattern = self.sql(node, "this"), self.sql(node, "expression")
    group = int(node.args["group"].name) if node.args.get("group") else 0
    if not group:
        pattern, group = f"'(' || {pattern} || ')'", 1
    return f"COALESCE((REGEXP_MATCH({text}, {pattern}))[{group}], '')"  # DuckDB's: '' when nothing matches


class _Postgres(Postgres):
    """PostgreSQL, with DuckDB's `TRY_CAST`, `ENDS_WITH` and `REGEXP_EXTRACT` in its own words."""

    class Generator(Postgres.Generator):
        TRANSFORMS = {
            **Postgres.Generator.TRANSFORMS,
            exp.Try: lambda self, node: self.sql(node, "this"),
            exp.TryCast: _try_cast,
            exp.EndsWith: lambda self, node: (f"(RIGHT({self.sql(node, 'this')}, LENGTH({self.sql(node, 'expression')})) "
                                              f"= {self.sql(node, 'expression')})"),
            exp.RegexpExtract: _regexp_extract,
        }
        TYPE_MAPPING = {**Postgres.Generator.TYPE_MAPPING, exp.DataType.Type.INT128: "NUMERIC"}


_DIALECTS = {"spark": _Spark, "postgres": _Postgres}
