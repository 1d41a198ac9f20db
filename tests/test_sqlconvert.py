"""The columnar engine's cell conversions (`sqlexpr.CONVERSIONS`, in stages over distinct texts) run in DuckDB
give what `semantics/values.py` gives, the reference: numbers, dates, the month a date is written in,
booleans; and the same conversions written where they are used (`to_number`, `to_date`, `to_bool`) agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest.mock import patch

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from crossmarket_dsl.engine.sqlexpr import CONVERSIONS, fill, staged, to_bool, to_date, to_number
from crossmarket_dsl.engine.sqltext import render
from crossmarket_dsl.semantics import values

LIMIT, PLACES = Decimal(10) ** 23, -8
"""Numbers are DECIMAL(38, 12) in SQL, the reference's up to 40 digits: they agree on numbers of up to 23 digits
before the point and 8 after, whose text before a `%` or `万` fits too."""

WANTED = {"num": ("num", "num"), "date": ("date", "date"), "month": ("date", "month"), "bool": ("bool", "bool")}

_SPACES = st.sampled_from(["", "", " ", "\t", "\u3000", "  ", "\u00a0", "\u2003"])
_FULL_WIDTH = str.maketrans("0123456789.,%+-/:eE_T", "０１２３４５６７８９．，％＋－／：ｅＥ＿Ｔ")


def _digits(least: int, most: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=least, max_size=most)


@st.composite
def _numbers(draw) -> str:
    whole = draw(_digits(0, 13))
    if draw(st.booleans()) and len(whole) > 3:  # thousands separators, in their places or not
        groups = [whole[max(0, end - 3):end] for end in range(len(whole), 0, -3)][::-1]
        whole = ",".join(groups) if draw(st.booleans()) else whole[:2] + "," + whole[2:]
    text = draw(st.sampled_from(["", "+", "-"])) + whole
    if draw(st.booleans()):
        text += "." + draw(_digits(0, 5))
    if draw(st.integers(0, 5)) == 0:
        text += draw(st.sampled_from(["e", "E"])) + draw(st.sampled_from(["", "-", "+"])) + draw(_digits(1, 2))
    if draw(st.integers(0, 7)) == 0:
        text = text[:1] + "_" + text[1:]
    suffix = draw(st.sampled_from(["", "", "%", "万", "亿", "元", "万元", "亿元", "%元", "元万"]))
    text += draw(_SPACES) + suffix if suffix else ""
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    return draw(_SPACES) + text + draw(_SPACES)


@st.composite
def _dates(draw) -> str:
    year = draw(st.sampled_from(["2026", "0000", "1999", "9999", "26", "20260"]))
    month, day = draw(_digits(1, 2)), draw(_digits(1, 3))
    shape = draw(st.sampled_from(["{}-{}-{}", "{}/{}/{}", "{}.{}.{}", "{}{}{}", "{}年{}月{}日", "{}-{}/{}"]))
    if shape == "{}{}{}":
        month, day = month.zfill(2), day[:2].zfill(2)
    text = shape.format(year, month, day)
    text += draw(st.sampled_from(["", "", " 09:30:00", "T09:30", " 上午", "T", " ", "日"]))
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    return draw(_SPACES) + text + draw(_SPACES)


_WORDS = st.sampled_from(["是", "否", "true", "FALSE", "Y", "n", "Yes", "NO", "1", "0", "对", "", "yes ", "1.0"])
_ANYTHING = st.text("0123456789０１２３４５６７８９.,%+-eE_ 　\t\u00a0万亿元年月日/:T是否yn．，％ｅ", max_size=14)
CELLS = st.one_of(_numbers(), _dates(), _WORDS.map(lambda word: word.upper() if len(word) % 2 else word), _ANYTHING)


def _converted(texts: list[str]) -> dict[str, dict]:
    """Each text's conversions, as the rows query computes them: a table of distinct texts, in stages."""
    con = duckdb.connect()
    con.execute("CREATE TABLE cells (text VARCHAR)")
    con.executemany("INSERT INTO cells VALUES (?)", [[text] for text in texts])
    source = exp.select("text").distinct().from_("cells")
    wanted = {alias: (CONVERSIONS[kind], result) for alias, (kind, result) in WANTED.items()}
    query = staged(source, ["text"], fill("NULLIF(text, '')"), wanted)
    columns = ["text", *WANTED]
    found = {row[0]: dict(zip(columns, row)) for row in con.execute(render(query, "duckdb")).fetchall()}
    inline = exp.select("text", *(exp.alias_(convert(fill("NULLIF(text, '')")), name)
                                  for name, convert in (("num", to_number), ("date", to_date), ("bool", to_bool))))
    for text, *results in con.execute(render(inline.from_("cells"), "duckdb")).fetchall():
        assert results == [found[text]["num"], found[text]["date"], found[text]["bool"]], text
    return found


def _month(text: str) -> date | None:
    """The month a date is written in, as the row loop decides it (`rows.written_month`)."""
    parts = values.written_date(text)
    if parts is None or not (1 <= parts[0] and 1 <= parts[1] <= 12):
        return None
    return date(parts[0], parts[1], 1)


def _agrees(text: str, found: dict) -> None:
    number = values.to_number(text) if text else None
    with patch.object(values, "MAX_DIGITS", 1000):  # the number as written, however long (`0e40` is 0)
        written = values.to_number(text) if text else None
    if written is None or (number is not None and abs(number) < LIMIT and number.as_tuple().exponent >= PLACES):
        assert found["num"] == number, (text, found["num"], number)
    assert found["date"] == (values.to_date(text) if text else None), text
    assert found["month"] == (_month(text) if text else None), text
    assert found["bool"] == (values.to_bool(text) if text else None), text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELLS, min_size=1, max_size=40))
@example(["0_e40", "1,234.50", " 85% ", "1.2亿", "10万元", "１２３，４５６", "1,5", "1_000", "\t5", "5\u3000万", "-0",
          "2026-03-01", "2026/3/1", "20260301", "2026年3月1日", "2026-03-01 09:30:00", "2026-03-01T09:30",
          "2026-04-31", "0000-01-01", "2026-03-01 上午", "是", "FALSE", "y", " 1 ", "", " "])
def test_the_sql_conversions_of_cells_are_the_reference_s(texts):
    found = _converted(texts)
    for text in texts:
        _agrees(text, found[text])


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres"])
def test_a_conversion_writes_each_stage_once(dialect):
    """Staged, a number's text is normalised once in the query; written where it is used, many times."""
    wanted = {"num": (CONVERSIONS["num"], "num")}
    text = render(staged(exp.select("text").from_("cells"), ["text"], exp.column("text"), wanted), dialect)
    assert text.count("TRANSLATE(") == 1 and text.count("０１２３４５６７８９") == 1
    assert render(to_number(exp.column("text")), dialect).count("TRANSLATE(") > 10
