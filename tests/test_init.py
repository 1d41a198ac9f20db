"""`crossmarket init`: a new rules file from the measure that passes `check` once the criteria are written."""

from __future__ import annotations

import re

import pytest

from .panjin_copy import MEASURE, ROOT, run

EXAMPLES = ('  # "省内利税排名前200名"', '  # "政府、部队、机关团体和事业单位"', '  # "全国房地产企业200强"')


@pytest.fixture
def fresh(tmp_path):
    path = tmp_path / "鞍山分行.xm"
    result = run("init", "鞍山分行", "-o", path, "--measure", MEASURE)
    assert result.exit_code == 0, result.output
    return path


def test_the_header_names_the_branch_and_the_measures_period(fresh):
    text = fresh.read_text(encoding="utf-8")
    assert 'rules "鞍山分行公私联动交叉营销实施细则" {' in text
    assert 'implements "商业银行公私联动交叉营销管理办法" version "2026"' in text
    assert 'branch "鞍山分行"' in text and "effective 2026-01-01 to 2026-12-31" in text


def test_parameters_are_commented_out_with_their_article_and_bound(fresh):
    text = fresh.read_text(encoding="utf-8")
    assert "# set mortgage_exclusive = 85%  # 第二十条 (总行下限 85% head office's minimum)" in text
    assert "# set host_share = 20%  # 第十九条 (总行固定 fixed by head office)" in text
    assert "# set publish_days = 7  # 第二十一条" in text


def test_every_catalogue_product_has_points_and_a_target(fresh):
    text = fresh.read_text(encoding="utf-8")
    products = re.findall(r"^product (\S+) \{", text, flags=re.MULTILINE)
    assert products == ["个人住房贷款", "代发工资", "个人理财", "第三方存管", "贵宾客户", "个人贷款", "信用卡",
                        "企业联名卡", "电子银行", "个人存款", "借记卡", "其他中间业务"]
    assert text.count("target target_ratio * product.indicator") == len(products)


def test_check_names_the_missing_criteria_and_each_value_to_decide_then_passes(fresh):
    result = run("check", fresh, "--measure", MEASURE)
    assert result.exit_code == 1
    codes = re.findall(r"error\[(E\d+)\]", result.stdout)
    assert codes.count("E404") == 3 and set(codes) == {"E404", "E515"}
    assert all(f"`{dept}` has no target criteria" in result.stdout for dept in ("公司业务部", "机构业务部", "房地产信贷部"))
    text = fresh.read_text(encoding="utf-8")
    placeholders = [number for number, line in enumerate(text.splitlines(), 1) if "待定" in line]
    lines = [int(n) for n in re.findall(r"鞍山分行\.xm:(\d+):\d+: error\[E515\]", result.stdout)]
    assert lines == placeholders and len(lines) == codes.count("E515")  # every one, at its line
    for example in EXAMPLES:
        assert example in text
        text = text.replace(example, example.replace("# ", ""))
    text = re.sub(r"  # 待定[^\n]*", "", text)  # every value decided
    fresh.write_text(text, encoding="utf-8")
    result = run("check", fresh, "--measure", MEASURE)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.stdout
    fresh.write_text(_uncommented(text, "# award ", "# objective "), encoding="utf-8")  # art. 4, 17 as written
    result = run("check", fresh, "--measure", MEASURE)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.stdout


def _uncommented(text: str, *starts: str) -> str:
    """The commented-out blocks beginning with `starts`, each to its closing `# }`, with their `# ` removed."""
    lines, inside = [], False
    for line in text.splitlines():
        inside = inside or line.startswith(starts)
        lines.append(line[2:] if inside else line)
        inside = inside and not line.startswith("# }")
    assert sum(line.startswith(tuple(start[2:] for start in starts)) for line in lines) == len(starts)
    return "\n".join(lines) + "\n"


def test_refuses_to_overwrite_unless_forced(fresh):
    fresh.write_text("# mine", encoding="utf-8")
    result = run("init", "鞍山分行", "-o", fresh, "--measure", MEASURE)
    assert result.exit_code == 2 and "already exists" in result.stderr and "--force" in result.stderr
    assert fresh.read_text(encoding="utf-8") == "# mine"
    assert run("init", "鞍山分行", "-o", fresh, "--measure", MEASURE, "--force").exit_code == 0
    assert fresh.read_text(encoding="utf-8").startswith("# 鞍山分行公私联动交叉营销实施细则")


def test_the_measure_is_the_repositorys_else_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "examples")
    result = run("init", "营口分行", "-o", tmp_path / "yingkou.xm")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)  # outside any repository: the measure crossmarket ships
    result = run("init", "营口分行", "-o", tmp_path / "other.xm")
    assert result.exit_code == 0, result.output
    assert "--measure" not in result.stderr
    assert (tmp_path / "other.xm").read_text(encoding="utf-8") == (tmp_path / "yingkou.xm").read_text(encoding="utf-8")


def test_bad_branch_names_and_measures(tmp_path):
    assert run("init", '鞍山"分行', "-o", tmp_path / "a.xm", "--measure", MEASURE).exit_code == 2
    result = run("init", "鞍山分行", "-o", tmp_path / "a.xm", "--measure", ROOT / "policies/branches/panjin.xm")
    assert result.exit_code == 1 and "not head office's measure" in result.stderr
    result = run("init", "鞍山分行", "-o", tmp_path / "a.xm", "--measure", tmp_path / "missing.xm")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "a.xm").exists()


def test_filing_refuses_values_still_to_decide(fresh, tmp_path):
    register = tmp_path / "register.sqlite"
    result = run("register", "file", fresh, "--by", "省分行个人金融部", "--measure", MEASURE, "--register", register)
    assert result.exit_code == 1 and "error[F115]" in result.stderr and "nothing filed" in result.stderr
    assert "error[E515]" in result.stdout


def test_a_whole_workspace_that_evaluates_once_filled_in(tmp_path):
    folder = tmp_path / "营口"
    result = run("init", "营口分行", folder)
    assert result.exit_code == 0, result.output
    names = {path.name for path in folder.iterdir()}
    assert {"营口分行.xm", "workspace.yaml", "营口分行.test.yaml", "README.md", "交易台账.csv", "台账模板.xlsx"} <= names
    assert "待定" in (folder / "README.md").read_text(encoding="utf-8")
    rules = folder / "营口分行.xm"
    text = rules.read_text(encoding="utf-8")
    for example in EXAMPLES:
        text = text.replace(example, example.replace("# ", ""))
    rules.write_text(re.sub(r"  # 待定[^\n]*", "", text), encoding="utf-8")
    assert run("check", rules).exit_code == 0
    assert run("test", folder / "营口分行.test.yaml").exit_code == 0
    (folder / "交易台账.csv").write_text("交易编号,交易日期,产品名称,户数,客户号,参与部门\n"
                                     "YK1,2026-03-02,信用卡,2,C1,公司业务部\n", encoding="utf-8")
    (folder / "客户名册.csv").write_text("客户号,客户名称,tax_rank,type,national_rank\nC1,甲公司,10,,\n", encoding="utf-8")
    result = run("evaluate", folder, "--month", "2026-03", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"accepted": 1' in result.stdout


def test_the_workbook_has_a_sheet_a_table_with_notes_and_lists(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    assert run("init", "营口分行", tmp_path / "w").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "w" / "台账模板.xlsx")
    assert book.sheetnames == ["交易台账", "客户名册", "目标客户名单", "楼盘项目", "产品指标", "抽查结论"]
    deals = book["交易台账"]
    header = next(row for row in deals.iter_rows() if row[0].value == "交易编号")
    assert all(cell.comment is not None for cell in header)
    lists = {v.formula1 for v in deals.data_validations.dataValidation}
    assert any("信用卡" in formula for formula in lists)
    assert any("确认" in v.formula1 for v in book["抽查结论"].data_validations.dataValidation)


def test_a_workspace_never_overwrites(tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "交易台账.csv").write_text("mine", encoding="utf-8")
    result = run("init", "营口分行", folder)
    assert result.exit_code == 2 and "error[I106]" in result.stderr and "`交易台账.csv`" in result.stderr
    assert (folder / "交易台账.csv").read_text(encoding="utf-8") == "mine"
    assert sorted(path.name for path in folder.iterdir()) == ["交易台账.csv"]
    assert run("init", "营口分行", folder, "--force").exit_code == 0
