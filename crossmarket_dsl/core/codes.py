"""The one registry of every code crossmarket emits.

| letter | what |
|---|---|
| E1xx–E5xx | diagnostics of a rules or measure file: syntax, names, types, head office's schema, other rules |
| W… | warnings: the file is usable, but something is probably not what the author meant |
| R… | why a ledger row is rejected (it earns nothing and is listed with the code) |
| T1xx, T2xx | a table (ledger, register, lists) that cannot be read, or whose content cannot be used |
| S… | `workspace.yaml`, the period and month of a run, a file that cannot be read |
| P… | policy test files (`*.test.yaml`) |
| I… | `init` |
| A… | the spot-check sample and the audit, the sealed statement and its objections, the year's approval (art. 21, 23) |
| F… | head office's register of filings (art. 24) |
| K… | offices' signing keys, the trust file, and the signed records of the register (art. 24) |
| U… | the command line |

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
    Code("E100", "the parser failed on this file in an unexpected way", None,
         "a file that trips a defect of crossmarket's parser", "report it with the file; meanwhile simplify the line it names"),
    Code("E101", "a character that has no place here", None,
         "`points 10 per unit；` (a full-width semicolon)", "delete the character or use its half-width form"),
    Code("E102", "the file is empty", None, "a rules file with nothing in it",
         "start from `crossmarket init BRANCH`, which writes a file pre-filled from the measure"),
    Code("E103", "unexpected text: something is missing or misplaced", None,
         "`product 信用卡 { points 1 per unit target }`", "the message names what was expected there; add it or remove the extra text"),
    Code("E104", "a text in quotes is not closed on its line", None, '`branch "盘锦分行`', 'close the text with `"`'),
    Code("E105", "an expression too long or nested too deeply to read", None,
         "thousands of nested parentheses", "split it with `let` constants"),
    Code("E106", "a literal whose value cannot be read", None, "`effective 2026-02-30 to 2026-12-31`",
         "write numbers like `1_000`, percentages like `85%`, dates like `2026-01-01`"),
    Code("E107", "a word whose value cannot be read", None, "a magnitude like `5万万`", "write the number plainly"),
    # ---- E2xx names ----
    Code("E201", "an unknown name", None, "`target target_rato * product.indicator`",
         "use a parameter of the measure, a `let` of this file or a field such as `deal.amount`; the help names the closest"),
    Code("E202", "an unknown function", None, "`points mn(deal.amount, 10) per deal`",
         "the functions are `min`, `max`, `round`, `abs` and, in gates, `count`, `sum`, `average`, `minimum`, `maximum`"),
    Code("E203", "an unknown department", None, "`targets for 公司业物部 { … }`",
         "use a department the measure declares (公司业务部, 机构业务部, 房地产信贷部, 个人金融部, …)"),
    Code("E204", "a gate for an unknown product", None, "`gate 按揭 on project for 住房贷款 { … }`",
         "name a product of head office's catalogue"),
    Code("E208", "the measure the rules implement cannot be found", None,
         '`implements "商业银行公私联动交叉营销管理办法" version "2027"`',
         "give `--measure FILE`, or name a version head office has published"),
    Code("E209", "the measure names no schema", None, "a measure header without `schema \"head-office-2026\"`",
         "add the `schema` line to the measure's header"),
    Code("E210", "a name declared twice", None, "two `product 信用卡 { … }` blocks", "keep one declaration"),
    Code("E211", "a rules file redeclares what the measure declares", None, "`param completion_floor = 60%` in a rules file",
         "change a measure parameter with `set completion_floor = 60%`"),
    Code("E212", "a rules file declares what only the measure may declare", None, "`department 新部门 retail` in a rules file",
         "departments, parameters and the catalogue are head office's; ask head office to change the measure"),
    Code("E213", "a branch's split may only choose `by`", "第十九条", "`split { host 30% }` in a rules file",
         "the shares are head office's (art. 19); a branch writes only `split { by declared }` or `by equal`"),
    Code("E214", "`set` of an unknown parameter", None, "`set mortage_exclusive = 90%`",
         "use a parameter the measure declares; the help names the closest"),
    Code("E215", "a product that is not in head office's catalogue", "第二条", "`product 外汇 { … }`",
         "configure only products of the catalogue"),
    Code("E216", "a header line is missing", None, "a rules header without `branch \"…\"`",
         "a rules header has `implements`, `branch` and `effective`; a measure header has `issuer` and `schema`"),
    # ---- E3xx types ----
    Code("E217", "a second file declares itself head office's measure", None,
         "a `measure` file among the branches' rules under `policies/`",
         "only head office's measure in `policies/measure/` (or the one crossmarket ships) counts: remove the copy"),
    # ---- E3xx types ----
    Code("E301", "an operand of the wrong type", None, '`client.rating > 3` where the rating is text like "AA"',
         "compare like with like: numbers with numbers, text with text, dates with dates"),
    Code("E302", "a function called with the wrong number of arguments", None, "`round(deal.amount)`",
         "the message says how many arguments the function takes"),
    # ---- E4xx head office's schema ----
    Code("E401", "a value below or above head office's bound", None, "`set mortgage_exclusive = 80%`",
         "keep the value within the bound the help names, with its article"),
    Code("E402", "a value head office fixes exactly", "第十九条", "`set host_share = 30%`",
         "leave the value at head office's figure"),
    Code("E403", "a product outside head office's catalogue", "第二条", "a product code head office does not list",
         "configure only products of the catalogue"),
    Code("E404", "a corporate department without target criteria", "第九条", "no `targets for 机构业务部 { … }` block",
         "write at least one target-client criterion for each of 公司业务部, 机构业务部 and 房地产信贷部"),
    Code("E405", "no reward pool", "第二十二条", "a rules file without a `reward { pool … }` block",
         "declare the year's reward pool, e.g. `reward { pool 200万 allocate pro_rata rounding 0.01 half_up }`"),
    Code("E406", "a mandated gate of the measure is missing", None, "a measure without `产品完成率下限`",
         "keep the gates head office mandates"),
    Code("E407", "the rules break head office's schema", None, "a value of a shape head office does not accept",
         "the message names the value and the rule; change the value"),
    Code("E408", "expressions nested too deeply to check against the schema", None, "thousands of nested parentheses",
         "split the expression with `let` constants"),
    Code("E409", "the schema cannot be read", None, "`--schema broken.json`", "give head office's schema file"),
    Code("E410", "a spot-check seed in a branch's rules", "第二十一条", '`audit { spot_check 10%  seed "盘锦-2026" }`',
         "remove `seed`: 内控合规部 commits its own secret with `crossmarket audit commit`"),
    # ---- E5xx other semantic rules ----
    Code("E501", "target criteria for a department that is not corporate", "第九条", "`targets for 个人金融部 { … }`",
         "target clients belong to 公司业务部, 机构业务部 or 房地产信贷部"),
    Code("E502", "a deal field outside an aggregate in a gate that is not on deals", None,
         "`gate 大额 on client { require deal.amount > 1万 }`", "aggregate it: `sum(deal.amount) > 1万`"),
    Code("E503", "an aggregate outside a gate", None, "`points sum(deal.amount) per deal`",
         "aggregates (`count`, `sum`, `average`, `minimum`, `maximum`) belong in gates"),
    Code("E504", "a name that is not available in this place", None, "`project.total_mortgages` in a product's points",
         "the message says which fields this place can read"),
    Code("E505", "host and participant shares do not add up to 100%", "第十九条", "`host 30%  participants 80%`",
         "make the shares add up to 100%"),
    Code("E506", "the effective period ends before it starts, or lies outside the measure's", None,
         "`effective 2026-12-31 to 2026-01-01`", "give the period's first and last day in order, inside the measure's"),
    Code("E507", "a gate needs a product's target, and the product has none", "第二十二条", "a product without `target`",
         "give the product a `target`"),
    Code("E508", "a product without `points`", "第十八条", "`product 信用卡 { target 300 }`", "add a `points … per unit` line"),
    Code("E509", "a percentage outside 0–100%", None, "`set completion_floor = 150%`", "give a share between 0% and 100%"),
    Code("E510", "a value that must be positive", None, "`target 0`", "give a number above zero"),
    Code("E511", "a reward pool that is not a whole number of rounding units", "第二十二条",
         "`pool 350万  rounding 1000000`", "choose a unit that divides the pool, e.g. `rounding 1`"),
    Code("E512", "a rounding unit that is not a whole number of fens, or a pool beyond 1亿亿", "第二十二条",
         "`rounding 1 / 3`", "round to 0.01, 1 or a larger unit; write the pool in yuan"),
    Code("E513", "a constant with more than 30 digits before the point", None,
         "`let 大 = 1亿 * 1亿 * 1亿 * 1亿`", "amounts need at most 30 digits: look for a repeated factor"),
    Code("E514", "a pool, unit, share, scale or number of days that is empty or not a number", None,
         "`otherwise scale null`", "write a number, e.g. `80%`"),
    # ---- W… warnings ----
    Code("W201", "a declaration that nothing uses", None, "`let 基础分 = 5` that no expression reads",
         "use it or delete it"),
    # ---- R… rejected ledger rows ----
    Code("R001", "duplicate deal_id", None, "two ledger rows with deal id `PJ2026-00003`",
         "the first row is kept; give each deal its own id, or delete the copy"),
    Code("R002", "bad or missing date", None, "`2026-04-31` or an empty date cell", "write the deal's date as YYYY-MM-DD"),
    Code("R003", "outside the effective period", None, "a 2025 deal in the 2026 ledger", "file it in its own year's ledger"),
    Code("R004", "unknown or unconfigured product", "第二条", "`基金定投` when the rules configure no such product",
         "use a product name or code the rules configure"),
    Code("R005", "bad quantity", None, "a quantity of `0` or `-2`", "write the number of units, above zero"),
    Code("R006", "client not on the target list", "第八条", "a deal with a client the list does not hold at its date",
         "add the client to the target list (art. 8) or correct the client number"),
    Code("R007", "no participating department", "第十九条", "an empty `participants` cell",
         "name the departments, other than the host, that took part: a cross-sale needs at least one"),
    Code("R008", "unknown participant or host named as participant", "第十九条", "`公司业物部` or the host itself",
         "name the participating departments exactly as the measure does"),
    Code("R009", "declared shares invalid", "第十九条", "`电子银行部:60;信用卡中心:30`", "make the declared shares add up to 100"),
    Code("R010", "rejected by audit", "第二十一条", "internal control's verdict `rejected`",
         "the audit note says why; a corrected deal is entered anew"),
    Code("R011", "points not computable", None, "a points expression dividing by an empty `amount` cell",
         "fill in the cells the points expression reads"),
    Code("R012", "points condition false", None, "`points 1 per unit when deal.activated` on a card not activated",
         "only deals meeting the product's condition earn points"),
    # ---- T1xx reading a table ----
    Code("T101", "a table lacks columns the rules read", None, "a ledger without an `amount` column under rules that read `deal.amount`",
         "add the column; the message names each one and why it is needed"),
    Code("T102", "a table's file cannot be read", None, "a ledger open in another program, or without read permission",
         "close it elsewhere or fix its permissions"),
    Code("T103", "a table is empty: it has no header row", None, "an empty `deals.csv`",
         "the first row names the columns, e.g. `deal_id,date,product,amount`"),
    Code("T104", "a header cell is empty", None, "merged header cells in Excel", "give every column a name; unmerge header cells"),
    Code("T105", "two header cells have the same name", None, "two `amount` columns", "give every column its own name"),
    Code("T106", "a row has more values than the header names", None, "`1,000` unquoted in a CSV amount",
         "quote values that contain a comma, remove title rows above the header"),
    Code("T107", "a file crossmarket cannot read as a table", None, "`deals.pdf`",
         "save it as CSV (`.csv`), Excel workbook (`.xlsx`) or JSON Lines (`.jsonl`)"),
    Code("T108", "a table's path is a folder", None, "`tables: {deals: ledgers}` naming a folder", "name the file"),
    Code("T109", "a table's file does not exist", None, "`deal.csv` for `deals.csv`", "check the name; the help names the closest file"),
    Code("T110", "an Excel workbook named like a text table", None, "`deals.csv` that is really a workbook",
         "rename it to end in `.xlsx`, or save it from Excel as CSV"),
    Code("T111", "an unknown encoding", None, "`--encoding gbk2`", "use `utf-8`, `gb18030` or `big5`"),
    Code("T112", "a text table cannot be decoded", None, "a file saved in an encoding neither UTF-8 nor GB18030",
         "save it from Excel as `CSV UTF-8`, or name its encoding with `--encoding`"),
    Code("T115", "an Excel workbook named like a text table (streamed ledger)", None, "`deals.csv` that is really a workbook",
         "rename it to end in `.xlsx`, or save it from Excel as CSV"),
    Code("T116", "an unknown encoding (streamed ledger)", None, "`--encoding gbk2`", "use `utf-8`, `gb18030` or `big5`"),
    Code("T117", "a JSON Lines table is empty", None, "an empty `deals.jsonl`", "write one JSON object a line"),
    Code("T118", "a JSON Lines line is not valid JSON", None, "`{deal_id: D1}` without quotes", 'write `{"deal_id": "D1"}`'),
    Code("T119", "a JSON Lines line is not an object", None, '`["D1", "2026-03-01"]`', "write one JSON object a line"),
    Code("T120", "an Excel workbook that cannot be opened", None, "a damaged or password-protected `.xlsx`",
         "open it in Excel and save it again as `.xlsx`"),
    Code("T121", "an Excel workbook has no such sheet", None, "`ledger.xlsx#三月` when the sheet is `3月`",
         "the help lists the workbook's sheets"),
    Code("T122", "a quoted cell runs past the end of its line", None, '`2026-03-01,"王五,个人理财`',
         "remove the stray `\"` or close it on the same line; a cell cannot hold a line break"),
    Code("T123", "a CSV cell of more than 16 MiB (16,777,216 characters)", None, "a `\"` that opens a cell and never closes",
         "look for a `\"` that opens a cell on this line and never closes"),
    Code("T124", "a workbook whose sheets would unpack to more than 1 GiB", None,
         "150 KB of zip declaring 2.9 GB of sheets", "save a ledger this large as CSV, which is read as it streams"),
    Code("T125", "a JSON Lines line nested too deeply to read", None, "a cell `[[[[…]]]]` 600 levels deep",
         "a cell holds a text, a number, a boolean or a list of names"),
    # ---- T2xx a table's content ----
    Code("T201", "the workspace names no ledger", None, "`tables:` without `deals`", "add `deals: deals.csv` under `tables:`"),
    Code("T202", "the rules read a table the workspace does not name", None, "rules reading `project.dev_loan` without `projects`",
         "add the table under `tables:` in workspace.yaml"),
    Code("T203", "neither a target list nor a clients register", "第八条", "`tables:` with neither `target_list` nor `clients`",
         "give the target list, or the clients register the rules' criteria are tested on"),
    Code("T204", "the rules read indicators the workspace does not give", "第十八条", "`target target_ratio * product.indicator` without `indicators`",
         "add `indicators: indicators.csv` (columns `product`, `indicator`)"),
    Code("T205", "a client or project appears twice", None, "two rows for client `C001`", "keep one row per client or project"),
    Code("T206", "indicators for a product the rules do not configure", "第十八条", "an indicator for `外汇`",
         "remove the row or configure the product"),
    Code("T207", "a target client under a department that is not corporate", "第七条", "a client listed under 个人金融部",
         "target clients belong to 公司业务部, 机构业务部 or 房地产信贷部"),
    Code("T208", "a target list date that is not a date", "第八条", "`from` = `三月`", "write dates as YYYY-MM-DD or leave the cell empty"),
    Code("T209", "an audit verdict that is neither confirmed nor rejected", "第二十一条", "verdict `ok`",
         "write `confirmed` (确认) or `rejected` (驳回), or leave it empty"),
    Code("T210", "an audit verdict for a deal the ledger lacks", "第二十一条", "a verdict for `PJ2026-99999`",
         "check the deal id against the ledger"),
    Code("T211", "the workspace names no clients register for the target criteria", "第八条", "`targets` without `clients`",
         "add `clients: clients.csv` under `tables:`"),
    # ---- S… workspaces, periods, months, files ----
    Code("S101", "workspace.yaml is not valid YAML", None, "a tab or a missing space after `:`",
         "check the indentation and the `key: value` pairs"),
    Code("S102", "workspace.yaml holds a character YAML does not allow", None, "a control character pasted from another program",
         "delete it, or retype the line"),
    Code("S103", "workspace.yaml is empty or not a list of settings", None, "an empty workspace.yaml",
         "name the rules file and the tables"),
    Code("S104", "workspace.yaml names no rules file", None, "no `rules:` line", "add `rules: rules.xm`"),
    Code("S105", "an unknown setting in workspace.yaml", None, "`tabels:`", "the help names the closest known setting"),
    Code("S106", "a setting that should be a file path", None, "`rules:` left empty", "give the path, relative to the workspace folder"),
    Code("S107", "a file named in workspace.yaml does not exist", None, "`deals: deal.csv`",
         "paths are relative to the workspace folder; the help names the closest file"),
    Code("S108", "workspace.yaml names no tables", None, "no `tables:` mapping", "map each table to its file under `tables:`"),
    Code("S109", "a required table is not named", None, "`tables:` without `deals`", "add it under `tables:`"),
    Code("S110", "`period` is not a start and an end", None, "`period: 2026`", "write `period: {from: 2026-01-01, to: 2026-12-31}`"),
    Code("S111", "`period` starts after it ends", None, "`period: {from: 2026-12-31, to: 2026-01-01}`", "put the dates in order"),
    Code("S112", "`period` lacks a bound", None, "`period: {from: 2026-01-01}`", "give both `from` and `to`"),
    Code("S113", "a period bound is not a date", None, "`to: 2026-02-30`", "write dates as `2026-01-01`"),
    Code("S114", "an unknown encoding in workspace.yaml", None, "`encoding: gbk2`", "use `utf-8`, `gb18030` or `big5`"),
    Code("S120", "a folder without workspace.yaml", None, "`crossmarket evaluate my-folder` with no workspace.yaml in it",
         "write a workspace.yaml naming the rules and the tables, or start with `crossmarket init`"),
    Code("S121", "the workspace does not exist", None, "a misspelt folder", "give the workspace folder or its workspace.yaml"),
    Code("S122", "workspace.yaml cannot be read", None, "no read permission", "fix its permissions"),
    Code("S123", "workspace.yaml is not UTF-8 text", None, "saved as GB18030 by an editor", "save it as UTF-8"),
    Code("S125", "not a month", None, "`--month 2026-3`", "write the month as YYYY-MM, e.g. 2026-03"),
    Code("S126", "a month outside the period", None, "`--month 2027-01` for the 2026 rules", "choose a month inside the period"),
    Code("S127", "a measure where a branch's rules are expected", None, "`rules: ../measure/2026.xm`",
         "point `rules:` at the branch's rules file"),
    Code("S128", "the workspace's period is not inside the rules' effective period", None, "`period` running into 2027",
         "shorten `period:` or leave it out to use the rules' period"),
    Code("S130", "a rules file that does not exist", None, "`crossmarket check panjn.xm`", "check the path"),
    Code("S131", "a folder where a rules file is expected", None, "`crossmarket check policies`", "name the `.xm` file"),
    Code("S132", "a rules file that cannot be read", None, "no read permission", "fix its permissions"),
    Code("S133", "a binary file where a rules file is expected", None, "a Word document named `rules.xm`",
         "rules are plain text; copy the text into a `.xm` file"),
    Code("S134", "a rules file that is not UTF-8 text", None, "a rules file saved as GB18030", "save it as UTF-8"),
    Code("S135", "a YAML alias in workspace.yaml", None, "`deals: *ledger`",
         "write the value out again; a few aliases of aliases expand to billions of values"),
    Code("S136", "a file named in workspace.yaml lies outside the workspace and its repository", None,
         "`rules: ../../secrets.env`", "move the file into the workspace, or name it on the command line"),
    Code("S137", "a rules, measure or schema file in workspace.yaml that is not one by its name", None,
         "`rules: notes.txt`", "rules and measures end in `.xm`, schemas in `.json`"),
    # ---- P… policy tests ----
    Code("P101", "a test file without its rules file", None, "no `rules:` key", "add `rules: panjin.xm`"),
    Code("P102", "`tests` is not a list", None, "`tests: {…}`", "write `tests:` followed by `- name: …` items"),
    Code("P103", "a test file cannot be read", None, "no read permission", "fix its permissions"),
    Code("P104", "a test file is not UTF-8 text", None, "saved as GB18030", "save it as UTF-8"),
    Code("P105", "a test file is not valid YAML", None, "a tab in the indentation", "check the indentation"),
    Code("P106", "a test file is not a mapping with `rules` and `tests`", None, "a bare list", "start with `rules:` and `tests:`"),
    Code("P107", "a test is not a mapping", None, "`- 测试一`", "each test has `name`, tables and `expect`"),
    Code("P108", "an unknown key in a test", None, "`deal:` for `deals:`", "the message lists the known keys"),
    Code("P109", "a test without `expect`", None, "a test with only deals", "say what the test expects"),
    Code("P110", "an unknown key under `expect`", None, "`expect: {department: …}`", "the message lists the known keys"),
    Code("P111", "a test's table cannot be used", None, "a deals row that is not a mapping", "the message names the table's problem"),
    Code("P112", "a test's table is not a list of rows", None, "`deals: D1`", "write `deals: [{deal_id: D1, …}]`"),
    Code("P113", "a test's period is not inside the rules' period", None, "`period: {from: 2027-01-01, …}`",
         "give `{from: YYYY-MM-DD, to: YYYY-MM-DD}` inside the rules' period"),
    Code("P114", "a test's month is not written YYYY-MM", None, "`month: 2026-3`", 'write `month: "2026-03"` in quotes'),
    Code("P115", "an `expect` section that should map names to figures", None, "`departments: [...]`",
         'write `departments: {个人金融部: "12.5"}`'),
    Code("P116", "an `expect` section that should be a list", None, "`gates: {…}`", "write `gates: [{gate: …, key: …}]`"),
    Code("P117", "a YAML alias in a test file", None, "`deals: *march`",
         "write the rows out again; a few aliases of aliases expand to billions of values"),
    # ---- I… init ----
    Code("I101", "no single measure to start from", None, "two measure files under `policies/measure/`",
         "name the measure to start from with `--measure FILE`"),
    Code("I103", "a branch's rules given as the measure", None, "`--measure panjin.xm`", "give head office's measure"),
    Code("I104", "the measure has errors", None, "a damaged measure file", "the diagnostics above say what to fix"),
    Code("I105", "the file to write already exists", None, "`crossmarket init 盘锦分行 -o panjin.xm` twice",
         "choose another file with `-o`, or replace it with `--force`"),
    # ---- A… the audit ----
    Code("A101", "the rules have no audit block", "第二十一条", "rules without `audit { … }`", "add `audit { spot_check 10% }`"),
    Code("A102", "the audit block has no spot-check rate", "第二十一条", "`audit { }`", "add `spot_check 10%`"),
    Code("A120", "a second secret for a month", "第二十一条", "`audit commit` twice for 2026-03",
         "draw with the secret committed first"),
    Code("A121", "a commitment after the month was sealed", "第二十一条", "`audit commit` after `statement --seal`",
         "commit before the seal"),
    Code("A122", "no commitment to a secret for the month", "第二十一条", "`statement --seal` before `audit commit`",
         "内控合规部 runs `crossmarket audit commit` first"),
    Code("A123", "a secret that does not match its commitment", "第二十一条", "`sample --secret another-file`",
         "use the secret file written by `audit commit`"),
    Code("A124", "a secret file that cannot be used", "第二十一条", "`--secret` naming an existing or foreign file",
         "name the file `audit commit` wrote, or a new file to commit"),
    Code("A125", "the sample of a month is drawn once", "第二十一条", "two offices drawing at the same moment",
         "run `sample` without `--secret` to draw it again from the register"),
    Code("A126", "the recorded sample cannot be drawn again", "第二十一条", "a register whose sample was edited",
         "run `crossmarket register verify`"),
    Code("A127", "the month's sample has not been drawn yet", "第二十一条", "`sample` or `audit verdicts` before the draw",
         "内控合规部 draws it with `sample --secret FILE` once the month is sealed"),
    Code("A130", "a month is sealed once", "第二十一条", "`statement --seal` twice",
         "corrections are restatements in the next statement"),
    Code("A131", "the month is not sealed", "第二十一条", "`sample --secret` before `statement --seal`",
         "the committee seals the month with `statement --seal`"),
    Code("A132", "the ledger changed after the month was sealed", "第二十一条", "deals.csv edited after the seal",
         "restore the sealed ledger; corrections are published as restatements"),
    Code("A140", "an audit sheet of another month or sample", "第二十一条", "audit-2026-02.csv entered for 2026-03",
         "enter the sheet written for this month's sample"),
    Code("A141", "a verdict on a deal the sample does not hold", "第二十一条", "a row added to the audit sheet",
         "enter verdicts for the sampled deals only"),
    Code("A143", "a verdict that is neither confirmed nor rejected", "第二十一条", "verdict `存疑`",
         "write `confirmed` (确认) or `rejected` (驳回)"),
    Code("A150", "an objection outside the publication window", "第二十一条", "`objection file` after the week",
         "raise the matter with the committee"),
    Code("A151", "an objection or resolution without its text", "第二十一条", "`--reason ''`", "say why"),
    Code("A152", "an objection resolved twice", "第二十一条", "`objection resolve 7` twice",
         "a resolution stands; file a new objection"),
    Code("A153", "no such objection", "第二十一条", "`objection resolve 99`", "`objection list` shows them"),
    Code("A154", "no single branch sealed the month", "第二十一条", "`objection file` when two branches sealed 2026-03",
         "name the branch with `--branch`"),
    Code("A160", "an approval of a result that changed", "第二十三条", "`approve --result-sha256` of yesterday's result",
         "review the new result and approve that one"),
    Code("A161", "a monthly statement cannot be approved", "第二十三条", "approving a month's result",
         "approve the year-end result"),
    # ---- F… the register of filings ----
    Code("F101", "the register is damaged", "第二十四条", "a register edited outside crossmarket", "restore it from a backup; `register verify` names the record"),
    Code("F102", "the register is busy", "第二十四条", "another filing holding it for over a minute", "try again"),
    Code("F103", "not a register: not an SQLite database", None, "`--register notes.txt`", "name the register file"),
    Code("F104", "a file that cannot be used as a register", None, "a read-only folder", "the message says why"),
    Code("F105", "a folder where the register is expected", None, "`--register policies`", "name the register file"),
    Code("F106", "there is no register yet", None, "`register list` before any filing", "file rules first with `register file`"),
    Code("F107", "the register cannot be opened", None, "no permission", "check the path and its permissions"),
    Code("F108", "not a register: another database", None, "another program's SQLite file", "name the register file"),
    Code("F109", "not a register of this format", None, "another program's database", "name the register file"),
    Code("F110", "a register of a newer format", None, "a register written by a newer crossmarket", "use that version"),
    Code("F111", "the measure filed as a branch's rules", "第二十四条", "`register file policies/measure/2026.xm`",
         "the register records branches' implementing rules"),
    Code("F112", "a filing whose file did not compile has no IR", None, "`register show 3 ir` of a rejected filing",
         "`register show N` shows why it was rejected"),
    Code("F113", "no such record", None, "`register show 99`", "`register list` shows the records"),
    # ---- K… keys and signed records ----
    Code("K101", "a key file that cannot be read", "第二十四条", "`--key notes.txt`",
         "make one with `crossmarket keys new --office NAME --key FILE`"),
    Code("K102", "a key file is never overwritten", "第二十四条", "`keys new --key` naming an existing file",
         "choose another file name"),
    Code("K103", "an office that does not keep records", "第二十四条", "`--office 某某部`", "name one of the measure's offices"),
    Code("K104", "a trust file that cannot be read", "第二十四条", "`--trust notes.txt`",
         "list offices with `crossmarket keys new --office NAME --key FILE --trust FILE`"),
    Code("K105", "a record without the person who makes it", "第二十四条", "`--by ''`", "give `--by NAME`"),
    Code("K106", "a record without the office's key", "第二十四条", "`statement --seal` without `--key`",
         "give the office's key with `--key FILE`"),
    Code("K110", "a record signed by an office not entitled to make it", "第二十四条",
         "a seal signed with 内控合规部's key", "sign with the key of the office that makes the record"),
    Code("K113", "the register was changed outside crossmarket", "第二十四条",
         "a record edited, removed, re-signed or signed by an unknown key", "restore the register from a backup"),
    # ---- U… the command line ----
    Code("U100", "a command-line mistake: an unknown option, a missing argument", None, "`crossmarket evaluate --bogus`",
         "`crossmarket COMMAND --help` lists its arguments and options"),
    Code("U101", "a month that is not a calendar month", None, "`--month 2026-13`", "write it as YYYY-MM, e.g. 2026-03"),
    Code("U102", "`test` given a file that is not a policy test", None, "`crossmarket test rules.xm`",
         "give the `*.test.yaml` file or the folder holding it; `crossmarket check` checks the rules themselves"),
    Code("U107", "no such deal in the ledger", None, "`crossmarket explain W --deal PJ-1` for a deal not in the ledger",
         "deal ids are in the `deal_id` column of the deals table"),
    Code("U108", "not a branch name", None, '`crossmarket init ""`', "give the branch's name, e.g. 鞍山分行"),
    Code("U103", "an output file cannot be written", None, "`-o /readonly/x.xm`", "choose a folder you can write to"),
    Code("U104", "a path that does not exist", None, "`crossmarket test polices/`", "check the path"),
    Code("U105", "no policy tests under a path", None, "`crossmarket test docs/`",
         "policy tests are YAML files named like `panjin.test.yaml` beside the rules"),
)

SECTIONS = [
    ("E1", "语法 Syntax (E1xx)"), ("E2", "名称 Names (E2xx)"), ("E3", "类型 Types (E3xx)"),
    ("E4", "总行方案边界 Head office's schema (E4xx)"), ("E5", "其他规则 Other rules (E5xx)"), ("W", "警告 Warnings (W…)"),
    ("R", "交易被拒的原因 Why a ledger row is rejected (R…)"), ("T1", "读取表格 Reading a table (T1xx)"),
    ("T2", "表格内容 A table's content (T2xx)"), ("S", "工作区与文件 Workspaces, periods and files (S…)"),
    ("P", "政策测试 Policy tests (P…)"), ("I", "新建细则 init (I…)"), ("A", "抽查、公示与审批 The audit, publication and approval (A…)"),
    ("F", "备案登记簿 The register of filings (F…)"), ("K", "签名密钥与签名记录 Keys and signed records (K…)"),
    ("U", "命令行 The command line (U…)"),
]


def markdown() -> str:
    """`docs/codes.md`: every code with what it means, an example and how to fix it."""
    lines = ["# 代码索引 Code index", "",
             "Every message crossmarket prints carries one of these codes: `error[E401]`, `warning[W201]`, a "
             "rejected row's `R006`. Find the code below: what it means, an example of what causes it, and how to "
             "fix it. The article (第…条) is the one of the measure the code serves.", "",
             "<!-- generated from crossmarket_dsl/core/codes.py: python -m crossmarket_dsl.core.codes > docs/codes.md -->",
             ""]
    for prefix, title in SECTIONS:
        lines += [f"## {title}", ""]
        for entry in sorted(CODES.values(), key=lambda entry: entry.code):
            if entry.code.startswith(prefix):
                article = f" ({entry.article})" if entry.article else ""
                meaning = entry.meaning[:1].upper() + entry.meaning[1:]
                lines += [f"### {entry.code}", "", f"{meaning}{article}.", "",
                          f"- example: {entry.example}", f"- fix: {entry.fix}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
