"""`crossmarket targets`: candidates and their criteria (art. 7–9), changes to the target list (art. 8)."""

from __future__ import annotations

import csv
import json

import openpyxl

from .panjin_copy import PANJIN, copy_panjin, lines_of, run


def targets_json(workspace, *more) -> dict:
    result = run("targets", workspace, "--on", "2026-07-01", "--format", "json", *more)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_candidates_list_the_criteria_they_meet_by_department():
    document = targets_json(PANJIN)
    candidates = {c["client_id"]: c for c in document["candidates"]}
    listed = candidates["KH21110002"]  # a listed company rated AA
    assert listed["departments"] == ["公司业务部"]
    assert {c["label"] for c in listed["criteria"]} >= {"优质上市公司", "省内利税排名前200名"}
    assert all(c["cite"] == "第九条" for c in listed["criteria"])
    developer = candidates["KH21130004"]
    assert developer["departments"] == ["房地产信贷部"]
    assert [c["label"] for c in developer["criteria"]] == ["我行用信的房地产开发楼盘", "全国房地产企业200强"]
    assert document["unmatched"] == [{"client_id": "KH21110010", "name": "盘锦恒通物流有限公司"}]
    assert len(document["criteria"]) == 8


def test_changes_against_the_list_as_it_stands_on_a_day():
    changes = targets_json(PANJIN)["target_list"]
    assert changes["on"] == "2026-07-01"
    added = {(a["client_id"], a["department"]) for a in changes["added"]}
    assert ("KH21110011", "公司业务部") in added  # taken off the list on 30 June, still meets the criteria
    assert ("KH21110001", "公司业务部") not in added  # listed
    assert changes["removed"] == []
    before = targets_json(PANJIN, "--on", "2026-06-30")["target_list"]  # the last option wins
    assert ("KH21110011", "公司业务部") not in {(a["client_id"], a["department"]) for a in before["added"]}


def test_listed_clients_that_no_longer_meet_their_departments_criteria(tmp_path):
    workspace = copy_panjin(tmp_path)
    with open(workspace / "target_list.csv", "a", encoding="utf-8") as handle:
        handle.write("KH21110010,盘锦恒通物流有限公司,公司业务部,2026-01-01,\n"
                     "KH21120001,盘锦市财政局,公司业务部,2026-01-01,\n"
                     "KH99999999,不存在,房地产信贷部,,\n")
    removed = {r["client_id"]: r for r in targets_json(workspace)["target_list"]["removed"]}
    assert removed["KH21110010"]["reason"] == "no_criterion"
    assert removed["KH21120001"]["reason"] == "other_department"
    assert removed["KH21120001"]["meets"] == ["机构业务部"]
    assert removed["KH99999999"]["reason"] == "not_in_register"
    text = run("targets", workspace, "--on", "2026-07-01").stdout
    assert "- KH21120001 盘锦市财政局 ← 公司业务部: 只符合其他部门的标准" in text


def test_out_writes_csv_and_xlsx_with_additions_in_target_list_columns(tmp_path):
    out = tmp_path / "out"
    targets_json(PANJIN, "--out", out)
    assert lines_of(out / "targets-added.csv")[0] == "client_id,name,department,from,to,criteria"
    assert lines_of(out / "targets-candidates.csv")[0] == "client_id,name,department,criteria,cite"
    workbook = openpyxl.load_workbook(out / "targets.xlsx")
    assert workbook.sheetnames == ["候选客户", "不符合标准", "建议新增", "建议移出"]


def test_without_a_target_list_there_are_no_changes(tmp_path):
    workspace = copy_panjin(tmp_path)
    yaml = workspace / "workspace.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("  target_list: target_list.csv\n", ""), encoding="utf-8")
    assert targets_json(workspace)["target_list"] is None
    assert "the list is derived from these criteria" in run("targets", workspace).stdout


def test_a_register_without_a_column_a_criterion_reads_is_an_error(tmp_path):
    workspace = copy_panjin(tmp_path)
    register = workspace / "clients.csv"
    rows = list(csv.reader(lines_of(register)))
    at = rows[0].index("national_rank")
    with open(register, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(row[:at] + row[at + 1:] for row in rows)
    result = run("targets", workspace)
    assert result.exit_code == 1
    assert "`national_rank`" in result.stderr and "全国房地产企业200强" in result.stderr
    assert "Traceback" not in result.output
