"""`crossmarket init BRANCH DIR`: a whole workspace for a branch's first day.

Beside the rules file (`init.rules_text`) it writes what a branch needs to start evaluating: `workspace.yaml`
naming every file, an empty ledger template for every table (a CSV with its header row — Chinese headers
the readers know — and one workbook with a sheet per table, a comment on each header saying what goes
in the column and drop-down lists for products, departments and verdicts), a policy-test file with one
example test, and a short README in Chinese saying what to fill in next. Nothing already in DIR is
replaced without `--force`; all the files are checked before the first is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..io.files import atomic_write_text
from ..io.tables import write_book, write_csv
from ..io.workbook import Book, Column, Sheet
from ..language.pipeline import Compiled
from .init import InitError, effective_period, rules_text

WORKBOOK = "台账模板.xlsx"
VERDICTS = ("确认", "驳回")


@dataclass(frozen=True)
class Template:
    role: str
    file: str
    sheet: str
    columns: tuple[Column, ...]
    named: bool = True  # named in workspace.yaml from the start


def templates(measure: Compiled) -> list[Template]:
    ir = measure.ir
    products = tuple(entry["name"] for entry in ir["catalog"])
    corporate = tuple(d["name"] for d in ir["departments"] if d["kind"] == "corporate")
    outlets = tuple(o["name"] for o in ir.get("outlets", []))
    return [
        Template("deals", "交易台账.csv", "交易台账", (
            Column("deal_id", "交易编号", "name", note="每笔交叉营销业务一个编号，不得重复（重复的第二行以 R001 拒绝）"),
            Column("date", "交易日期", "date", note="写作 2026-03-02"),
            Column("product", "产品", choices=products, note="总行产品目录中的产品名称或代码，如 信用卡、CARD"),
            Column("quantity", "数量", "number", note="户数、张数或笔数；留空按 1 计"),
            Column("amount", "金额", "money", note="金额（元），可写 5万、1,000；细则的积分不用金额时可留空"),
            Column("client_id", "客户号", "name", note="对公客户号，须在客户名册或目标客户名单中（第八条）"),
            Column("participants", "参与部门", width=16,
                   note="主办部门以外参与营销的部门，多个用、分隔；按协商比例分配时写 电子银行部:60、信用卡中心:40"),
            Column("outlet", "网点", choices=outlets, note="协办营销的经营行网点（第十条）；细则不按网点归属时可留空"),
            Column("project_id", "项目编号", "name", note="个人住房贷款所属的开发楼盘编号（第二十条）；其他产品留空"),
            Column("staff", "营销人员", width=16, note="张三@公司业务部:60、李四@公司业务部:40（第二十一条，可留空）"),
        )),
        Template("clients", "客户名册.csv", "客户名册", (
            Column("client_id", "客户号", "name", note="对公客户号"),
            Column("name", "客户名称", width=20, note="客户全称"),
        )),
        Template("target_list", "目标客户名单.csv", "目标客户名单", (
            Column("client_id", "客户号", "name", note="委员会确定的目标客户（第八条）"),
            Column("department", "部门", choices=corporate, note="负责该客户的对公部门"),
            Column("from", "起始日期", "date", note="列入名单之日，可留空"),
            Column("to", "截止日期", "date", note="移出名单之日，可留空"),
        ), named=False),
        Template("projects", "楼盘项目.csv", "楼盘项目", (
            Column("project_id", "项目编号", "name", note="开发楼盘编号，与交易台账的项目编号一致"),
            Column("dev_loan", "开发贷", choices=("独家", "部分", "无"), note="本行独家、部分或未发放开发贷款（第二十条）"),
            Column("dev_loan_share", "开发贷占比", "percent", note="部分发放时本行所占比例，写作 40%"),
            Column("total_mortgages", "按揭总户数", "count", note="楼盘个人住房贷款总户数；有开发贷时必填"),
            Column("our_mortgages", "本行按揭户数", "count", note="信贷系统中的本行按揭户数，可留空"),
        )),
        Template("indicators", "产品指标.csv", "产品指标", (
            Column("product", "产品", choices=products, note="产品名称"),
            Column("indicator", "指标", "number", note="下年度产品条线指标；考核目标为其 target_ratio（第十八条）"),
        )),
        Template("audit", "抽查结论.csv", "抽查结论", (
            Column("deal_id", "交易编号", "name", note="抽查的交易编号（crossmarket sample 列出）"),
            Column("verdict", "审核结论", choices=VERDICTS, note="确认 或 驳回；驳回的交易以 R010 不计积分（第二十一条）"),
            Column("note", "备注", width=24, note="核查说明"),
        )),
    ]


def workspace_files(branch: str, measure: Compiled) -> dict[str, str]:
    """Every text file of the workspace by name (the workbook is written apart)."""
    rules = f"{branch}.xm"
    tables = templates(measure)
    files = {rules: rules_text(branch, measure), "workspace.yaml": _workspace_yaml(branch, rules, tables),
             f"{branch}.test.yaml": _test_file(branch, rules, measure), "README.md": _readme(branch, rules, tables)}
    return files


def write_workspace(folder: Path, branch: str, measure: Compiled, force: bool) -> list[Path]:
    """Write the workspace; nothing is written when any file exists already (unless `force`)."""
    texts = workspace_files(branch, measure)
    tables = templates(measure)
    paths = [folder / name for name in texts] + [folder / t.file for t in tables] + [folder / WORKBOOK]
    existing = [path.name for path in paths if path.exists()]
    if existing and not force:
        raise InitError("I106", f"`{folder}` already holds {', '.join(f'`{name}`' for name in existing)}: nothing written",
                        help="these files may hold your work; choose another folder, or replace them with --force",
                        usage=True)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        atomic_write_text(folder / name, text)
    for table in tables:
        rows = _indicator_rows(measure) if table.role == "indicators" else []
        write_csv(folder / table.file, [column.label for column in table.columns],
                  [{column.label: row.get(column.key) for column in table.columns} for row in rows])
    write_book(folder / WORKBOOK, Book(f"{branch} 台账模板", _workbook_lines(), [
        Sheet(t.sheet, t.columns, _indicator_rows(measure) if t.role == "indicators" else [], keys=True,
              blank_rows=2000) for t in tables]))
    return paths


def _indicator_rows(measure: Compiled) -> list[dict]:
    return [{"product": entry["name"], "indicator": None} for entry in measure.ir["catalog"]]


def _workbook_lines() -> list[str]:
    return ["每张表对应工作区的一张台账：在表头下方逐行填写，表头的批注说明每列写什么。",
            "在 workspace.yaml 中用 `文件名.xlsx#表名` 指向某张表，如 deals: 台账模板.xlsx#交易台账。"]


def _workspace_yaml(branch: str, rules: str, tables: list[Template]) -> str:
    lines = [f"# {branch} crossmarket 工作区：细则文件和各张台账，路径相对于本文件夹。",
             f"rules: {rules}  # 实施细则",
             "tables:"]
    for table in tables:
        line = f"  {table.role}: {table.file}"
        lines.append(f"{line:<34}# {table.sheet}；或 {WORKBOOK}#{table.sheet}" if table.named else
                     f"# {line[2:]:<32}# {table.sheet}：给出时代替按细则标准从客户名册筛选（第八条）")
    lines += ["# period: {from: 2026-01-01, to: 2026-12-31}   # 可选：默认为细则的有效期",
              "# columns: {deals: {流水号: deal_id}}           # 可选：台账中其他列名对应的列", ""]
    return "\n".join(lines)


def _test_file(branch: str, rules: str, measure: Compiled) -> str:
    start = effective_period(measure.ir)[0]
    year = start[:4]
    return "\n".join([
        f"# {branch} 政策测试：用几行示例数据写明细则应当得出的结果，运行 crossmarket test {branch}.test.yaml。",
        "# 修改细则中信用卡的积分后，请同时修改下面的期望值。",
        f"rules: {rules}",
        "tests:",
        "  - name: 信用卡交叉营销：主办部门得 20%，参与部门得 80%",
        "    cite: 第十九条",
        f'    month: "{year}-03"',
        "    target_list: [{client_id: C1, department: 公司业务部}]",
        "    deals:",
        f"      - {{deal_id: D1, date: {year}-03-02, product: 信用卡, quantity: 2, client_id: C1, "
        "participants: 公司业务部}",
        "    expect:",
        '      departments: {信用卡中心: "0.4", 公司业务部: "1.6"}',
        "",
    ])


def _readme(branch: str, rules: str, tables: list[Template]) -> str:
    listed = "\n".join(f"| `{t.file}` | {t.sheet} | {'、'.join(c.label for c in t.columns)} |" for t in tables)
    return f"""# {branch} 交叉营销工作区

由 `crossmarket init` 生成。接下来按顺序：

1. **写目标客户标准（第九条）。** 打开 `{rules}`，在三个对公部门的 `targets for` 中各写至少一条标准
   （可去掉示例行首的 `#` 后修改），标准用到的客户字段（如 `client.type`）要在客户名册中有同名的列。
2. **确定每个标注“待定”的值。** 积分分值、抽查比例、奖励总额等：确定后删去该行的“待定”注释。
3. **检查细则：** `crossmarket check {rules}`。它一次列出所有问题（行号和修改建议），直到显示 `ok`。
4. **填写台账。** 下表中的 CSV 文件只有表头；也可以在 `{WORKBOOK}` 的同名工作表中填写（表头批注说明每列写什么，
   产品、部门、审核结论有下拉列表），再把 `workspace.yaml` 中的文件名改为 `{WORKBOOK}#表名`。
   自己台账的列名不同时，在 `workspace.yaml` 的 `columns:` 中写明对应关系。
5. **运行政策测试：** `crossmarket test {branch}.test.yaml`。
6. **计算积分：** `crossmarket evaluate .`；月度公示 `crossmarket statement . --month {{月份}}`；
   抽查 `crossmarket sample . --month {{月份}}`。

| 文件 | 台账 | 列 |
|---|---|---|
{listed}

`{tables[2].file}` 未在 `workspace.yaml` 中启用：不给出时，目标客户按细则的标准从客户名册中筛选。
文件中已有的内容不会被 crossmarket 覆盖；需要重新生成时使用 `--force`。
"""
