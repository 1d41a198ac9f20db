"""The one registry of every code crossmarket emits: diagnostics of the language (E1xx syntax, E2xx
names, E3xx types, E4xx head office's schema, E5xx other semantic rules, W… warnings), reasons a ledger
row is rejected (R…), errors of tables and workspaces (T…), and mistakes on the command line (U…).

A code is added here before it is emitted anywhere: a test fails on any emitted code this catalogue
lacks, and `docs/codes.md` is generated from it (`python -m crossmarket_dsl.core.codes > docs/codes.md`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str  # one lowercase line
    article: str | None = None  # the measure's article it serves, e.g. "第二十条"
    example: str = ""  # what causes it, as a user would write it
    fix: str = ""  # how to fix it


def _catalogue(*codes: Code) -> dict[str, Code]:
    catalogue: dict[str, Code] = {}
    for entry in codes:
        assert entry.code not in catalogue, f"{entry.code} is listed twice"
        catalogue[entry.code] = entry
    return catalogue


CODES = _catalogue(
    # ---- E1xx syntax ----
    Code("E100", "the parser failed on this file in an unexpected way"),
    Code("E101", "a character that has no place here"),
    Code("E102", "the file is empty"),
    Code("E103", "unexpected text: something is missing or misplaced"),
    Code("E104", "a text (`\"…\"`) is not closed on its line"),
    Code("E105", "an expression too long or nested too deeply to read"),
    Code("E106", "a literal whose value cannot be read (a number, percentage, magnitude or date)"),
    Code("E107", "a token whose value cannot be read"),
    # ---- E2xx names ----
    Code("E201", "an unknown name"),
    Code("E202", "an unknown function"),
    Code("E203", "an unknown department"),
    Code("E204", "a gate for an unknown product"),
    Code("E208", "the measure the rules implement cannot be found"),
    Code("E209", "the measure names no schema"),
    Code("E210", "a name declared twice"),
    Code("E211", "a rules file redeclares what the measure declares"),
    Code("E212", "a rules file declares what only the measure may declare"),
    Code("E213", "a branch's split may only choose `by`"),
    Code("E214", "`set` of an unknown parameter"),
    Code("E215", "a product that is not in head office's catalogue"),
    Code("E216", "a header line is missing"),
    Code("E217", "a second file declares itself head office's measure",
         example="a `measure` file among the branches' rules under `policies/`",
         fix="only head office's measure in `policies/measure/` (or the one crossmarket ships) counts: remove the copy"),
    # ---- E3xx types ----
    Code("E301", "an operand of the wrong type"),
    Code("E302", "a function called with the wrong number of arguments"),
    # ---- E4xx head office's schema ----
    Code("E401", "a value below or above head office's bound"),
    Code("E402", "a value head office fixes exactly", "第十九条"),
    Code("E403", "a product outside head office's catalogue", "第二条"),
    Code("E404", "a corporate department without target criteria", "第九条"),
    Code("E405", "no reward pool", "第二十二条"),
    Code("E406", "a mandated gate of the measure is missing"),
    Code("E407", "the rules break head office's schema"),
    Code("E408", "expressions nested too deeply to check against the schema"),
    Code("E409", "the schema cannot be read"),
    # ---- E5xx other semantic rules ----
    Code("E501", "target criteria for a department that is not corporate", "第九条"),
    Code("E502", "a deal field outside an aggregate in a gate that is not on deals"),
    Code("E503", "an aggregate outside a gate"),
    Code("E504", "a name that is not available in this place"),
    Code("E505", "host and participant shares do not add up to 100%", "第十九条"),
    Code("E506", "the effective period ends before it starts, or lies outside the measure's"),
    Code("E507", "a gate needs a product's target, and the product has none"),
    Code("E508", "a product without `points`"),
    Code("E509", "a percentage outside 0–100%"),
    Code("E510", "a value that must be positive"),
    Code("E511", "a reward pool that is not a whole number of rounding units", "第二十二条",
         "pool 350万  rounding 1000000", "choose a unit that divides the pool, e.g. `rounding 1`"),
    Code("E512", "a rounding unit that is not a whole number of fens, or a pool beyond 1亿亿", "第二十二条",
         "rounding 1 / 3", "round to 0.01, 1 or a larger unit; write the pool in yuan"),
    Code("E513", "a constant with more than 30 digits before the point", None,
         "let 大 = 1亿 * 1亿 * 1亿 * 1亿", "amounts need at most 30 digits: look for a repeated factor"),
    Code("E514", "a pool, unit, share, scale or number of days that is empty or not a number", None,
         "otherwise scale null", "write a number, e.g. `80%`"),
    # ---- W… warnings ----
    Code("W201", "a declaration that nothing uses"),
    # ---- R… rejected ledger rows ----
    Code("R001", "duplicate deal_id (the first row is kept)"),
    Code("R002", "bad or missing date"),
    Code("R003", "outside the effective period"),
    Code("R004", "unknown or unconfigured product"),
    Code("R005", "bad quantity"),
    Code("R006", "client not on the target list", "第八条"),
    Code("R007", "no participating department", "第十九条"),
    Code("R008", "unknown participant or host named as participant", "第十九条"),
    Code("R009", "declared shares invalid", "第十九条"),
    Code("R010", "rejected by audit", "第二十一条"),
    Code("R011", "points not computable"),
    Code("R012", "points condition false"),
    # ---- U… the command line ----
    Code("U101", "a month that is not a calendar month", example="`--month 2026-13`", fix="write it as YYYY-MM"),
    Code("U102", "`test` given a file that is not a policy test", example="`crossmarket test rules.xm`",
         fix="give the `*.test.yaml` file or the folder holding it"),
    # ---- T… tables and workspaces ----
    Code("T101", "a quoted cell runs past the end of its line", None, '2026-03-01,"王五,个人理财',
         "remove the stray `\"` or close it on the same line; a cell cannot hold a line break"),
    Code("T102", "a CSV cell of more than 16 MiB (16,777,216 characters)", None, "",
         "look for a `\"` that opens a cell on this line and never closes"),
)
