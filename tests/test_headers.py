"""Ledgers as branches keep them: Chinese headers, the workspace's own mapping, and every missing table
and column named in one run."""

from __future__ import annotations

import json

import pytest

from .panjin_copy import copy_panjin, run

CHINESE = {"deal_id": "交易编号", "date": "交易日期", "product": "产品名称", "quantity": "数量", "amount": "金额",
           "client_id": "客户号", "participants": "参与部门", "outlet": "网点", "project_id": "项目编号"}


def _retitle(folder, names: dict[str, str]) -> None:
    """The ledger's header row with `names` put in place of the columns they rename."""
    deals = folder / "deals.csv"
    header, rest = deals.read_text(encoding="utf-8-sig").split("\n", 1)
    header = ",".join(names.get(column, column) for column in header.split(","))
    deals.write_text(header + "\n" + rest, encoding="utf-8")


def _evaluate(folder) -> dict:
    result = run("evaluate", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def panjin(tmp_path):
    return copy_panjin(tmp_path)


def test_chinese_headers_give_the_same_result(panjin, tmp_path):
    expected = _evaluate(panjin)
    _retitle(panjin, CHINESE)
    assert _evaluate(panjin)["departments"] == expected["departments"]


def test_the_workspace_maps_headers_of_its_own(panjin):
    expected = _evaluate(panjin)
    _retitle(panjin, {"deal_id": "流水号", "fee_income": "手续费收入"})
    with (panjin / "workspace.yaml").open("a", encoding="utf-8") as file:
        file.write("columns:\n  deals: {流水号: deal_id, 手续费收入: fee_income}\n")
    assert _evaluate(panjin)["outlets"] == expected["outlets"]


def test_two_headers_for_one_column(panjin):
    _retitle(panjin, {"customer": "交易日期"})  # a `date` column and a 交易日期 column
    result = run("evaluate", panjin)
    assert result.exit_code == 1 and "error[T131]" in result.stderr
    assert "`交易日期`" in result.stderr and "`date`" in result.stderr


def test_a_mapping_for_a_header_the_ledger_lacks(panjin):
    with (panjin / "workspace.yaml").open("a", encoding="utf-8") as file:
        file.write("columns: {deals: {流水号: deal_id}}\n")
    result = run("evaluate", panjin)
    assert result.exit_code == 1 and "error[T132]" in result.stderr and "`流水号`" in result.stderr


def test_a_mapping_that_is_not_one(panjin):
    with (panjin / "workspace.yaml").open("a", encoding="utf-8") as file:
        file.write("columns: [流水号]\n")
    result = run("evaluate", panjin)
    assert result.exit_code == 1 and "S115" in result.stderr


def test_every_missing_table_and_column_at_once(panjin):
    _retitle(panjin, {"outlet": "备用", "activated": "备用2"})
    text = (panjin / "workspace.yaml").read_text(encoding="utf-8")
    (panjin / "workspace.yaml").write_text(text.replace("  projects: projects.csv\n", ""), encoding="utf-8")
    result = run("evaluate", panjin)
    assert result.exit_code == 1 and "error[T133]" in result.stderr, result.output
    for words in ("`outlet`", "`activated` (the `when` of `信用卡` uses it)", "no `projects` table",
                  "`project.dev_loan`"):
        assert words in result.stderr
