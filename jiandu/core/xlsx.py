"""Ledgers are Excel (DESIGN §7): one writer and one reader, used by every export and import.

An import template is the export format: the same columns with the same Chinese headers. The reader
returns raw cell values keyed by column; each module's import service parses and validates them, collects
every error as (row, column header, message) and writes nothing unless there are none.
"""

import io
import queue
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from xml.sax.saxutils import escape

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum

from .errors import ImportFailed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as the user reads it
    width: int = 16
    required: bool = False


def write_workbook(sheet_title: str, columns: list[Column], rows) -> bytes:
    """`rows` yields dicts keyed by column key (or sequences in column order); see save_workbook."""
    buf = io.BytesIO()
    save_workbook(buf, sheet_title, columns, rows)
    return buf.getvalue()


def save_workbook(target, sheet_title: str, columns: list[Column], rows) -> int:
    """Write the workbook to `target` (a path or a binary file), row by row; returns the number of rows.

    Nothing holds all rows: `rows` is consumed as it is written into the zip stream, so an export of any size
    runs in bounded memory. Two threads share the work: this one takes the rows (an export's rows come from the
    database, chunk by chunk, on this thread's connection), a writer thread turns them into the sheet's XML and
    compresses it. While one waits — on the database, or in zlib, which lets go of the interpreter — the
    other works: on two cores the database's time hides behind the writing (the PostgreSQL problem ledger:
    19,600 → 34,000 rows/s). Batches of BATCH rows pass between them through a queue of at most QUEUED batches."""
    batches: queue.Queue = queue.Queue(maxsize=QUEUED)
    result: dict = {}

    def write() -> None:
        try:
            result["count"] = _write_package(target, sheet_title, columns, _drained(batches))
        except BaseException as e:  # handed to the caller's thread below
            result["error"] = e
            while batches.get() is not None:  # let the producer finish putting (it stops at the next batch)
                pass

    writer = threading.Thread(target=write, name="xlsx-writer", daemon=True)
    writer.start()
    try:
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                batches.put(batch)
                batch = []
                if "error" in result:
                    break
        if batch:
            batches.put(batch)
    finally:
        batches.put(None)
        writer.join()
    if "error" in result:
        raise result["error"]
    return result["count"]


BATCH = 500  # rows handed to the writer thread at a time
QUEUED = 8  # batches waiting at most: bounded memory


def _drained(batches: queue.Queue):
    while (batch := batches.get()) is not None:
        yield batch


def _write_package(target, sheet_title: str, columns: list[Column], batches) -> int:
    """The writer thread's part of save_workbook. The sheet's XML is written here rather than by openpyxl's
    write-only mode, which builds a cell object per value: on the 15-column problem ledger that mode wrote
    5,900 rows/s, this writer 31,000 (DESIGN §10 asks 20,000; docs/benchmarks.md), and 110,000 with the cell
    loop inlined and deflate at level 3 (level 6 took a third of the writer's time for a file 12 % smaller).
    Imports are read by calamine (read_rows); openpyxl reads the tests' files and writes the statistical
    reports."""
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    keys = [c.key for c in columns]
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as zf:
        for name, content in _package_parts(sheet_title).items():
            zf.writestr(name, content)
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_head(columns, letters).encode())
            block = []
            add = block.append
            for row in chain.from_iterable(batches):
                count += 1
                number = count + 1
                values = [row.get(k) for k in keys] if type(row) is dict else row
                add(f'<row r="{number}">')
                # The cell loop is inlined (a function call per cell was a fifth of an export): text, the
                # commonest value, and the empty cell are written here, every other type by _xml_cell.
                for col, v in zip(letters, values, strict=False):
                    if type(v) is str:
                        if v:
                            if _NEEDS_ESCAPE.search(v):
                                v = escape(_INVALID_XML.sub("", v))
                            if v[0] in _EDGE_SPACE or v[-1] in _EDGE_SPACE:
                                add(f'<c r="{col}{number}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>')
                            else:
                                add(f'<c r="{col}{number}" t="inlineStr"><is><t>{v}</t></is></c>')
                    elif v is not None:
                        add(_xml_cell(f"{col}{number}", v))
                add("</row>")
                if len(block) > 8000:
                    sheet.write("".join(block).encode())
                    block.clear()
            add("</sheetData></worksheet>")
            sheet.write("".join(block).encode())
    return count


# --- The parts of an .xlsx package (ECMA-376 SpreadsheetML): one sheet, one style sheet ---

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Style indexes (cellXfs below): 0 plain, 1 date, 2 date and time, 3 header (bold white on red, centred).
_DATE, _DATETIME, _HEADER = 1, 2, 3
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF9E1B1B"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EDGE_SPACE = frozenset(" \t\n\r\u3000")  # XML would keep them; Excel drops them unless told
_INVALID_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_EXCEL_EPOCH = date(1899, 12, 30)


def _package_parts(sheet_title: str) -> dict[str, str]:
    name = _INVALID_IN_SHEET_NAME.sub("_", sheet_title)[:31] or "Sheet1"
    return {
        "[Content_Types].xml": (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }


def _sheet_head(columns: list[Column], letters: list[str]) -> str:
    """The sheet up to and including the header row: frozen below the header, column widths."""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>' for i, c in enumerate(columns, start=1)
    )
    header = "".join(
        f'<c r="{col}1" s="{_HEADER}" t="inlineStr"><is><t>{_xml_text(c.header + (" *" if c.required else ""))}'
        "</t></is></c>"
        for col, c in zip(letters, columns, strict=True)
    )
    return (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
        f'<sheetData><row r="1">{header}</row>'
    )


def _xml_text(value: str) -> str:
    if _NEEDS_ESCAPE.search(value):
        return escape(_INVALID_XML.sub("", value))
    return value


def _inline_text(ref: str, text: str) -> str:
    """A text cell; xml:space="preserve" only where it matters, on text that begins or ends with a space."""
    text = _xml_text(text)
    if not text:
        return ""
    if text[0] in _EDGE_SPACE or text[-1] in _EDGE_SPACE:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _xml_cell(ref: str, value) -> str:
    """One cell of a data row; an empty value writes no cell (the reference keeps the columns in place).
    The common types are tested first by identity (save_workbook writes text itself)."""
    kind = type(value)
    if kind is str:
        return _inline_text(ref, value) if value else ""
    if value is None:
        return ""
    if kind is int or kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime(1899, 12, 30)  # noqa: DTZ001 (Excel serial, no zone)
        return f'<c r="{ref}" s="{_DATETIME}"><v>{delta.days + delta.seconds / 86400}</v></c>'
    if isinstance(value, date):
        return _xml_cell(ref, date(value.year, value.month, value.day))
    if isinstance(value, int | float):
        return _xml_cell(ref, float(value) if isinstance(value, float) else int(value))
    text = str(value)  # Decimal, lazy text, enum members, …
    return _inline_text(ref, text) if text else ""


def _cell_value(v):
    if v is None or isinstance(v, int | float | str | date | datetime):
        return v.replace(tzinfo=None) if isinstance(v, datetime) and v.tzinfo else v
    return str(v)


def _header_key(text) -> str:
    return str(text or "").replace("*", "").strip()


# Limits of an import (DESIGN §10): checked on the zip before openpyxl opens it, so a crafted file costs nothing.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all parts of the package together, inflated
MAX_COMPRESSION_RATIO = 200  # one part inflating more than this (and past 1 MB) is a zip bomb
MAX_PARTS = 1000
MAX_IMPORT_ROWS = 200_000
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f[\s>/]')
# Sheets read_rows leaves to openpyxl (cell by cell, in bounded memory) instead of calamine, which reads a sheet
# into one dense grid: a cell holding an error value (#N/A: calamine reads it as empty, openpyxl as its text);
# a cell without its reference (its place is counted); one past column BL (64) or row 199,999 (the grid would
# span it: a stray value at XFD1048576 would ask for seventeen billion cells). Literal searches, no parsing: a
# row's own reference (r="12") starts with a digit, a cell's (r="B12") with a letter.
# Each starts with a literal, which the regex engine finds fast (a 20,000-row sheet is 14 MB of XML); a match
# where none was meant (another attribute ending in r or t) only sends the sheet to openpyxl.
_ROW_REF = re.compile(rb' r="[0-9]')
_ERROR_VALUE = b't="e"'
_FAR_CELL = re.compile(rb'r="(?:(?:B[M-Z]|[C-Z][A-Z]|[A-Z]{3})[0-9]|[A-Z]{1,3}(?:[2-9][0-9]{5}|[0-9]{7})")')


def _read_by_openpyxl(xml: bytes) -> bool:
    cells = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
    return (
        cells != xml.count(b' r="') - len(_ROW_REF.findall(xml))
        or _ERROR_VALUE in xml
        or _FAR_CELL.search(xml) is not None
    )


def _has_formula(xml: bytes) -> bool:
    # A formula element starts "<f" or, with a namespace prefix, holds ":f" (text holds "&lt;", never "<").
    return (b"<f" in xml or b":f" in xml) and _FORMULA.search(xml) is not None


def _refuse(message: str, row: int | None = None, column: str = "文件"):
    raise ImportFailed([(row, column, message)])


def check_package(data: bytes) -> bool:
    """Refuse what is not a sound .xlsx before it is parsed: not a zip, corrupt, a zip bomb, or formulas.
    Returns whether read_rows should read the sheets with openpyxl (_read_by_openpyxl).

    Formulas are refused rather than evaluated or read as cached values: what a formula shows depends on the
    program that last saved it, and an export of an imported formula could run in a reader's Excel."""
    if not data.startswith(b"PK"):
        _refuse("文件不是 Excel（.xlsx）格式，请使用导出的模板填写。")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse("无法读取该 Excel 文件，文件可能已损坏。")
    if len(parts) > MAX_PARTS:
        _refuse("文件结构异常（包含的部件过多），已拒绝导入。")
    total = sum(p.file_size for p in parts)
    bomb = total > MAX_UNCOMPRESSED_BYTES or any(
        p.file_size > 1024 * 1024 and p.file_size > MAX_COMPRESSION_RATIO * max(p.compress_size, 1) for p in parts
    )
    if bomb:
        _refuse(
            f"文件解压后过大（{total // (1024 * 1024)}MB，上限{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}MB）"
            "或压缩比异常，疑似“压缩炸弹”，已拒绝导入。"
        )
    names = {p.filename for p in parts}
    if "xl/workbook.xml" not in names:
        _refuse("文件不是 Excel 工作簿（缺少 xl/workbook.xml），请使用导出的模板填写。")
    by_openpyxl = False
    try:
        for name in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            xml = zf.read(name)
            if _has_formula(xml):
                found = _FORMULA_CELL.search(xml)
                where = f"单元格 {found.group(1).decode()} " if found else ""
                _refuse(f"{where}含有公式。为保证数据准确，导入文件不能含公式，请将公式转为数值后再导入。")
            by_openpyxl = by_openpyxl or _read_by_openpyxl(xml)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        _refuse("无法读取该 Excel 文件，文件可能已损坏。")
    return by_openpyxl


def read_rows(upload, columns: list[Column]) -> list[tuple[int, dict]]:
    """Read the first sheet of an uploaded .xlsx. Returns [(excel_row_number, {key: value})], skipping empty rows.

    Raises ImportFailed (in Chinese, nothing read) when the file is too large, not an .xlsx, corrupt, a zip bomb,
    has formulas or too many rows, or lacks the template's headers.

    Values are what openpyxl reads (None for an empty cell, int for a whole number, datetime for a date), but
    read by calamine (Rust), which reads a 20,000-row ledger in a tenth of openpyxl's time (DESIGN §10 asks
    imports of 5,000 rows/s). The few sheets calamine would read otherwise, or in too much memory, are read by
    openpyxl (check_package, _read_by_openpyxl).
    """
    limit = settings.JIANDU_MAX_IMPORT_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        _refuse(f"文件超过{limit // (1024 * 1024)}MB的上限。")
    data = upload.read(limit + 1) if hasattr(upload, "read") else upload
    if len(data) > limit:
        _refuse(f"文件超过{limit // (1024 * 1024)}MB的上限。")
    by_openpyxl = check_package(data)
    try:
        grid = _openpyxl_grid(data) if by_openpyxl else _calamine_grid(data)
    except ImportFailed:
        raise
    except Exception:  # a file that does not open, or a sheet that breaks while it is read, is corrupt
        raise ImportFailed([(None, "文件", "无法读取该 Excel 文件，文件可能已损坏。")]) from None
    return _records(grid, columns)


def _calamine_grid(data: bytes) -> list[list] | None:
    """The first worksheet as rows of values from A1 (None: the workbook has no worksheet)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        first = next((m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet), None)
        if first is None:
            return None
        return book.get_sheet_by_name(first).to_python(skip_empty_area=False)
    finally:
        book.close()


def _openpyxl_grid(data: bytes) -> list[list] | None:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not wb.worksheets:
            return None
        return [list(values) for values in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _openpyxl_value(v):
    """A value read by calamine as openpyxl reads it: empty → None, 3.0 → 3, a date → a datetime at midnight."""
    kind = type(v)
    if kind is str:
        return v or None
    if kind is float:
        return int(v) if v.is_integer() else v
    if kind is date:
        return datetime(v.year, v.month, v.day)  # noqa: DTZ001 (a cell holds no zone)
    return v


def _records(grid: list[list] | None, columns: list[Column]) -> list[tuple[int, dict]]:
    if grid is None:
        _refuse("工作簿中没有工作表。")
    if not grid:
        raise ImportFailed([(None, "文件", "工作表是空的。")])
    convert = _openpyxl_value
    header = [convert(v) for v in grid[0]]
    by_header = {_header_key(h): i for i, h in enumerate(header) if _header_key(h)}
    if not any(c.header in by_header for c in columns):
        expected = "、".join(c.header for c in columns[:6])
        _refuse(f"第1行的表头与模板不符（应为：{expected}……），请使用导出的模板填写。", row=1, column="表头")
    missing = [c.header for c in columns if c.required and c.header not in by_header]
    if missing:
        raise ImportFailed([(1, h, f"缺少必填列「{h}」，请使用导出的模板。") for h in missing])
    if len(grid) - 1 > MAX_IMPORT_ROWS:
        _refuse(f"文件超过{MAX_IMPORT_ROWS}行的上限，请分批导入。")
    index = [(c.key, by_header.get(c.header)) for c in columns]
    out = []
    for number in range(2, len(grid) + 1):
        values = grid[number - 1]
        grid[number - 1] = None  # the rows become records one by one: memory holds one copy of the file
        if all(v is None or v == "" or (type(v) is str and not v.strip()) for v in values):
            continue
        record = {}
        width = len(values)
        for key, i in index:  # as convert() then strip, with the common cases inline (a cell is 1 µs here)
            v = values[i] if i is not None and i < width else None
            kind = type(v)
            if kind is str:
                v = v.strip() if v else None
            elif v is not None:
                v = convert(v)
                if type(v) is str:
                    v = v.strip()
            record[key] = v
        out.append((number, record))
    return out


class RowErrors:
    """Collects (row, column, message) while validating an import."""

    def __init__(self, columns: list[Column]):
        self.headers = {c.key: c.header for c in columns}
        self.items: list[tuple[int | None, str, str]] = []

    def add(self, row: int | None, key: str, message: str) -> None:
        self.items.append((row, self.headers.get(key, key), message))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda e: e[0] or 0)
            raise ImportFailed(self.items)


def text(v) -> str:
    if type(v) is str:  # the common case first: an import calls this for every cell it checks
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# --- Report layouts (统计报表): a title, merged multi-level headers, borders, number formats, print setup ---
#
# A ReportSheet describes a sheet the way an HTML table does: rows of cells with colspan/rowspan, where a cell
# covered by a rowspan from above is left out of the later rows. The same object is written to .xlsx by
# write_report and shown on the page by a template (cell.text), so the preview is exactly what the file holds.

NUMBER_FORMATS = {"int": "0", "pct": "0.0%", "dec1": "0.0", "dec2": "0.00"}


@dataclass
class ReportCell:
    value: object = None
    colspan: int = 1
    rowspan: int = 1
    fmt: str = ""  # "" text; "int"; "pct" (value in percent: 85.7 is shown 85.7%); "dec1"; "dec2"
    indent: int = 0  # text indent (a 其中 row under its total)
    bold: bool = False
    align: str = ""  # "left", "center", "right"; default: numbers right, text left

    @property
    def text(self) -> str:
        """The value as the page shows it (the .xlsx shows the same through its number format)."""
        if self.fmt and self.value is None:
            return "—"
        if self.fmt == "int":
            return str(int(self.value))
        if self.fmt == "pct":
            return f"{self.value:.1f}%"
        if self.fmt == "dec1":
            return f"{self.value:.1f}"
        if self.fmt == "dec2":
            return f"{self.value:.2f}"
        return "" if self.value is None else str(self.value)


@dataclass
class ReportSheet:
    name: str  # the sheet's tab (cut to 31 characters, without []:*?/\)
    title: str  # merged across the top
    widths: list[int]  # column widths; their number is the sheet's width
    before: list[list[ReportCell]] = field(default_factory=list)  # lines under the title (填报单位, 统计月份)
    header: list[list[ReportCell]] = field(default_factory=list)  # bold, bordered, repeated on every printed page
    body: list[list[ReportCell]] = field(default_factory=list)  # bordered
    after: list[list[ReportCell]] = field(default_factory=list)  # notes and the footer (填表人, 审核人, 填报日期)
    paper: str = "A4"  # "A4" or "A3", always landscape and fitted to the page width


def _sheet_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "")
    return name[:31] or "Sheet"


def _place(ws, first_row: int, rows: list[list[ReportCell]], *, table: bool, header: bool = False) -> int:
    """Write rows of cells from `first_row` (HTML table semantics), merging spans; returns the next free row."""
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    covered: set[tuple[int, int]] = set()
    for offset, cells in enumerate(rows):
        r = first_row + offset
        c = 1
        for cell in cells:
            while (r, c) in covered:
                c += 1
            target = ws.cell(row=r, column=c)
            value = cell.value
            if cell.fmt == "pct" and isinstance(value, int | float):
                value = value / 100
            target.value = "—" if cell.fmt and value is None else _cell_value(value)
            if cell.fmt in NUMBER_FORMATS and value is not None:
                target.number_format = NUMBER_FORMATS[cell.fmt]
            numeric = bool(cell.fmt) and value is not None
            horizontal = cell.align or ("center" if header else ("right" if numeric else "left"))
            if cell.fmt and value is None and not cell.align:
                horizontal = "center"
            target.alignment = Alignment(
                horizontal=horizontal, vertical="center", wrap_text=not numeric, indent=cell.indent
            )
            if cell.bold or header:
                target.font = Font(bold=True)
            span = [(r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan)]
            covered.update(span)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1
                )
            if table:
                for rr, cc in span:
                    ws.cell(row=rr, column=cc).border = border
            c += cell.colspan
    last = max([first_row + len(rows) - 1, *(r for r, _c in covered)]) if rows else first_row - 1
    return last + 1


def write_report(sheets: list[ReportSheet]) -> bytes:
    """Statistical report sheets as one .xlsx: title row merged across, lines above the table, multi-level
    merged headers, thin borders, number formats, notes and footer; printed landscape, fitted to the width,
    the header repeated on every page."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(title=_sheet_title(sheet.name))
        width = len(sheet.widths)
        for i, w in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        title = ws.cell(row=1, column=1, value=sheet.title)
        title.font = Font(bold=True, size=16)
        title.alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.row_dimensions[1].height = 30
        row = _place(ws, 2, sheet.before, table=False)
        header_first = row
        row = _place(ws, row, sheet.header, table=True, header=True)
        if row > header_first:
            ws.print_title_rows = f"{header_first}:{row - 1}"
            ws.freeze_panes = ws.cell(row=row, column=1)
        row = _place(ws, row, sheet.body, table=True)
        _place(ws, row, sheet.after, table=False)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A3 if sheet.paper == "A3" else ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
