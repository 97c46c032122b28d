"""Ledgers are Excel (DESIGN §7): one writer and one reader, used by every export and import.

An import template is the export format: the same columns with the same Chinese headers. The reader
returns raw cell values keyed by column; each module's import service parses and validates them, collects
every error as (row, column header, message) and writes nothing unless there are none.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import ImportFailed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as the user reads it
    width: int = 16
    required: bool = False


def write_workbook(sheet_title: str, columns: list[Column], rows) -> bytes:
    """`rows` yields dicts keyed by column key (or sequences in column order). Streams in write-only mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="9E1B1B")
    from openpyxl.cell import WriteOnlyCell

    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header + (" *" if col.required else ""))
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    ws.append(header)
    keys = [c.key for c in columns]
    for row in rows:
        values = [row.get(k) for k in keys] if isinstance(row, dict) else list(row)
        ws.append([_cell_value(v) for v in values])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_value(v):
    if v is None or isinstance(v, int | float | str | date | datetime):
        return v.replace(tzinfo=None) if isinstance(v, datetime) and v.tzinfo else v
    return str(v)


def _header_key(text) -> str:
    return str(text or "").replace("*", "").strip()


def read_rows(upload, columns: list[Column]) -> list[tuple[int, dict]]:
    """Read the first sheet of an uploaded .xlsx. Returns [(excel_row_number, {key: value})], skipping empty rows.

    Raises ImportFailed when the file is not an .xlsx, is too large, or lacks a required column.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.JIANDU_MAX_IMPORT_BYTES:
        limit = settings.JIANDU_MAX_IMPORT_BYTES // (1024 * 1024)
        raise ImportFailed([(None, "文件", f"文件超过{limit}MB的上限。")])
    data = upload.read() if hasattr(upload, "read") else upload
    if not data.startswith(b"PK"):
        raise ImportFailed([(None, "文件", "文件不是 Excel（.xlsx）格式，请使用导出的模板填写。")])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFailed([(None, "文件", "无法读取该 Excel 文件，文件可能已损坏。")]) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFailed([(None, "文件", "工作表是空的。")]) from None
    by_header = {_header_key(h): i for i, h in enumerate(header) if _header_key(h)}
    missing = [c.header for c in columns if c.required and c.header not in by_header]
    if missing:
        raise ImportFailed([(1, h, f"缺少必填列「{h}」，请使用导出的模板。") for h in missing])
    index = {c.key: by_header.get(c.header) for c in columns}
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        record = {}
        for key, i in index.items():
            v = values[i] if i is not None and i < len(values) else None
            record[key] = v.strip() if isinstance(v, str) else v
        out.append((number, record))
    wb.close()
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
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
