"""`crossmarket init BRANCH`: a new branch rules file, pre-filled from head office's measure.

What the measure fixes is written as it must stay (the header, the catalogue's products); what the branch
decides is written as a working default marked 待定 (to decide); what only the branch can know, its
target-client criteria (art. 9), is left as commented-out examples. So `check` on a fresh file reports
exactly the three missing criteria blocks (E404), and passes once the author has written them.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..core.errors import EXIT_INPUT, EXIT_USAGE, UserError
from ..io.files import atomic_write_text
from ..language import ast
from ..language.fmt import expression
from ..language.literals import string_literal
from ..language.pipeline import Compiled, load
from ..language.resolve import MEASURE_FOLDER, PACKAGED_MEASURES, declared_measures, policies_folder

ART9 = {  # head office's suggested standards (art. 9) and one criterion written out as an example
    "公司业务部": ("省内利税排名前200名；授信超过亿元的大型企业；优质上市公司；年销售额超过亿元的大型企业、"
                  "大型商业零售百货和专业市场；有贷款的优质客户；县级以上优质政府投融资平台；"
                  "全球500强独资或控股的外资企业；省内销售额前20名的外贸公司；县域优质企业",
                  '"省内利税排名前200名": client.tax_rank <= 利税排名前列 cite "第九条"'),
    "机构业务部": ("签约的优质证券、保险、银行等金融同业；县级以上政府、部队、机关团体和事业单位；"
                  "211大学、省属重点大学、三级医院、4A级以上景区、三星级以上宾馆；县级以上优质政府投融资平台",
                  '"政府、部队、机关团体和事业单位": client.type in ["政府", "部队", "机关", "事业单位"] cite "第九条"'),
    "房地产信贷部": ("我行牵头和参与用信的房地产开发楼盘；全国房地产企业200强；县级以上优质政府投融资平台；"
                    "优质房地产开发企业拥有的经营性物业",
                    '"全国房地产企业200强": client.national_rank <= 全国房地产企业排名前列 cite "第九条"'),
}
GENERIC_EXAMPLE = '"标准名称": client.字段 == "值" cite "第九条"'


class InitError(UserError):
    """Why no file was written. `usage` is set when the command line is at fault (no measure to be found,
    the file exists): exit 2; `compiled` holds a measure's diagnostics when it has errors."""

    def __init__(self, code: str, message: str, help: str | None = None, *, usage: bool = False,
                 compiled: Compiled | None = None):
        super().__init__(code, message, help=help, exit_status=EXIT_USAGE if usage else EXIT_INPUT)
        self.usage = usage
        self.compiled = compiled


def find_measure(folder: Path) -> Path:
    """The one measure in `policies/measure/` of the repository `folder` lies in, else the one crossmarket ships."""
    policies = policies_folder(folder / "rules.xm")
    measures = sorted(declared_measures(policies / MEASURE_FOLDER)) if policies is not None else []
    measures = measures or sorted(declared_measures(PACKAGED_MEASURES))
    if len(measures) != 1:
        listed = ", ".join(f"`{path.name}`" for path in measures) or "none"
        raise InitError("I101", f"there are {len(measures)} measures to start from ({listed}), not one",
                        help="name the measure to start from with `--measure FILE`", usage=True)
    return measures[0]


def load_measure(path: Path) -> Compiled:
    compiled = load(path)
    if compiled.program is not None and compiled.program.kind != "measure":
        raise InitError("I103", f"`{path}` is a branch's rules file, not head office's measure",
                        help="name the measure with `--measure FILE`, e.g. `policies/measure/2026.xm`")
    if not compiled.ok:
        raise InitError("I104", f"the measure `{path}` has errors", compiled=compiled)
    return compiled


def rules_text(branch: str, measure: Compiled) -> str:
    """The whole new rules file."""
    ir = measure.ir
    sections = [_header(branch, ir), _params(measure), _outlets(), _targets(measure), _products(ir), _split(),
                _audit(), _reward(), _attribution(), _awards()]
    return "\n\n".join(sections) + "\n"


def write_new(path: Path, text: str, force: bool) -> None:
    """Create the file; an existing one is replaced only with `force` (and then whole, via a rename)."""
    if path.exists() and not force:
        raise InitError("I105", f"`{path}` already exists", help="choose another file with `-o FILE`, or replace it with --force",
                        usage=True)
    atomic_write_text(path, text)


def _header(branch: str, ir: dict) -> str:
    header = ir["header"]["measure"]
    name, version = header["name"], header["version"]
    start, end, note = effective_period(ir)
    title = f"{branch}公私联动交叉营销实施细则"
    return "\n".join([
        f"# {title}：由 `crossmarket init` 依据《{name}》{version} 生成。",
        "# Written by `crossmarket init` from head office's measure. Write the target criteria (第九条),",
        "# decide every value marked as still to decide, then run `crossmarket check`: it lists each one.",
        f"rules {string_literal(title)} {{",
        f"  implements {string_literal(name)} version {string_literal(version)}",
        f"  branch {string_literal(branch)}",
        f"  effective {start} to {end}{note}",
        "}",
    ])


def effective_period(ir: dict) -> tuple[str, str, str]:
    """The measure's period (from, to, ""), else this calendar year and a note to decide it."""
    effective = ir["header"]["measure"].get("effective")
    if effective:
        return effective["from"], effective["to"], ""
    year = date.today().year
    return f"{year}-01-01", f"{year}-12-31", "  # 待定：总行办法未规定有效期"


def _params(measure: Compiled) -> str:
    bounds = _param_bounds(measure.schema_path)
    lines = ["# 参数：总行办法的默认值。需要调整时去掉行首的 # 并修改，不得超出总行的界限。",
             "# Parameters at head office's defaults: uncomment a line to set the branch's own value."]
    for binding in _bindings(measure.measure, "param"):
        cite = f"  # {binding.cite.article}" if binding.cite else "  #"
        bound = bounds.get(binding.name.text, "")
        lines.append(f"# set {binding.name.text} = {expression(binding.value)}{cite}{bound}")
    return "\n".join(lines)


def _bindings(program: ast.Program, keyword: str) -> list[ast.Binding]:
    return [d for d in program.declarations if isinstance(d, ast.Binding) and d.keyword == keyword]


def _param_bounds(schema_path: Path | None) -> dict[str, str]:
    """What head office's schema allows for each parameter: ` (fixed by head office)` or a minimum."""
    if schema_path is None:
        return {}
    bounds: dict[str, str] = {}
    for name, rule in _schema_params(json.loads(schema_path.read_text(encoding="utf-8"))).items():
        value = rule.get("properties", {}).get("value", {})
        if "const" in value:
            bounds[name] = " (总行固定 fixed by head office)"
        elif "minimum" in value:
            shown = _bound_text(Decimal(str(value["minimum"])), value.get("x-format"))
            bounds[name] = f" (总行下限 {shown} head office's minimum)"
    return bounds


def _schema_params(node) -> dict:
    """The `params.properties` of head office's schema, wherever its `allOf` nests them."""
    if isinstance(node, dict):
        params = node.get("properties", {}).get("params", {}).get("properties")
        if isinstance(params, dict):
            return params
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return {}
    for child in children:
        if found := _schema_params(child):
            return found
    return {}


def _bound_text(value: Decimal, form: str | None) -> str:
    if form == "percent":
        return f"{(value * 100).normalize():f}%"
    return f"{value.normalize():f}" + (" 天" if form == "days" else "")


def _outlets() -> str:
    return "\n".join(["# 第十条、第十四条：协办营销、负责售后服务的经营行网点（按需去掉 # 并改名）。",
                      "# Outlets that co-organise marketing (art. 10, 14):",
                      '# outlet 某某支行 cite "第十条"'])


def _targets(measure: Compiled) -> str:
    figures = "、".join(f"{b.name.text} = {expression(b.value)}" for b in _bindings(measure.measure, "let"))
    intro = ["# 第七至九条：对公类目标客户标准，每个对公部门至少写一条（总行方案要求），否则 check 报 E404。",
             "# Target-client criteria (art. 7–9): each corporate department needs at least one; the examples",
             "# below are commented out: write your own, or remove the # of an example that fits your register."]
    if figures:
        intro.append(f"# 总行办法提供的数值 figures from the measure: {figures}")
    blocks = []
    for department in (d["name"] for d in measure.ir["departments"] if d["kind"] == "corporate"):
        suggested, example = ART9.get(department, ("", GENERIC_EXAMPLE))
        lines = [f"targets for {department} {{"]
        if suggested:
            lines.append(f"  # 第九条建议 suggested: {suggested}")
        lines += [f"  # {example}", '} cite "第八条"']
        blocks.append("\n".join(lines))
    return "\n".join(intro) + "\n\n" + "\n\n".join(blocks)


def _products(ir: dict) -> str:
    intro = ["# 第十八条、第十九条：纳入交叉营销的产品、单位积分和考核目标（不经营的产品可整块删除）。",
             "# 积分分值按产品重要程度和利润贡献率确定；目标值建议为下年度产品条线指标的 10%（target_ratio），",
             "# 指标在工作区的 indicators 表中给出。Points per unit are to decide; targets default to art. 18."]
    blocks = []
    for entry in ir["catalog"]:
        blocks.append("\n".join([
            f"product {entry['name']} {{  # {entry['code']}，主办部门 {entry['host']}，单位 {entry['unit']}",
            "  points 1 per unit  # 待定：每单位积分 (to decide)",
            "  target target_ratio * product.indicator",
            "}",
        ]))
    return "\n".join(intro) + "\n" + "\n\n".join(blocks)


def _split() -> str:
    return "\n".join(["# 第十九条：主办部门得 20%，参与部门分 80%，默认平分；参与部门间比例协商确定时改为：",
                      "# Art. 19: participants share equally; to split by the shares written in the ledger:",
                      "# split { by declared }"])


def _audit() -> str:
    return "\n".join([
        "# 第二十一条：内控合规部月度审核与真实性抽查（crossmarket sample 按此比例抽样）。",
        "# Art. 21: monthly spot checks; the draw's secret is 内控合规部's own (crossmarket audit commit), never the rules'.",
        "audit {",
        "  spot_check 10%  # 待定：抽查比例 (to decide)",
        '  cite "第二十一条"',
        "}",
    ])


def _reward() -> str:
    return "\n".join([
        "# 第二十二条：奖励总额按部门积分占比分配，最大余数法取整。Art. 22: the reward pool.",
        "reward {",
        "  pool 100万  # 待定：本行奖励总额 (to decide)",
        "  allocate pro_rata",
        "  rounding 0.01 half_up",
        '  cite "第二十二条"',
        "}",
    ])


def _attribution() -> str:
    return "\n".join([
        "# 第十七条：中间业务收入和新增存款归属协办网点（台账有这些列时去掉 #）。Art. 17:",
        "# attribute to outlet {",
        '#   "中间业务收入": deal.fee_income',
        '#   "新增存款": deal.new_deposits',
        '# } cite "第十七条"',
    ])


def _awards() -> str:
    """Art. 4 and 17 as commented examples: the committee names key projects and sets year-start targets
    during the year, so a new branch file starts without them."""
    return "\n".join([
        "# 第四条、第十七条：重点项目或重点客户的突破给予专项奖励（委员会确定后去掉 # 并修改）。",
        "# Art. 4, 17: a key project's or client's breakthrough earns named departments points at year end:",
        '# award 某某项目突破 for project "项目编号" {  # 或 for client "客户编号"',
        '#   cite "第四条"',
        "#   when count() >= 1  # 全年受理的交易笔数",
        "#   to 房地产信贷部 200",
        "#   to 个人金融部 100",
        '# } cite "第十七条"',
        "",
        "# 第十七条：部门年初目标（积分）；完成不理想的扣分，完成突出的专项奖励，自上而下取第一条成立的。",
        "# Art. 17: a department's year-start target, a deduction below it and a special award above it:",
        "# objective 公司业务部 {",
        "#   target 1000",
        "#   completion < 60% deduct 10% of points",
        "#   completion < 80% deduct 20",
        "#   completion >= 120% award 80",
        '#   cite "第十七条"',
        "# }",
    ])
