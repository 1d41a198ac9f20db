"""`evaluate` and `explain` as a user runs them: outputs, exit codes, and bad input of every kind."""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.engine.contract import REASONS, REASONS_ZH

from .conftest import ROOT


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A private copy of the Panjin example whose rules path still resolves."""
    target = tmp_path / "panjin"
    shutil.copytree(ROOT / "examples/panjin-2026", target)
    text = (target / "workspace.yaml").read_text(encoding="utf-8")
    shutil.copy(ROOT / "policies/branches/panjin.xm", target / "panjin.xm")  # a workspace's files lie inside it
    rules = "panjin.xm"
    (target / "workspace.yaml").write_text(text.replace("../../policies/branches/panjin.xm", rules), encoding="utf-8")
    return target


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _deal_ids(workspace: Path) -> list[str]:
    with (workspace / "deals.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row["deal_id"] for row in csv.DictReader(handle)]


def test_text_summary_names_departments_gates_and_reasons(workspace):
    result = run("evaluate", str(workspace))
    assert result.exit_code == 0, result.output
    for words in ("公司业务部", "failing gates:", "住房按揭最低户数", "rejected rows by reason:", "R001"):
        assert words in result.output


def test_json_has_the_shape_of_the_spec(workspace):
    document = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    assert set(document) >= {"rules", "period", "provisional", "deals", "departments", "products", "gates",
                             "rejected", "outlets", "reward"}
    assert set(document["departments"][0]) == {"department", "points", "reward"}
    assert set(document["products"][0]) == {"product", "code", "quantity", "target", "completion", "points", "counted"}
    assert set(document["gates"][0]) == {"gate", "scope", "key", "passed", "factor", "cite"}
    assert set(document["rejected"][0]) == {"row", "deal_id", "code", "reason", "reason_zh"}  # English for tools
    assert all(isinstance(d["points"], str) and len(d["points"].split(".")[1]) == 4 for d in document["departments"])


def test_monthly_statement_is_provisional_and_allocates_nothing(workspace):
    document = json.loads(run("evaluate", str(workspace), "--month", "2026-03", "--format", "json").output)
    assert document["provisional"] is True
    assert document["period"]["month"] == "2026-03"
    assert all(d["reward"] is None for d in document["departments"])
    assert all(g["gate"] != "产品完成率下限" for g in document["gates"])


def test_strict_exits_1_when_rows_are_rejected(workspace):
    assert run("evaluate", str(workspace)).exit_code == 0
    assert run("evaluate", str(workspace), "--strict").exit_code == 1


def test_out_writes_every_file_whole(workspace, tmp_path):
    out = tmp_path / "out"
    result = run("evaluate", str(workspace), "--out", str(out))
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert names == {"result.json", "deals.csv", "rejected.csv", "departments.csv", "staff.csv", "staff_warnings.csv",
                     "statement.xlsx", "report.html",
                     "考核表-2026.xlsx", "考核表-2026.csv"}  # the year end's KPI sheet for 人力资源部 (art. 17)
    document = json.loads((out / "result.json").read_text(encoding="utf-8"))
    with (out / "rejected.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == document["deals"]["rejected"]
    with (out / "deals.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == document["deals"]["accepted"]
    book = openpyxl.load_workbook(out / "statement.xlsx")
    assert book.sheetnames == ["部门积分", "产品完成", "人员积分", "交易明细", "剔除记录", "营销人员提示"]
    sheet = book["产品完成"]
    assert "盘锦分行" in sheet["A1"].value and any("版" in (sheet.cell(row, 1).value or "") for row in (2, 3, 4))
    header = int(sheet.freeze_panes[1:]) - 1
    assert [cell.value for cell in sheet[header]][:7] == ["产品", "代码", "数量", "目标", "完成率", "积分", "计入"]
    first = {label.value: cell for label, cell in zip(sheet[header], sheet[header + 1])}
    assert isinstance(first["目标"].value, (int, float)) and first["完成率"].number_format == "0.0%"
    assert 0 < first["完成率"].value < 10  # a ratio shown as a percentage, not digits as text
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "盘锦分行" in html


def _sheet_rows(sheet) -> list[dict]:
    header = int(sheet.freeze_panes[1:]) - 1
    labels = [cell.value for cell in sheet[header]]
    return [dict(zip(labels, row)) for row in sheet.iter_rows(min_row=header + 1, values_only=True)]


def test_out_shows_each_department_s_points_by_person_adding_up_to_the_department(workspace, tmp_path):
    out = tmp_path / "out"
    assert run("evaluate", str(workspace), "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out / "statement.xlsx")
    departments = {row["部门"]: Decimal(str(row["积分"])) for row in _sheet_rows(book["部门积分"])}
    people = _sheet_rows(book["人员积分"])
    assert {row["营销人员"] for row in people} >= {"韩立", "未分配"}
    for name, points in departments.items():
        assert sum(Decimal(str(row["积分"])) for row in people if row["部门"] == name) == points
    with (out / "staff.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [row["staff"] for row in csv.DictReader(handle)] == [row["营销人员"] for row in people]
    deals = {row["交易编号"]: row for row in _sheet_rows(book["交易明细"])}
    assert deals["PJ2026-00002"]["营销人员"] == "韩立@公司业务部、苏航@信用卡中心"
    assert deals["PJ2026-00002"]["人员分成"] == "信用卡中心：苏航 0.6000；公司业务部：韩立 2.4000"
    assert deals["PJ2026-00061"]["营销人员提示"].startswith("W303 ") and not deals["PJ2026-00061"]["人员分成"]
    notes = _sheet_rows(book["营销人员提示"])
    assert [(row["交易编号"], row["代码"]) for row in notes] == [
        ("PJ2026-00061", "W303 营销人员分成比例有误"), ("PJ2026-00251", "W301 营销人员部门名称有误")]
    assert "是否应为“公司业务部”" in notes[1]["提示"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "营销人员积分（第二十一条）" in html and "营销人员提示" in html and "确定营销人员的角色" in html


def test_text_lists_people_and_the_staff_entries_not_used(workspace):
    text = run("evaluate", str(workspace)).output
    assert re.search(r"公司业务部\s+未分配 unassigned\s+577\.6000", text)
    assert "W303 the percentages of a department's staff do not add up to 100: 1" in text
    assert "row 253 (PJ2026-00251) W301:" in text and "did you mean `公司业务部`?" in text


def test_explain_divides_a_department_s_share_among_its_people_and_says_why_not(workspace):
    text = run("explain", str(workspace), "--deal", "PJ2026-00002").output
    assert "6. staff 营销人员 (第二十一条): `韩立@公司业务部、苏航@信用卡中心`" in text
    assert "   公司业务部 2.4000, to the one person named:\n     韩立: 2.4000" in text
    assert "第二十一条：分支行公私联动交叉营销项目团队" in text
    text = run("explain", str(workspace), "--deal", "PJ2026-00061").output
    assert "公司业务部 40.0000: 未分配 unassigned (its entries could not be used, below)" in text
    assert "个人金融部 10.0000: 未分配 unassigned (no one is named for this department)" in text
    assert "W303 not used:" in text and "分成比例合计 90，不等于 100" in text


def test_explain_walks_a_gated_deal_to_its_article(workspace):
    document = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    project = next(g["key"] for g in document["gates"] if g["gate"] == "住房按揭最低户数")
    with (workspace / "deals.csv").open(encoding="utf-8-sig", newline="") as handle:
        deal_id = next(r["deal_id"] for r in csv.DictReader(handle) if r["project_id"] == project)
    result = run("explain", str(workspace), "--deal", deal_id)
    assert result.exit_code == 0, result.output
    text = result.output
    for words in ("1. validation: accepted", "2. points", "3. split", "住房按揭最低户数 (第二十条", "households()",
                  "threshold mortgage_exclusive × project.total_mortgages =",
                  "from the quantities of the project's accepted mortgages in the ledger",
                  "failed: otherwise zero, factor 0", "5. final shares:"):
        assert words in text
    assert "policies/measure/2026.xm:" in text or "2026.xm:" in text


def test_explain_a_rejected_deal_gives_its_reason(workspace):
    document = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    rejected = document["rejected"][0]
    result = run("explain", str(workspace), "--deal", rejected["deal_id"])
    assert result.exit_code == 0
    assert rejected["code"] in result.output


def test_explain_an_unknown_deal(workspace):
    result = run("explain", str(workspace), "--deal", "没有这笔")
    assert result.exit_code == 1
    assert "there is no deal `没有这笔`" in result.output


# ---- bad input: a message, the right exit code, never a traceback ------------------------------------


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _expect(result, code: int, *words: str):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    for word in words:
        assert word in result.output


def test_missing_column_names_column_table_and_rule(workspace):
    _write(workspace / "d.csv", "deal_id,date,product\nD1,2026-01-01,信用卡\n")
    _expect(run("evaluate", str(workspace), "--table", f"deals={workspace / 'd.csv'}"), 1,
            "`participants`", "deals table", "`activated` (the `when` of `信用卡` uses it)")


def test_empty_ledger(workspace):
    _write(workspace / "d.csv", "")
    _expect(run("evaluate", str(workspace), "--table", f"deals={workspace / 'd.csv'}"), 1, "is empty")


def test_header_only_ledger_is_a_result_with_no_rows(workspace):
    header = (workspace / "deals.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    _write(workspace / "d.csv", header + "\n")
    (workspace / "audit.csv").unlink()
    text = (workspace / "workspace.yaml").read_text(encoding="utf-8")
    (workspace / "workspace.yaml").write_text(text.replace("  audit: audit.csv\n", ""), encoding="utf-8")
    result = run("evaluate", str(workspace), "--table", f"deals={workspace / 'd.csv'}", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["deals"] == {"rows": 0, "accepted": 0, "rejected": 0}
    assert document["reward"]["note"]


def test_ragged_row_is_named(workspace):
    lines = (workspace / "deals.csv").read_text(encoding="utf-8-sig").splitlines()
    _write(workspace / "d.csv", "\n".join([lines[0], lines[1] + ",多,出,来"]) + "\n")
    _expect(run("evaluate", str(workspace), "--table", f"deals={workspace / 'd.csv'}"), 1, "row 2")


def test_gb18030_read_as_utf8_says_so(workspace):
    _write(workspace / "d.csv", (workspace / "deals.csv").read_text(encoding="utf-8-sig"), "gb18030")
    _expect(run("evaluate", str(workspace), "--table", f"deals={workspace / 'd.csv'}", "--encoding", "utf-8"), 1,
            "is not `utf-8` text", "--encoding")


def test_bad_cells_are_rejections_not_errors(workspace):
    lines = (workspace / "deals.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("date")] = "2026-13-45"
    _write(workspace / "d.csv", "\n".join([lines[0], ",".join(cells)]) + "\n")
    (workspace / "workspace.yaml").write_text(
        (workspace / "workspace.yaml").read_text(encoding="utf-8").replace("  audit: audit.csv\n", ""), encoding="utf-8")
    document = json.loads(run("evaluate", str(workspace), "--table", f"deals={workspace / 'd.csv'}",
                              "--format", "json").output)
    assert document["rejected"] == [{"row": 2, "deal_id": cells[0], "code": "R002",
                                     "reason": "date `2026-13-45` is not a date",
                                     "reason_zh": "日期“2026-13-45”不是有效日期，请写作 2026-03-01"}]


def test_xlsx_with_merged_header_and_empty_sheet(workspace):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["deal_id", "date", None, "product"])
    sheet.merge_cells("B1:C1")
    book.save(workspace / "merged.xlsx")
    _expect(run("evaluate", str(workspace), "--table", f"deals={workspace / 'merged.xlsx'}"), 1, "C1")
    openpyxl.Workbook().save(workspace / "empty.xlsx")
    _expect(run("evaluate", str(workspace), "--table", f"deals={workspace / 'empty.xlsx'}"), 1, "empty")


def test_workspace_naming_a_missing_file(workspace):
    (workspace / "projects.csv").unlink()
    _expect(run("evaluate", str(workspace)), 2, "projects.csv")


def test_unknown_option_and_missing_workspace():
    _expect(run("evaluate", "examples/panjin-2026", "--bogus"), 2, "error[U100]: no such option '--bogus'", "--help")
    _expect(run("evaluate", "/nowhere/at/all"), 2, "does not exist")


def test_missing_argument_and_required_option_are_named():
    _expect(run("evaluate"), 2, "error[U100]: missing argument 'WORKSPACE'", "--help")
    _expect(run("register", "file", "policies/branches/panjin.xm"), 2, "error[U100]: missing option '--by'",
            "register file --help")


def test_month_outside_the_period_and_malformed(workspace):
    _expect(run("evaluate", str(workspace), "--month", "2027-01"), 1, "outside the period")
    for month in ("三月", "2026-13", "2026-3"):  # the command line is wrong: a usage error
        _expect(run("evaluate", str(workspace), "--month", month), 2, f"`{month}` is not a month", "U101")
    _expect(run("sample", str(workspace), "--month", "2026-00"), 2, "is not a month")


def test_audit_sheet_with_unknown_deal_or_verdict(workspace):
    first = _deal_ids(workspace)[0]
    _write(workspace / "audit.csv", "deal_id,verdict,note\n不存在,rejected,\n")
    _expect(run("evaluate", str(workspace)), 1, "`不存在`", "not in the ledger")
    _write(workspace / "audit.csv", f"deal_id,verdict,note\n{first},也许,\n")
    _expect(run("evaluate", str(workspace)), 1, "`也许`", "confirmed")


def test_rules_with_errors_are_reported_before_any_table_is_read(workspace, tmp_path):
    rules = tmp_path / "policies/branches/broken.xm"
    rules.parent.mkdir(parents=True)
    shutil.copytree(ROOT / "policies/measure", tmp_path / "policies/measure")
    text = (ROOT / "policies/branches/panjin.xm").read_text(encoding="utf-8")
    rules.write_text(text.replace("pool 200万", "pool 奖金"), encoding="utf-8")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    _expect(run("evaluate", str(workspace), "--rules", str(rules)), 1, "error[E201]", "`奖金`")


def test_a_day_that_does_not_exist_is_rejected_in_its_month_and_undated_rows_are_a_warning(workspace):
    yearly = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    months = [json.loads(run("evaluate", str(workspace), "--month", f"2026-{m:02d}", "--format", "json").output)
              for m in range(1, 13)]
    impossible = [r for r in months[1]["rejected"] if r["code"] == "R002"]  # 2026-02-30: February's to fix
    assert [(r["deal_id"], r["reason"]) for r in impossible] == [
        ("PJ2026-00082", "date `2026-02-30` does not exist: 2026-02 has 28 days")]
    assert impossible[0]["reason_zh"] == "日期“2026-02-30”不存在：2026年2月只有 28 天"
    monthly_r002 = {r["row"] for m in months for r in m["rejected"] if r["code"] == "R002"}
    undated = [r["row"] for r in yearly["rejected"] if r["code"] == "R002" and r["row"] not in monthly_r002]
    assert undated and all(f"rows {', '.join(map(str, undated))}" in " ".join(m["warnings"]) for m in months)
    assert sum(m["deals"]["rows"] for m in months) + len(undated) == yearly["deals"]["rows"] - sum(
        1 for r in yearly["rejected"] if r["code"] == "R003")


def test_explain_says_what_is_wrong_with_a_date(workspace):
    text = run("explain", str(workspace), "--month", "2026-02", "--deal", "PJ2026-00082").output
    assert "does not exist: 2026-02 has 28 days" in text and "2026年2月只有 28 天" in text
    text = run("explain", str(workspace), "--month", "2026-03", "--deal", "PJ2026-00275").output
    assert "`2026年7月` is not a date" in text and "不属于任何月份" in text


def test_a_rejection_names_the_condition_with_its_values_and_line_and_the_name_meant(workspace):
    lines = (workspace / "deals.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    rejected = {r["deal_id"] for r in json.loads(run("evaluate", str(workspace), "--format", "json").output)["rejected"]}
    cells = next(line.split(",") for line in lines[1:] if line.split(",")[0] not in rejected)
    cells[header.index("deal_id")], cells[header.index("participants")] = "错部门", "公司业物部"
    (workspace / "deals.csv").write_text("\n".join(lines + [",".join(cells)]) + "\n", encoding="utf-8")
    document = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    by_id = {r["deal_id"]: r for r in document["rejected"]}
    assert by_id["错部门"]["reason_zh"] == "参与部门“公司业物部”不是管理办法中的部门，是否应为“公司业务部”？"
    assert by_id["错部门"]["reason"].endswith("did you mean `公司业务部`?")
    condition = next(r for r in document["rejected"] if r["code"] == "R012")
    assert "deal.activated = 否" in condition["reason_zh"] and "不符合计分条件" in condition["reason_zh"]
    text = run("explain", str(workspace), "--deal", condition["deal_id"]).output
    assert re.search(r"rule: deal\.activated .*panjin\.xm:\d+", text), text


def test_a_mortgage_naming_an_unknown_project_is_rejected_and_one_with_none_is_not_gated(workspace):
    lines = (workspace / "deals.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    mortgage = next(line for line in lines[1:] if line.split(",")[header.index("product")] in ("个人住房贷款", "MORTGAGE")
                    and line.split(",")[header.index("project_id")])
    rows = []
    for deal_id, project in (("无楼盘按揭", ""), ("未知楼盘按揭", "P-无此楼盘")):
        cells = mortgage.split(",")
        cells[header.index("deal_id")], cells[header.index("project_id")] = deal_id, project
        rows.append(",".join(cells))
    (workspace / "deals.csv").write_text("\n".join(lines + rows) + "\n", encoding="utf-8")
    document = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    assert [(r["deal_id"], r["code"]) for r in document["rejected"] if "楼盘按揭" in r["deal_id"]] == \
        [("未知楼盘按揭", "R013")]
    explained = run("explain", str(workspace), "--deal", "无楼盘按揭").output
    assert "住房按揭最低户数" not in explained and "1. validation: accepted" in explained


def test_a_misspelt_outlet_is_a_warning_in_both_languages_with_the_outlet_meant(workspace):
    text = (workspace / "deals.csv").read_text(encoding="utf-8-sig")
    (workspace / "deals.csv").write_text(text.replace("兴隆台支行", "兴隆台之行"), encoding="utf-8")
    document = json.loads(run("evaluate", str(workspace), "--format", "json").output)
    assert any(w.startswith("outlet `兴隆台之行` is not declared") and w.endswith("did you mean `兴隆台支行`?")
               for w in document["warnings"])
    assert any(w.startswith("网点“兴隆台之行”未在实施细则中声明") and w.endswith("是否应为“兴隆台支行”？")
               for w in document["warnings_zh"])


def test_every_reason_code_has_its_chinese_words():
    assert set(REASONS_ZH) == set(REASONS)


def test_out_onto_the_workspace_refuses_to_replace_its_ledger(workspace):
    ledger = (workspace / "deals.csv").read_bytes()
    result = run("evaluate", str(workspace), "--out", str(workspace))
    assert result.exit_code == 2 and "U110" in result.output and "deals.csv" in result.output
    assert (workspace / "deals.csv").read_bytes() == ledger
    assert not (workspace / "result.json").exists()  # refused before anything was written


def test_compile_refuses_to_write_over_its_rules(tmp_path):
    rules = Path(__file__).resolve().parents[1] / "policies" / "branches" / "panjin.xm"
    text = rules.read_bytes()
    result = run("compile", str(rules), "-o", str(rules))
    assert result.exit_code == 2 and "U110" in result.output
    assert rules.read_bytes() == text


# ---- the engine and the Spark server a workspace names ---------------------------------------------

def _settings(tmp_path: Path, lines: str) -> Path:
    from .test_evaluation import _copy_example

    workspace = _copy_example(tmp_path)
    with (workspace / "workspace.yaml").open("a", encoding="utf-8") as handle:
        handle.write(lines)
    return workspace


def test_the_workspace_s_engine_runs_unless_the_command_line_names_another(tmp_path):
    from crossmarket_dsl.engine.session import open_session

    workspace = _settings(tmp_path, "engine: duckdb\n")
    assert open_session(workspace, engine=None).engine == "duckdb"
    assert open_session(workspace, engine="python").engine == "python"
    assert open_session(workspace).engine == "duckdb"  # commands without `--engine` run the workspace's engine


@pytest.fixture
def spark_where(monkeypatch):
    """Where Spark runs is the process's: put back after the test."""
    from crossmarket_dsl.engine import spark

    monkeypatch.setattr(spark, "_remote", None)
    monkeypatch.delenv("SPARK_REMOTE", raising=False)


@pytest.mark.parametrize("options, env, used", [
    ([], {}, "sc://127.0.0.1:1"),  # the workspace's
    ([], {"SPARK_REMOTE": "sc://127.0.0.1:2"}, "sc://127.0.0.1:2"),  # the environment wins over the file
    (["--spark-remote", "sc://127.0.0.1:3"], {"SPARK_REMOTE": "sc://127.0.0.1:2"}, "sc://127.0.0.1:3"),
])
def test_spark_runs_where_the_command_line_then_the_environment_then_the_workspace_says(tmp_path, spark_where,
                                                                                         options, env, used):
    workspace = _settings(tmp_path, "engine: spark\nspark_remote: sc://127.0.0.1:1\n")
    run = CliRunner().invoke(cli, ["evaluate", str(workspace), *options], env=env)
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert run.output.startswith(f"error[X203]: the Spark engine cannot reach the cluster at `{used}`")


def test_the_command_line_s_engine_wins_over_the_workspace_s(tmp_path, spark_where):
    workspace = _settings(tmp_path, "engine: spark\nspark_remote: sc://127.0.0.1:1\n")
    run = CliRunner().invoke(cli, ["evaluate", str(workspace), "--engine", "python", "--format", "json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["deals"]["rows"] == 505
