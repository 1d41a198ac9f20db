"""Why a ledger row is rejected, in the words of the department that has to fix it.

Every reason is a pair: English for tools (the JSON's `reason`, unchanged in form) and Chinese for the
people who read statements and reports (`reason_zh`). A reason names the cell at fault with its value;
for a condition or points expression it names the fields the expression read and their values on the
row (`deal.activated = 否`); for a name that is almost right it suggests the nearest one
(`公司业物部` → 公司业务部). Built only when a row is rejected: never on the row loop's hot path.
"""

from __future__ import annotations

import calendar
import difflib
from datetime import date
from typing import Iterable, Iterator

from ..semantics.expr import Env
from ..semantics.values import to_text, written_date

Reason = tuple
"""(English, Chinese), and for an expression of the rules that failed on the row its IR pointer
(`/products/3/points/when`), which the source map turns into a line of the rules file."""

def nearest(name: str, names: Iterable[str]) -> str | None:
    """The one name close enough to `name` to be what was meant (a typo, a character off)."""
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(name: str, names: Iterable[str]) -> Reason:
    close = nearest(name, names)
    return (f"; did you mean `{close}`?", f"，是否应为“{close}”？") if close else ("", "")


def no_id() -> Reason:
    return "the row has no `deal_id`", "该行没有交易编号（deal_id）"


def duplicate(deal_id: str) -> Reason:
    return (f"`deal_id` `{deal_id}` appears on an earlier row (the first is kept)",
            f"交易编号 {deal_id} 与前面的行重复（保留前面的一行）")


def bad_date(text: str) -> Reason:
    if not text:
        return "the date is missing", "日期为空"
    parts = written_date(text)
    if parts is not None and 1 <= parts[1] <= 12:
        year, month, day = parts
        days = calendar.monthrange(year, month)[1]
        if day > days:
            return (f"date `{text}` does not exist: {year}-{month:02d} has {days} days",
                    f"日期“{text}”不存在：{year}年{month}月只有 {days} 天")
    return f"date `{text}` is not a date", f"日期“{text}”不是有效日期，请写作 2026-03-01"


def outside_period(day: date, start: date, end: date) -> Reason:
    return (f"date {day} is outside the effective period {start} to {end}",
            f"日期 {day} 不在考核期 {start} 至 {end} 内")


def unknown_product(name: str, configured: Iterable[str], catalogue: set[str]) -> Reason:
    if not name:
        return "the deal names no product", "该行没有填写产品"
    if name in catalogue:
        return (f"product `{name}` is in head office's catalogue but these rules give it no points",
                f"产品“{name}”在总行产品目录中，但本行实施细则未对其计分")
    en, zh = _did_you_mean(name, [*configured, *sorted(catalogue)])
    return f"product `{name}` is not in the catalogue{en}", f"产品“{name}”不在产品目录中{zh}"


def bad_quantity(text: str) -> Reason:
    return f"quantity `{text}` is not a number above 0", f"数量“{text}”不是大于 0 的数字"


def not_on_list(client_id: str, day: date) -> Reason:
    if not client_id:
        return "the deal names no client", "该行没有填写客户编号"
    return (f"client `{client_id}` is not on the target list on {day}",
            f"客户 {client_id} 在 {day} 不在目标客户名单上（第八条）")


def no_participant() -> Reason:
    return ("no participating department: the host alone is not a cross-sale",
            "没有参与部门：只有主办部门不构成交叉营销（第十九条）")


def unknown_participant(name: str, departments: Iterable[str]) -> Reason:
    en, zh = _did_you_mean(name, departments)
    return (f"participant `{name}` is not a department of the measure{en}",
            f"参与部门“{name}”不是管理办法中的部门{zh}")


def support_participant(name: str) -> Reason:
    return (f"`{name}` is a support department: it does not take part in marketing",
            f"“{name}”是支持保障部门，不参与营销")


def host_participant(name: str, product: str) -> Reason:
    return (f"`{name}` is the host of `{product}` and cannot also be a participant",
            f"“{name}”是“{product}”的主办部门，不能同时作为参与部门")


def participant_twice() -> Reason:
    return "a participant is named twice", "同一参与部门填写了两次"


def shares_missing() -> Reason:
    return ("with `by declared` every participant needs its share, e.g. `电子银行部:60;信用卡中心:40`",
            "按申报比例分配时，每个参与部门都须填写比例，例如“电子银行部:60;信用卡中心:40”")


def shares_total(total) -> Reason:
    return f"declared shares add up to {total}, not 100", f"申报的分配比例合计为 {total}，不是 100"


def audit_rejected(note: str) -> Reason:
    return ("rejected by the audit" + (f": {note}" if note else ""),
            "内控抽查驳回（第二十一条）" + (f"：{note}" if note else ""))


def condition_false(product: str, eligible: bool | None, values: str, rule: str) -> Reason:
    state = "empty" if eligible is None else "false"
    return (f"the condition of `{product}` is {state} for this deal ({values}): not eligible",
            f"“{product}”的计分条件{'无法判断（有值为空）' if eligible is None else '不成立'}（{values}）：不符合计分条件",
            rule)


def not_computable(product: str, values: str, rule: str) -> Reason:
    return (f"the points of `{product}` cannot be computed for this deal "
            f"(a value it needs is missing or not a number: {values})",
            f"无法计算“{product}”的积分：所需的值缺失或不是数字（{values}）", rule)


def negative(product: str, value, values: str) -> Reason:
    return (f"the points of `{product}` for this deal are {value}, below zero ({values})",
            f"“{product}”的积分为 {value}，小于零（{values}）：交易不扣减部门积分")


def unknown_project(project_id: str) -> Reason:
    return (f"project `{project_id}` is not in the projects table, so art. 20's mortgage share cannot be judged",
            f"楼盘“{project_id}”不在楼盘表中，无法按第二十条判断按揭户数")


def too_large(product: str, value) -> Reason:
    return (f"the points of `{product}` for this deal are too large to count ({value})",
            f"“{product}”的积分过大，无法计入（{value}）")


def values_read(tree, env: Env) -> str:
    """The fields an expression reads and their values on this row: `deal.activated = 否`."""
    shown = []
    for scope, name in dict.fromkeys(_fields(tree)):
        value = getattr(env, scope, {}).get(name)
        shown.append(f"{scope}.{name} = {to_text(value) if to_text(value) is not None else '（空）'}")
    return "; ".join(shown) or "—"


def _fields(tree) -> Iterator[tuple[str, str]]:
    if isinstance(tree, dict):
        if "field" in tree:
            yield tuple(tree["field"])
        for value in tree.values():
            yield from _fields(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _fields(item)
