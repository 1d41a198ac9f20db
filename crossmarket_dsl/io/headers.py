"""Column headers as branches write them: the Chinese names a ledger already has, and the workspace's
own mapping (`columns: {deals: {流水号: deal_id}}`), turned into the names the rules and tables use.

A header that is already a table's name (`deal_id`) is kept; a known Chinese header (交易编号, 交易日期 …)
becomes its name; the workspace's `columns:` maps any other (and may map a known header to another name). Two headers that would become one column,
and a mapping for a header the table does not have, are table errors (T131, T132): a guess could put
amounts in the quantity column.
"""

from __future__ import annotations

from dataclasses import replace

from .records import Table, TableError

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "deals": {
        "deal_id": ("交易编号", "业务编号", "流水号", "交易流水号"),
        "date": ("交易日期", "日期", "业务日期", "营销日期"),
        "product": ("产品", "产品名称", "产品代码"),
        "quantity": ("数量", "户数", "张数", "笔数"),
        "amount": ("金额", "交易金额"),
        "client_id": ("客户号", "客户编号", "对公客户号", "单位客户号"),
        "participants": ("参与部门", "参与营销部门"),
        "outlet": ("网点", "经营行网点", "协办网点"),
        "project_id": ("项目编号", "楼盘编号"),
        "staff": ("营销人员", "营销人"),
    },
    "clients": {"client_id": ("客户号", "客户编号", "对公客户号"), "name": ("客户名称", "名称", "单位名称")},
    "target_list": {"client_id": ("客户号", "客户编号", "对公客户号"), "department": ("部门", "所属部门", "营销部门"),
                    "from": ("起始日期", "开始日期", "生效日期"), "to": ("截止日期", "结束日期", "失效日期")},
    "projects": {"project_id": ("项目编号", "楼盘编号"), "dev_loan": ("开发贷", "开发贷款"),
                 "dev_loan_share": ("开发贷占比", "开发贷份额"), "total_mortgages": ("按揭总户数", "总按揭户数"),
                 "our_mortgages": ("本行按揭户数",)},
    "indicators": {"product": ("产品", "产品名称"), "indicator": ("指标", "下年度指标", "条线指标")},
    "audit": {"deal_id": ("交易编号", "业务编号"), "verdict": ("审核结论", "结论", "核查结论"),
              "note": ("备注", "说明", "核查说明")},
}
"""Each table's column names and the Chinese headers that mean them."""

HEADER_OF = {role: {alias: name for name, aliases in names.items() for alias in aliases}
             for role, names in ALIASES.items()}


def rename_columns(table: Table, role: str, mapping: dict[str, str] | None = None) -> Table:
    """The table with its headers turned into column names: the workspace's `mapping` first, then the
    known Chinese headers. Raises a `TableError` for a mapping to a header the table lacks, or for two
    headers that would become one column."""
    mapping = mapping or {}
    absent = [header for header in mapping if header not in table.columns]
    if absent:
        raise TableError("T132", f"`columns` maps `{absent[0]}` of the {role} table, but `{table.path}` has no such "
                                "header", file=table.path,
                        help=f"its headers are {', '.join(f'`{c}`' for c in table.columns) or 'none'}; correct "
                             "the mapping in workspace.yaml or remove it")
    known = HEADER_OF.get(role, {})
    names = [mapping.get(header) or known.get(header, header) for header in table.columns]
    _one_header_a_column(table, role, names)
    if names == table.columns:
        return table
    return _renamed(table, names)


def _one_header_a_column(table: Table, role: str, names: list[str]) -> None:
    first: dict[str, str] = {}
    for header, name in zip(table.columns, names):
        if name in first:
            raise TableError("T131", f"the headers `{first[name]}` and `{header}` of the {role} table both mean "
                                    f"`{name}`", file=table.path, column=header,
                            help="keep one of the two columns, or map one of them to another name under "
                                 "`columns:` in workspace.yaml")
        first[name] = header


def _renamed(table: Table, names: list[str]) -> Table:
    """Rows keyed by the new names; a streamed table renames each row as it is read again."""
    pairs = list(zip(table.columns, names))

    def rekey(row: dict) -> dict:
        return {name: row.get(header) for header, name in pairs}

    stream = table.stream
    return replace(table, columns=names, rows=[rekey(row) for row in table.rows],
                   stream=None if stream is None else (lambda: ((n, rekey(row)) for n, row in stream())))
