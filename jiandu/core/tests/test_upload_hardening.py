"""Uploads and imports hardened (issue 8): an allow-list per purpose by content, size limits, sanitised names,
downloads as attachments that browsers do not sniff; .xlsx imports that refuse oversized, corrupt and zip-bomb
files, formulas, wrong headers and wrong types with a Chinese error, writing nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from jiandu.activities.tests.factories import image_bytes
from jiandu.core.attachments import safe_name, store_upload
from jiandu.core.errors import ImportFailed, ValidationFailed
from jiandu.core.xlsx import read_rows, write_workbook
from jiandu.organizations import site_services as svc
from jiandu.organizations.models import Site
from jiandu.organizations.tests.factories import SiteFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def site(tree):
    return SiteFactory(code="S-UP", responsible_org=tree["wjw"])


# --- Uploads ---


def test_photos_accept_images_only_by_content(office_staff, site):
    with pytest.raises(ValidationFailed, match="允许：图片"):
        store_upload(actor=office_staff, owner=site, upload=_upload("现场.jpg", PDF), purpose="photo")
    att = store_upload(actor=office_staff, owner=site, upload=_upload("整改后.pdf", image_bytes()), purpose="after")
    assert att.mime_type == "image/png" and att.original_name == "整改后.pdf.png"


def test_files_accept_documents_but_not_html_or_svg(office_staff, site):
    att = store_upload(actor=office_staff, owner=site, upload=_upload("报告.pdf", PDF), purpose="file")
    assert att.mime_type == "application/pdf"
    for name, data in [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 200),
    ]:
        with pytest.raises(ValidationFailed, match="按文件内容识别"):
            store_upload(actor=office_staff, owner=site, upload=_upload(name, data), purpose="file")


def test_size_limit_and_empty_file(office_staff, site):
    with override_settings(JIANDU_MAX_UPLOAD_BYTES=1000), pytest.raises(ValidationFailed, match="超过"):
        store_upload(actor=office_staff, owner=site, upload=_upload("big.png", image_bytes()), purpose="photo")
    with pytest.raises(ValidationFailed, match="是空的"):
        store_upload(actor=office_staff, owner=site, upload=_upload("empty.pdf", b""), purpose="file")


@pytest.mark.parametrize(
    "given, stored",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\报告.pdf", "报告.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),  # RIGHT-TO-LEFT OVERRIDE removed, real type appended
        ("a\x00b\nc.pdf", "abc.pdf"),
        ('x<y>:"|?*.pdf', "x_y______.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("", "文件.pdf"),
        ("长" * 300 + ".pdf", "长" * 96 + ".pdf"),
    ],
)
def test_names_are_sanitised(given, stored):
    assert safe_name(given, "pdf") == stored


def test_downloads_are_attachments_that_are_not_sniffed(client, office_staff, site):
    pdf = store_upload(actor=office_staff, owner=site, upload=_upload("报告.pdf", PDF), purpose="file")
    photo = store_upload(actor=office_staff, owner=site, upload=_upload("照片.png", image_bytes()), purpose="photo")
    client.force_login(office_staff)
    response = client.get(reverse("attachment", args=[pdf.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    response = client.get(reverse("attachment", args=[photo.pk]))
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "image/png"
    api = client.get(f"/api/v1/files/{pdf.pk}/")
    assert api["Content-Disposition"].startswith("attachment") and api["X-Content-Type-Options"] == "nosniff"


# --- Imports ---

ROW = {
    "code": "S-IMP-1",
    "name": "新建隔离点",
    "site_type": "隔离点",
    "org_code": "D-WJW",
    "longitude": 125.32,
    "latitude": 43.81,
}


def _sites(rows) -> io.BytesIO:
    f = io.BytesIO(write_workbook("监督点位", svc.site_columns(), rows))
    f.name = "sites.xlsx"
    return f


def _refused(actor, upload) -> list:
    before = Site.objects.count()
    with pytest.raises(ImportFailed) as e:
        svc.site_import(actor=actor, upload=upload)
    assert Site.objects.count() == before
    return e.value.rows


def test_a_good_file_imports(office_staff, tree):
    svc.site_import(actor=office_staff, upload=_sites([ROW]))
    assert Site.objects.filter(code="S-IMP-1").exists()


def test_oversized_file_is_refused(office_staff, tree):
    with override_settings(JIANDU_MAX_IMPORT_BYTES=1000):
        rows = _refused(office_staff, _sites([ROW] * 50))
    assert "上限" in rows[0][2]


def test_corrupt_files_are_refused(office_staff, tree):
    good = _sites([ROW]).getvalue()
    cut = io.BytesIO(good[: len(good) // 2])
    assert "损坏" in _refused(office_staff, cut)[0][2]
    assert "不是 Excel" in _refused(office_staff, io.BytesIO(b"code,name\nS-1,x\n"))[0][2]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    assert "不是 Excel 工作簿" in _refused(office_staff, io.BytesIO(other_zip.getvalue()))[0][2]


def test_zip_bomb_is_refused_before_it_is_inflated(office_staff, tree):
    """A file of about 200 KB whose sheet inflates to 200 MB."""
    bomb = io.BytesIO()
    parts = zipfile.ZipFile(io.BytesIO(_sites([ROW]).getvalue()))
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info in parts.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, parts.read(info.filename))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(parts.read("xl/worksheets/sheet1.xml").replace(b"</worksheet>", b""))
            block = b" " * (1024 * 1024)
            for _ in range(200):
                sheet.write(block)
            sheet.write(b"</worksheet>")
    assert len(bomb.getvalue()) < 1024 * 1024
    bomb.seek(0)
    message = _refused(office_staff, bomb)[0][2]
    assert "压缩炸弹" in message


def test_formulas_are_refused_with_their_cell(office_staff, tree):
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in svc.site_columns()])
    ws.append(["S-F1", "公式点位", "隔离点", "", "D-WJW", "=1+1", 43.8])
    f = io.BytesIO()
    wb.save(f)
    f.seek(0)
    rows = _refused(office_staff, f)
    assert "F2" in rows[0][2] and "公式" in rows[0][2]


def test_wrong_headers_are_refused(office_staff, tree):
    wb = Workbook()
    wb.active.append(["姓名", "电话", "备注"])
    wb.active.append(["张三", "13800000000", ""])
    f = io.BytesIO()
    wb.save(f)
    f.seek(0)
    rows = _refused(office_staff, f)
    assert rows[0][0] == 1 and "表头与模板不符" in rows[0][2]


def test_missing_required_column_is_named(tree):
    wb = Workbook()
    wb.active.append(["点位编码", "点位名称"])
    f = io.BytesIO()
    wb.save(f)
    f.seek(0)
    with pytest.raises(ImportFailed) as e:
        read_rows(f, svc.site_columns())
    assert {c for _r, c, _m in e.value.rows} == {"点位类型", "责任单位编码"}


def test_wrong_types_name_row_and_column_and_write_nothing(office_staff, tree):
    rows = _refused(office_staff, _sites([ROW, {**ROW, "code": "S-IMP-2", "longitude": "东经125"}]))
    assert any(r == 3 and c == "经度" for r, c, _m in rows)


def test_too_many_rows_are_refused(office_staff, tree, monkeypatch):
    from jiandu.core import xlsx

    monkeypatch.setattr(xlsx, "MAX_IMPORT_ROWS", 3)
    rows = _refused(office_staff, _sites([{**ROW, "code": f"S-R{i}"} for i in range(5)]))
    assert "3行" in rows[0][2]
