"""The official-document renderer against GB/T 9704-2012 (DESIGN §7), read back with python-docx and raw XML."""

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from jiandu.core.official_docx import OfficialDocument, render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

BODY = """
为深入贯彻落实省委、省政府关于疫情防控和经济社会发展的决策部署，巩固疫情防控成果，现就分类推进复商复市提示如下。

一、压实疫情防控主体责任
（一）落实属地和行业监管责任。各级商务主管部门要按照“管行业必须管防控”的要求，逐级明确责任。
（二）落实市场主体责任。督促商超、农贸市场落实扫码测温、通风消毒等措施。
二、分类有序推进复商复市
（一）科学制定复工方案。
（二）加强重点场所管理。
1．大型商超要严格限流。
2．餐饮单位要推行分餐制。
三、保障生活必需品供应
（一）畅通物资运输通道。
（二）做好市场价格监测。
四、落实惠企纾困政策
（一）推动政策直达快享。
（二）优化审批服务流程。
五、强化作风纪律保障
（一）严肃查处形式主义、官僚主义问题。
（二）严禁以防疫为名推诿扯皮、吃拿卡要。
六、加强监督检查
（一）开展专项监督检查。
（二）及时通报典型问题。
请于2022年5月10日前将落实情况书面反馈我组。
"""
PARAGRAPHS = [line.strip() for line in BODY.splitlines() if line.strip()]


def sample(**changes) -> OfficialDocument:
    values = {
        "organ_mark": "省纪委监委驻省商务厅纪检监察组",
        "number": "吉纪驻商〔2022〕2号",
        "title": "关于巩固疫情防控成果分类推进复商复市的提示函",
        "recipients": ["省商务厅党组"],
        "body": BODY,
        "signature": "省纪委监委驻省商务厅纪检监察组",
        "date": date(2022, 4, 20),
        "attachments": ["监督检查发现问题清单"],
        "copy_to": ["省纪委监委派驻机构管理室"],
        "printed_by": "省纪委监委驻省商务厅纪检监察组",
        "kind_label": "提示函",
    }
    values.update(changes)
    return OfficialDocument(**values)


def render(**changes):
    data = render_docx(sample(**changes))
    return Document(io.BytesIO(data)), data


def xml_part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def body_paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def east_asia(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def ind(paragraph, attr: str) -> str | None:
    element = paragraph._p.pPr.find(qn("w:ind"))
    return None if element is None else element.get(qn(f"w:{attr}"))


def test_page_is_a4_with_the_standard_margins():
    document, _ = render()
    section = document.sections[0]
    for actual, expected in [
        (section.page_width, Mm(210)),
        (section.page_height, Mm(297)),
        (section.top_margin, Mm(37)),
        (section.left_margin, Mm(28)),
        (section.bottom_margin, Mm(35)),
        (section.right_margin, Mm(26)),
        (section.page_width - section.left_margin - section.right_margin, Mm(156)),
        (section.page_height - section.top_margin - section.bottom_margin, Mm(225)),
    ]:
        assert abs(actual - expected) <= Mm(0.5)


def test_document_grid_is_22_lines_of_28_characters():
    _, data = render()
    grid = xml_part(data, "word/document.xml").find(f"{W}body/{W}sectPr/{W}docGrid")
    assert grid.get(f"{W}type") == "linesAndChars"
    line_pitch, char_space = int(grid.get(f"{W}linePitch")), int(grid.get(f"{W}charSpace"))
    text_height, text_width = 225 / 25.4 * 1440, 156 / 25.4 * 1440  # twips
    assert line_pitch == 579  # 12756 / 22 rounded down
    assert 22 * line_pitch <= text_height < 23 * line_pitch
    # Word: character pitch = default font size + charSpace / 4096 pt, the default size being 16 pt.
    assert char_space == -849
    pitch_twips = (16 + char_space / 4096) * 20
    assert 28 * pitch_twips <= text_width < 29 * pitch_twips
    assert (16 + (char_space + 1) / 4096) * 20 * 28 > round(text_width)  # the largest value that still fits


def test_each_element_has_its_east_asian_font_and_size():
    document, _ = render()
    title = body_paragraph(document, "关于巩固疫情防控成果分类推进复商复市的提示函")
    assert east_asia(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER

    whole_line = body_paragraph(document, "（一）科学制定复工方案。").runs
    assert [east_asia(r) for r in whole_line] == ["楷体_GB2312"]
    level1 = body_paragraph(document, "一、压实疫情防控主体责任").runs[0]
    assert (east_asia(level1), level1.font.size, level1.font.bold) == ("黑体", Pt(16), None)
    level2 = body_paragraph(document, PARAGRAPHS[2]).runs
    assert [r.text for r in level2] == ["（一）落实属地和行业监管责任。", PARAGRAPHS[2].split("。", 1)[1]]
    assert [east_asia(r) for r in level2] == ["楷体_GB2312", "仿宋_GB2312"]
    level3 = body_paragraph(document, "1．大型商超要严格限流。").runs[0]
    assert (east_asia(level3), level3.font.bold) == ("仿宋_GB2312", True)
    body = body_paragraph(document, PARAGRAPHS[0]).runs[0]
    assert (east_asia(body), body.font.size) == ("仿宋_GB2312", Pt(16))
    assert body._r.rPr.rFonts.get(qn("w:ascii")) == body._r.rPr.rFonts.get(qn("w:hAnsi")) == "Times New Roman"

    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert east_asia(run), f"run without an East Asian font: {run.text!r}"

    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not [name for name in defaults.attrib if "heme" in name]  # a theme font would override the name


def test_body_paragraphs_have_a_two_character_first_line_indent():
    document, _ = render()
    for text in PARAGRAPHS:
        paragraph = body_paragraph(document, text)
        assert ind(paragraph, "firstLineChars") == "200"
        assert paragraph.paragraph_format.first_line_indent == Pt(32)
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_body_text_survives_in_order():
    document, _ = render()
    texts = [p.text for p in document.paragraphs]
    positions = [texts.index(text) for text in PARAGRAPHS]
    assert positions == sorted(positions)
    assert len(PARAGRAPHS) == 22  # the blank lines of the input are dropped


def test_organ_mark_is_red_centred_and_fits_one_line():
    document, _ = render()
    mark = document.paragraphs[0]
    assert mark.text == "省纪委监委驻省商务厅纪检监察组"
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = mark.runs[0]
    assert str(run.font.color.rgb) in {"FF0000", "C00000"}
    assert east_asia(run) == "方正小标宋简体"
    scale = int(run._r.rPr.find(qn("w:w")).get(qn("w:val")))
    assert 15 * run.font.size.pt * scale / 100 <= 156 / 25.4 * 72  # 15 characters, condensed, within 156 mm
    assert mark.paragraph_format.space_before == pytest.approx(Mm(35), abs=Mm(0.5))


def test_document_number_is_centred_verbatim_above_a_red_rule():
    document, _ = render()
    texts = [p.text for p in document.paragraphs]
    index = texts.index("吉纪驻商〔2022〕2号")
    assert texts[1:index] == ["", ""]  # two blank lines under the mark
    number = document.paragraphs[index]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = number._p.pPr.find(f"{W}pBdr/{W}bottom")
    assert rule.get(qn("w:val")) == "single"
    assert rule.get(qn("w:color")) in {"FF0000", "C00000"}
    assert 8 <= int(rule.get(qn("w:sz"))) <= 16  # eighths of a point: 1–2 pt
    assert texts[index + 1 : index + 4] == ["", "", sample().title]  # title two lines under the rule


def test_draft_prints_a_placeholder_for_the_number():
    document, _ = render(number="")
    assert "（草稿）" in [p.text for p in document.paragraphs]


def test_title_may_be_broken_into_lines():
    document, _ = render(title="关于巩固疫情防控成果\n分类推进复商复市的提示函")
    title = body_paragraph(document, "关于巩固疫情防控成果\n分类推进复商复市的提示函")
    assert len(title._p.findall(f"{W}r/{W}br")) == 1
    assert document.core_properties.title == "关于巩固疫情防控成果分类推进复商复市的提示函"


def test_recipients_flush_left_one_line_under_the_title():
    document, _ = render(recipients=["省卫健委党组", "省中医药局党组"])
    texts = [p.text for p in document.paragraphs]
    index = texts.index("省卫健委党组、省中医药局党组：")
    assert texts[index - 2 : index] == [sample().title, ""]
    recipients = document.paragraphs[index]
    assert recipients.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
    assert not recipients.paragraph_format.first_line_indent
    assert not recipients.paragraph_format.left_indent


def test_date_is_unpadded_and_right_aligned_with_the_signature_centred_over_it():
    document, data = render()
    texts = [p.text for p in document.paragraphs]
    assert "2022年4月20日" in texts
    assert "2022年04月" not in etree.tostring(xml_part(data, "word/document.xml"), encoding="unicode")
    signature = document.paragraphs[texts.index("省纪委监委驻省商务厅纪检监察组", 1)]
    dated = document.paragraphs[texts.index("2022年4月20日")]
    assert signature.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    date_indent = int(ind(dated, "rightChars")) / 100
    assert date_indent >= 4
    # Centres on one axis: 15 characters of signature, 6.5 of date (digits are half width).
    signature_indent = int(ind(signature, "rightChars") or 0) / 100
    assert signature_indent + 15 / 2 == pytest.approx(date_indent + 6.5 / 2, abs=0.01)


def test_date_is_four_characters_from_the_right_when_the_signature_is_short():
    document, _ = render(signature="驻省卫健委纪检监察组")  # 10 characters: shorter than 4 + date
    texts = [p.text for p in document.paragraphs]
    dated = document.paragraphs[texts.index("2022年4月20日")]
    assert ind(dated, "rightChars") == "400"
    assert ind(dated, "right") == "1280"


def test_attachments_are_numbered_only_when_several():
    document, _ = render()
    single = body_paragraph(document, "附件：监督检查发现问题清单")
    assert ind(single, "firstLineChars") == "200"
    document, _ = render(attachments=["监督检查发现问题清单", "整改情况报告模板"])
    texts = [p.text for p in document.paragraphs]
    first = texts.index("附件：1．监督检查发现问题清单")
    assert texts[first - 1] == ""  # one line under the body
    assert texts[first + 1] == "2．整改情况报告模板"
    assert ind(document.paragraphs[first + 1], "leftChars") == "500"  # aligned with the first name


def test_footers_number_odd_pages_right_and_even_pages_left():
    document, data = render()
    settings = xml_part(data, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    section = document.sections[0]
    for footer, alignment, indent in [
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "rightChars"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "leftChars"),
    ]:
        assert not footer.is_linked_to_previous
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert ind(paragraph, indent) == "100"
        xml = etree.tostring(paragraph._p, encoding="unicode")
        assert re.search(
            r"<w:t[^>]*>— </w:t>.*fldCharType=\"begin\".*> PAGE </w:instrText>.*"
            r"fldCharType=\"end\".*<w:t[^>]*> —</w:t>",
            xml,
            re.S,
        )
        for run in paragraph.runs:
            assert (east_asia(run), run._r.rPr.rFonts.get(qn("w:ascii")), run.font.size) == ("宋体", "宋体", Pt(14))


def test_imprint_lists_copies_and_the_printing_organ_between_rules():
    document, _ = render()
    (table,) = document.tables
    rows = [row.cells[0].text for row in table.rows]
    assert rows == ["抄送：省纪委监委派驻机构管理室。", "省纪委监委驻省商务厅纪检监察组\t2022年4月20日印发"]
    for row in table.rows:
        run = row.cells[0].paragraphs[0].runs[0]
        assert (east_asia(run), run.font.size) == ("仿宋_GB2312", Pt(14))
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.tag.removeprefix(W) for child in borders} == {"top", "bottom", "insideH"}
    assert table._tbl.tblPr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"

    document, _ = render(copy_to=[], printed_by="")
    assert not document.tables


def test_long_body_renders_every_paragraph():
    lines = [f"（{i}）第{i}条意见：" + "加强监督检查，督促整改落实。" * 6 for i in range(1, 61)]
    document, _ = render(body="\n\n".join(lines))
    texts = [p.text for p in document.paragraphs]
    assert [t for t in texts if t.startswith("（") and "条意见" in t] == lines


def test_output_is_deterministic_and_carries_no_machine_time():
    first = render_docx(sample())
    assert render_docx(sample()) == first
    props = Document(io.BytesIO(first)).core_properties
    assert props.title == "关于巩固疫情防控成果分类推进复商复市的提示函"
    assert props.author == "省纪委监委驻省商务厅纪检监察组"
    assert props.subject == "提示函"
    midnight_shanghai = datetime(2022, 4, 19, 16, 0, tzinfo=UTC)
    assert props.created == props.modified == midnight_shanghai
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "python-docx" not in z.read("docProps/core.xml").decode()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_it_to_pdf(tmp_path):
    source = tmp_path / "doc.docx"
    source.write_bytes(render_docx(sample()))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert (tmp_path / "doc.pdf").stat().st_size > 0
