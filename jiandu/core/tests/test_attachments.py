"""Uploads are checked by content and size, stored with SHA-256 and a thumbnail, and served only to those who
may see the record they belong to."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jiandu.core.attachments import attachments_of, store_upload
from jiandu.core.errors import ValidationFailed
from jiandu.organizations.tests.factories import SiteFactory


def png_bytes(size=(900, 600), colour=(158, 27, 27)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def yjt_site(tree):
    return SiteFactory(responsible_org=tree["yjt"])


def test_image_is_stored_with_hash_and_thumbnail(group_member, yjt_site):
    data = png_bytes()
    att = store_upload(actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("现场.png", data), caption="图为")
    assert att.sha256 == hashlib.sha256(data).hexdigest()
    assert att.mime_type == "image/png" and att.size == len(data)
    assert (att.width, att.height) == (900, 600)
    assert att.thumbnail
    with Image.open(att.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) <= 480
    assert list(attachments_of(yjt_site)) == [att]


def test_content_not_name_decides(group_member, yjt_site):
    with pytest.raises(ValidationFailed) as e:
        store_upload(
            actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image")
        )
    assert "按文件内容识别" in e.value.message
    # a real PNG named .txt is accepted as what it is
    att = store_upload(actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("说明.txt", png_bytes()))
    assert att.mime_type == "image/png"


def test_size_limit(group_member, yjt_site, settings):
    settings.JIANDU_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationFailed) as e:
        store_upload(actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("big.png", png_bytes()))
    assert "上限" in e.value.message


def test_empty_file_refused(group_member, yjt_site):
    with pytest.raises(ValidationFailed):
        store_upload(actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("empty.pdf", b""))


def test_download_follows_the_owner_visibility(client, group_member, liaison, other_liaison, yjt_site):
    att = store_upload(actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("a.png", png_bytes()))
    client.force_login(group_member)
    r = client.get(reverse("attachment", args=[att.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert client.get(reverse("attachment_thumb", args=[att.pk])).status_code == 200
    client.force_login(liaison)  # 省卫健委's liaison may not see a site of 省应急管理厅
    assert client.get(reverse("attachment", args=[att.pk])).status_code == 404
    assert client.get(reverse("attachment_thumb", args=[att.pk])).status_code == 404
    client.force_login(other_liaison)
    assert client.get(reverse("attachment", args=[att.pk])).status_code == 200
    assert client.get(reverse("attachment", args=[att.pk + 999])).status_code == 404


def test_api_token_clients_get_files_under_the_same_rule(group_member, liaison, yjt_site):
    from rest_framework.test import APIClient

    att = store_upload(actor=group_member, owner=yjt_site, upload=SimpleUploadedFile("a.png", png_bytes()))
    api = APIClient()
    api.force_authenticate(group_member)
    r = api.get(f"/api/v1/files/{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"\x89PNG")
    api.force_authenticate(liaison)
    assert api.get(f"/api/v1/files/{att.pk}/").status_code == 404
