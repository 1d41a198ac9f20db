"""Inline SVG charts: well-formed, escaped, no script, and in the `evaluate --out` report."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossmarket_dsl.cli import cli
from crossmarket_dsl.reports.charts import bar_chart, completion_chart, line_chart

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(svg: str) -> list[str]:
    return [node.text for node in parsed(svg).iter(f"{SVG}text")]


def test_bar_chart_labels_values_and_escaping():
    svg = bar_chart("部门积分 <points>", [("公司业务部", D("330.8")), ("A&B", D("0"))])
    assert "公司业务部" in texts(svg) and "330.8000" in texts(svg) and "A&B" in texts(svg)
    assert "<points>" not in svg.replace("&lt;points&gt;", "")
    assert len(list(parsed(svg).iter(f"{SVG}rect"))) == 2


def test_bar_chart_with_a_negative_value_and_no_values():
    svg = bar_chart("x", [("负", D("-3")), ("正", D("5"))])
    widths = [float(rect.get("width")) for rect in parsed(svg).iter(f"{SVG}rect")]
    assert all(width > 0 for width in widths)
    parsed(bar_chart("空", []))


def test_completion_chart_marks_the_floor_and_colours_by_it():
    svg = completion_chart("完成率", [("贵宾客户", D("0.4")), ("信用卡", D("1.2")), ("个人理财", None)], D("0.5"))
    root = parsed(svg)
    assert "下限 50.0%" in texts(svg)
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{SVG}line"))
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert fills[0] != fills[1] and len(fills) == 2  # no bar for a product without a target
    assert "—" in texts(svg)


def test_a_monthly_completion_chart_measures_against_the_floor_pro_rated_and_draws_no_red():
    svg = completion_chart("完成率", [("贵宾客户", D("0.1")), ("信用卡", D("0.2"))], D("0.5"), pace=D(3) / 12)
    root = parsed(svg)
    assert "按进度下限 12.5%（全年 50.0%）" in texts(svg)
    assert [rect.get("fill") for rect in root.iter(f"{SVG}rect")] == ["#d9822b", "#2e8b57"]  # behind pace, on pace
    marker = next(line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray"))
    bar = next(iter(root.iter(f"{SVG}rect")))
    scale = float(bar.get("width")) / 0.1
    assert float(marker.get("x1")) == pytest.approx(float(bar.get("x")) + 0.125 * scale, abs=0.1)


def test_line_chart_one_line_per_series_with_a_legend():
    months = [f"{m}月" for m in range(1, 13)]
    series = {"公司业务部": [D(m) for m in range(12)], "机构业务部": [D(0)] * 12}
    root = parsed(line_chart("走势", months, series))
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert {"公司业务部", "机构业务部"} <= set(texts(line_chart("走势", months, series)))


def test_line_chart_of_one_month_and_of_nothing():
    parsed(line_chart("走势", ["3月"], {"公司业务部": [D(5)]}))
    parsed(line_chart("走势", [], {}))


def test_evaluate_report_has_the_three_charts_and_no_script(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["evaluate", str(ROOT / "examples/panjin-2026"), "--month", "2026-03",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert "<script" not in html.lower() and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "各部门月度积分走势" in html and "3月" in html
    assert "按进度下限 12.5%（全年 50.0%）" in html  # after March, a quarter of the year's floor
