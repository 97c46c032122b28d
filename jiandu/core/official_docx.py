"""Official documents (公文) as .docx, laid out per GB/T 9704-2012 (DESIGN §7).

Rules implemented (section numbers of the standard):
- 5.2.1 / 5.2.2  A4 paper; top margin 37 mm, binding (left) margin 28 mm, text block 156 × 225 mm.
- 5.2.3 / 7.2    22 lines of 28 characters: a `linesAndChars` document grid, and an exact line pitch of
                 28.95 pt so that WPS and LibreOffice (which ignore or round Word's grid) also get 22 lines.
- 6 / 7.3.3      Body 3号 (16 pt) 仿宋_GB2312, justified, two-character first-line indent; structure headings
                 一、 in 黑体, （一） in 楷体_GB2312, 1． in bold 仿宋 — only up to the first 。 when the line goes on.
- 7.2.2          发文机关标志 centred in red 小标宋, 35 mm below the top of the text block, condensed to fit one line.
- 7.2.4 / 7.2.6  发文字号 centred two lines under the mark, verbatim (the caller builds it: 〔2022〕, no 第, no
                 leading zeros); a red rule as wide as the text block 4 mm below it. A draft prints （草稿）.
- 7.3.1 / 7.3.2  Title 2号 (22 pt) 小标宋, centred, two lines under the rule ("\\n" in the title forces a break, for
                 the trapezoid/diamond shapes the standard asks for); 主送机关 one line below, flush left, ending ：.
- 7.3.4          附件说明 one line below the body, indented two characters: 附件：1．…; further items aligned.
- 7.3.5.1        成文日期 in Arabic numerals without zero padding (cn_date), four characters from the right edge;
                 the 发文机关署名 centred over it (when the name is long the date moves left, as the standard says).
- 7.4            版记: 抄送 (14 pt 仿宋, hanging after 抄送：, ending 。) and 印发机关/印发日期 on one line, between a
                 thick first and last rule with thin rules between, floated to the bottom of the last page.
- 7.5            Page numbers "— 1 —" in 4号 (14 pt) 宋体 about 7 mm below the text block: odd pages right with a
                 one-character right indent, even pages left with a one-character left indent.

Every run names its East Asian font (`w:eastAsia`), not just `w:ascii`; Latin letters and digits use Times New
Roman. `kind_label` (监督建议书、提示函…) is metadata only (subject and category): titles already name the kind.
The output is deterministic: fixed core-property dates (the document date, 00:00 Asia/Shanghai) and zip timestamps.
"""

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from .cn import cn_date

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _mm(value: float) -> int:
    """Millimetres → twips (1/1440 inch), the unit of every measure in the section properties."""
    return round(value * 1440 / 25.4)


PAGE_W, PAGE_H = 11906, 16838  # A4, 210 × 297 mm
TOP, LEFT = _mm(37), _mm(28)
TEXT_W, TEXT_H = _mm(156), _mm(225)  # 8844 × 12756
RIGHT = PAGE_W - LEFT - TEXT_W  # 1475 ≈ 26 mm
BOTTOM = PAGE_H - TOP - TEXT_H  # 1984 ≈ 35 mm
LINES, CHARS = 22, 28
BODY_PT, TITLE_PT, MARK_PT, NOTE_PT = 16, 22, 36, 14  # 3号, 2号, 小初 (mark, before condensing), 4号
# 225 mm / 22 = 579.8 twips; rounded down so that 22 lines fit. 579 twips = 28.95 pt, also the exact line spacing.
LINE_PITCH = TEXT_H // LINES
# Word places characters every (default font size + charSpace / 4096) pt, the default size being 16 pt here
# (docDefaults and Normal). We want TEXT_W / 28 = 15.793 pt; rounded down (→ -849) so that 28 characters fit.
CHAR_SPACE = math.floor((TEXT_W / CHARS / 20 - BODY_PT) * 4096)
CHAR = BODY_PT * 20  # one body character, 320 twips
# Footer box (14 pt 宋体, single spacing ≈ 6.4 mm) ends 25 mm above the page edge: its dashes, at mid-height,
# sit about 7 mm below the text block (whose bottom is 35 mm above the page edge).
FOOTER_DISTANCE = _mm(25)

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
LATIN = "Times New Roman"
RED = "FF0000"
SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES = (("top", 8), ("bottom", 8), ("insideH", 6))  # 版记 rules in 1/8 pt: 0.35 mm outside, 0.25 mm between

HEADINGS = [  # (pattern, East Asian font, bold)
    (re.compile(r"^[一二三四五六七八九十]+、"), HEITI, False),
    (re.compile(r"^（[一二三四五六七八九十]+）"), KAITI, False),
    (re.compile(r"^\d+[.．](?!\d)"), FANGSONG, True),
]


@dataclass
class OfficialDocument:
    organ_mark: str  # 发文机关标志, e.g. "省纪委监委驻省卫健委纪检监察组"
    number: str  # 发文字号, e.g. "吉纪驻卫〔2022〕3号"; "" for a draft (prints （草稿）)
    title: str  # 标题; "\n" forces a line break
    recipients: list[str]  # 主送机关
    body: str  # one paragraph per line; 一、 / （一） / 1． lines are headings
    signature: str  # 发文机关署名
    date: date  # 成文日期
    attachments: list[str] = field(default_factory=list)  # 附件说明
    copy_to: list[str] = field(default_factory=list)  # 抄送 (版记)
    printed_by: str = ""  # 印发机关 (版记), 印发日期 = date
    kind_label: str = ""  # 监督建议书、提示函…: document metadata only, the title already names the kind


def _el(tag: str, *children, **attrs):
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    el.extend(children)
    return el


def _rpr(font: str, size: float, *, latin: str = LATIN, bold=False, color="", scale=100):
    """Run properties in schema order; the theme attributes are never used, so Word cannot override the fonts."""
    rpr = _el("w:rPr", _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=font, cs=latin, hint="eastAsia"))
    if bold:
        rpr.append(_el("w:b"))
    if color:
        rpr.append(_el("w:color", val=color))
    if scale != 100:
        rpr.append(_el("w:w", val=scale))
    half_points = round(size * 2)
    rpr.extend([_el("w:sz", val=half_points), _el("w:szCs", val=half_points)])
    return rpr


def _run(paragraph, text: str, font: str = FANGSONG, size: float = BODY_PT, **kw):
    run = paragraph.add_run(text)
    run._r.insert(0, _rpr(font, size, **kw))
    return run


def _para(container, *, jc="", char=CHAR, line=None, before=0, snap=True, bottom_rule=None, right_tab=0, **indent):
    """A paragraph with its properties in CT_PPr schema order.

    `indent` (left, right, hanging, firstLine) is in characters of `char` twips: written both as w:*Chars, which
    Word and WPS prefer, and in twips for other readers. `line` is None (the Normal style's exact 28.95 pt),
    "single" or exact twips.
    """
    p = container.add_paragraph()
    ppr = p._p.get_or_add_pPr()
    if bottom_rule:
        ppr.append(_el("w:pBdr", _el("w:bottom", val="single", **bottom_rule)))
    if right_tab:
        ppr.append(_el("w:tabs", _el("w:tab", val="right", pos=right_tab)))
    if not snap:
        ppr.append(_el("w:snapToGrid", val="0"))
    if line or before:
        rule, twips = ("auto", 240) if line == "single" else ("exact", line or LINE_PITCH)
        ppr.append(_el("w:spacing", before=before, after=0, line=twips, lineRule=rule))
    ind = {}
    for name, chars in indent.items():
        if chars:
            ind[name] = round(chars * char)
            ind[f"{name}Chars"] = round(chars * 100)
    if ind:
        ppr.append(_el("w:ind", **ind))
    if jc:
        ppr.append(_el("w:jc", val=jc))
    return p


def _blank(container, count: int = 1):
    for _ in range(count):
        container.add_paragraph()


def _width(text: str) -> float:
    """Printed width in body characters: ASCII letters and digits are half width."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)


def _set_defaults(document):
    """Normal style and docDefaults: 16 pt 仿宋_GB2312 / Times New Roman, exact 28.95 pt lines, no widow control."""
    default_rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr = _rpr(FANGSONG, BODY_PT)
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    default_rpr.getparent().replace(default_rpr, rpr)
    normal = document.styles["Normal"].element
    spacing = _el("w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact")
    normal.append(_el("w:pPr", _el("w:widowControl", val="0"), spacing))
    normal.append(_rpr(FANGSONG, BODY_PT))


def _set_page(document):
    section = document.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin, section.bottom_margin = Twips(TOP), Twips(BOTTOM)
    section.left_margin, section.right_margin = Twips(LEFT), Twips(RIGHT)
    section.header_distance, section.footer_distance, section.gutter = Twips(_mm(15)), Twips(FOOTER_DISTANCE), 0
    grid = _el("w:docGrid", type="linesAndChars", linePitch=LINE_PITCH, charSpace=CHAR_SPACE)
    section._sectPr.replace(section._sectPr.find(qn("w:docGrid")), grid)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, jc="right", right=1)
    _page_number(section.even_page_footer, jc="left", left=1)


def _page_number(footer, **indent):
    """— PAGE — in 14 pt 宋体 (digits too: the standard asks for 半角宋体 numerals)."""
    footer.is_linked_to_previous = False
    old = footer.paragraphs[0]._p
    old.getparent().remove(old)
    p = _para(footer, char=NOTE_PT * 20, line="single", snap=False, **indent)
    song = {"font": SONG, "size": NOTE_PT, "latin": SONG}
    instr = _el("w:instrText")
    instr.text = " PAGE "
    instr.set(qn("xml:space"), "preserve")
    _run(p, "— ", **song)
    for marker in (_el("w:fldChar", fldCharType="begin"), instr, _el("w:fldChar", fldCharType="separate")):
        _run(p, "", **song)._r.append(marker)
    _run(p, "1", **song)  # what a reader that does not update fields shows
    _run(p, "", **song)._r.append(_el("w:fldChar", fldCharType="end"))
    _run(p, " —", **song)


def _heading_runs(p, line: str):
    for pattern, font, bold in HEADINGS:
        if pattern.match(line):
            head, stop, rest = line.partition("。")
            if not (stop and rest):
                head, stop, rest = line, "", ""
            _run(p, head + stop, font, bold=bold)
            if rest:
                _run(p, rest)
            return
    _run(p, line)


def _closing(document, doc: OfficialDocument):
    """Signature centred over the date; the date four characters from the right edge, further left if needed."""
    dated = cn_date(doc.date)
    axis = max(4 + _width(dated) / 2, _width(doc.signature) / 2)  # distance of the common centre from the right
    _blank(document, 2)
    if doc.signature:
        _run(_para(document, jc="right", right=axis - _width(doc.signature) / 2), doc.signature)
    _run(_para(document, jc="right", right=axis - _width(dated) / 2), dated)


def _imprint(document, doc: OfficialDocument):
    """版记 as a one-column table floated to the bottom margin: thick outer rules, thin rules between rows."""
    table = document.add_table(rows=0, cols=1)
    rules = [_el(f"w:{side}", val="single", sz=eighths, space=0, color="000000") for side, eighths in RULES]
    properties = _el(
        "w:tblPr",
        _el("w:tblpPr", vertAnchor="margin", horzAnchor="margin", tblpXSpec="center", tblpYSpec="bottom"),
        _el("w:tblOverlap", val="never"),
        _el("w:tblW", w=TEXT_W, type="dxa"),
        _el("w:tblBorders", *rules),
        _el("w:tblLayout", type="fixed"),
        _el("w:tblCellMar", _el("w:left", w=0, type="dxa"), _el("w:right", w=0, type="dxa")),
    )
    table._tbl.replace(table._tbl.tblPr, properties)
    if doc.copy_to:  # continuation lines align after 抄送：
        _imprint_row(table, "抄送：" + "，".join(doc.copy_to) + "。", left=1 + 3, hanging=3, right=1)
    if doc.printed_by:
        _imprint_row(
            table, f"{doc.printed_by}\t{cn_date(doc.date)}印发", left=1, right=1, right_tab=TEXT_W - NOTE_PT * 20
        )
    _run(_para(document, line=20), "", size=1)  # the anchor the floating table needs after it


def _imprint_row(table, text: str, **layout):
    cell = table.add_row().cells[0]
    cell._tc.remove(cell._tc.p_lst[0])  # the empty paragraph python-docx puts in a new cell
    _run(_para(cell, char=NOTE_PT * 20, snap=False, **layout), text, size=NOTE_PT)


def _metadata(document, doc: OfficialDocument):
    props = document.core_properties
    props.title = doc.title.replace("\n", "")
    props.author = props.last_modified_by = doc.organ_mark
    props.subject = props.category = doc.kind_label
    props.comments = props.keywords = ""
    props.language, props.revision = "zh-CN", 1
    # python-docx writes the naive UTC digits followed by "Z", so convert before handing it over.
    stamp = datetime(doc.date.year, doc.date.month, doc.date.day, tzinfo=SHANGHAI).astimezone(UTC)
    props.created = props.modified = stamp
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's template thumbnail would show a stranger's page
            del package.rels[rid]
    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry timestamps so that the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), src.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render_docx(doc: OfficialDocument) -> bytes:
    document = Document()
    _set_defaults(document)
    _set_page(document)

    scale = min(100, math.floor(100 * 0.95 * TEXT_W / (_width(doc.organ_mark) * MARK_PT * 20 or 1)))
    mark = _para(document, jc="center", line="single", before=_mm(35), snap=False)
    _run(mark, doc.organ_mark, XIAOBIAOSONG, MARK_PT, color=RED, scale=scale)
    _blank(document, 2)
    number = _para(document, jc="center", bottom_rule={"sz": 12, "space": 11, "color": RED})
    _run(number, doc.number or "（草稿）")
    _blank(document, 2)

    title = _para(document, jc="center", snap=False)
    for i, line in enumerate(doc.title.split("\n")):
        run = _run(title, line.strip(), XIAOBIAOSONG, TITLE_PT)
        if i:
            run._r.insert(1, _el("w:br"))
    _blank(document)
    if doc.recipients:
        _run(_para(document), "、".join(doc.recipients) + "：")

    for line in filter(None, (raw.strip() for raw in doc.body.splitlines())):
        _heading_runs(_para(document, jc="both", firstLine=2), line)

    if doc.attachments:
        _blank(document)
        many = len(doc.attachments) > 1
        for i, name in enumerate(doc.attachments, start=1):
            label = f"{i}．{name}" if many else name
            if i == 1:
                _run(_para(document, firstLine=2), f"附件：{label}")
            else:
                _run(_para(document, left=5), label)

    _closing(document, doc)
    if doc.copy_to or doc.printed_by:
        _imprint(document, doc)
    _metadata(document, doc)

    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())
