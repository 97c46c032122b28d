"""The .xlsx reader of every import (core.xlsx.read_rows): calamine reads the sheet, and a cell comes back as it
did when openpyxl read it (whole numbers as int, dates as datetime, blanks as None); the sheets calamine would
read differently or in too much memory (an error value, a cell far out) are read by openpyxl, to the same result."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from jiandu.core.errors import ImportFailed
from jiandu.core.xlsx import Column, read_rows, write_workbook

COLUMNS = [Column("name", "名称", required=True), Column("n", "数量"), Column("on", "日期"), Column("note", "备注")]


def _file(rows: list[list], extra: dict | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["名称 *", "数量", "日期", "备注"])
    for row in rows:
        ws.append(row)
    for ref, value in (extra or {}).items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _patched(data: bytes, old: bytes, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in part
                part = part.replace(old, new)
            dst.writestr(info, part)
    return out.getvalue()


def test_cells_come_back_as_openpyxl_read_them():
    data = _file(
        [
            ["  甲  ", 3, date(2022, 4, 28), None],
            ["乙", 2.5, datetime(2022, 4, 28, 9, 30), True],
            [None, None, None, "   "],  # blank: skipped
            ["丙", 3.0, "2022-04-28", 0],
        ]
    )
    rows = read_rows(data, COLUMNS)
    assert [n for n, _r in rows] == [2, 3, 5]
    first, second, third = (r for _n, r in rows)
    assert first == {"name": "甲", "n": 3, "on": datetime(2022, 4, 28), "note": None}
    assert type(first["n"]) is int
    assert second == {"name": "乙", "n": 2.5, "on": datetime(2022, 4, 28, 9, 30), "note": True}
    assert third == {"name": "丙", "n": 3, "on": "2022-04-28", "note": 0}


def test_our_own_export_reads_back():
    data = write_workbook("x", COLUMNS, [{"name": "甲", "n": 7, "on": date(2022, 1, 2), "note": " 前后有空格 "}])
    assert read_rows(data, COLUMNS) == [(2, {"name": "甲", "n": 7, "on": datetime(2022, 1, 2), "note": "前后有空格"})]


def test_an_error_value_pasted_as_a_value_is_read_as_its_text():
    data = _file([["甲", 1, None, None]])
    data = _patched(data, b'<c r="B2" t="n"><v>1</v></c>', b'<c r="B2" t="e"><v>#N/A</v></c>')
    assert read_rows(data, COLUMNS) == [(2, {"name": "甲", "n": "#N/A", "on": None, "note": None})]


def test_a_value_far_out_is_read_without_a_grid_that_spans_it():
    rows = read_rows(_file([["甲", 1, None, None]], extra={"BM2": "远处的值"}), COLUMNS)
    assert rows == [(2, {"name": "甲", "n": 1, "on": None, "note": None})]


def test_rows_past_the_limit_are_refused_whoever_reads_them(monkeypatch):
    from jiandu.core import xlsx

    monkeypatch.setattr(xlsx, "MAX_IMPORT_ROWS", 2)
    for data in (_file([["甲", 1, None, None]] * 3), _file([["甲", 1, None, None]], extra={"A250000": "远"})):
        with pytest.raises(ImportFailed) as e:
            read_rows(data, COLUMNS)
        assert "2行的上限" in e.value.rows[0][2]
