"""The .docx of a document, read back with python-docx (the layout itself is tested with the renderer in core)."""

import datetime
import io

import docx
from docx.oxml.ns import qn

from jiandu.documents.docx import document_docx, docx_filename, official_document
from jiandu.documents.services import document_attach

from .factories import draft, issued, pdf


def _read(data: bytes):
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    return document, text


def test_issued_document_as_docx(tree, group_leader):
    doc = issued(
        group_leader,
        tree["wjw_group"],
        [tree["wjw"], tree["hospital"]],
        title="关于做好疫情期间特殊群体就医保障工作的提示函",
        issued_on=datetime.date(2022, 4, 20),
    )
    data, filename = document_docx(actor=group_leader, document=doc)
    document, text = _read(data)
    assert "吉纪驻卫〔2022〕1号" in text
    assert "关于做好疫情期间特殊群体就医保障工作的提示函" in text
    assert "2022年4月20日" in text
    assert "吉林省卫生健康委员会" in text and "吉林省人民医院" in text
    assert "驻省卫健委纪检监察组" in text  # issuing organ and signature
    assert "高度重视特殊群体就医需求" in text
    assert filename == "吉纪驻卫〔2022〕1号 关于做好疫情期间特殊群体就医保障工作的提示函.docx"
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    assert runs
    for run in runs:
        fonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text


def test_draft_prints_draft_and_today_and_attachment_names(tree, group_member):
    doc = draft(group_member, tree["wjw_group"], [tree["wjw"]], title="关于加强院感防控的提示函")
    document_attach(actor=group_member, document=doc, files=[pdf("院感防控检查清单.pdf")])
    official = official_document(doc, today=datetime.date(2022, 5, 1))
    assert official.number == "" and official.date == datetime.date(2022, 5, 1)
    assert official.attachments == ["院感防控检查清单"]
    assert official.organ_mark == official.signature == "驻省卫健委纪检监察组"
    data, filename = document_docx(actor=group_member, document=doc)
    _document, text = _read(data)
    assert "草稿" in text and "院感防控检查清单" in text
    assert filename == "草稿 关于加强院感防控的提示函.docx"


def test_filename_drops_characters_file_systems_refuse(tree, group_member):
    doc = draft(group_member, tree["wjw_group"], [tree["wjw"]], title="关于A/B两类人员的“提示”函")
    assert docx_filename(doc) == "草稿 关于A_B两类人员的“提示”函.docx"
