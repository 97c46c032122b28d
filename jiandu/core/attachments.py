"""Uploads: checked by content (magic bytes, not the file name), limited in size, stored with their SHA-256;
images get a thumbnail. Services of the owning module call `store_upload` after authorizing the owner;
`attachment_download` serves a file only to those who may see its owner (DESIGN §6, §10)."""

import hashlib
import io
import unicodedata

import filetype
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from .access import access
from .errors import NotFound, ValidationFailed
from .models import Attachment

# What may be uploaded, by detected MIME type → the extension it is stored under.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/zip": "zip",
    "video/mp4": "mp4",
    "audio/mpeg": "mp3",
    "audio/x-wav": "wav",
}
ALLOWED_LABEL = "图片（JPG/PNG/WebP/GIF/HEIC）、PDF、Word、Excel、PPT、ZIP、MP4、MP3/WAV"
# Photos (现场照片, 整改前后照片, 检查项照片) accept images only; every other purpose (file, reply, …) the whole list.
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"}
IMAGE_LABEL = "图片（JPG/PNG/WebP/GIF/HEIC）"
PHOTO_PURPOSES = {"photo", "item", "before", "after"}
NAME_LIMIT = 100  # characters of a stored original name, extension included
# Control and format characters (Cc, Cf: NUL, newlines, U+202E RIGHT-TO-LEFT OVERRIDE, zero-width …) and the
# characters Windows refuses in a name never reach the stored name.
_UNSAFE_NAME_CHARS = '<>:"/\\|?*'


def allowed_types(purpose: str) -> tuple[set[str], str]:
    """The allow-list of detected MIME types for an upload's purpose, and how to say it in Chinese."""
    if purpose in PHOTO_PURPOSES:
        return IMAGE_TYPES, IMAGE_LABEL
    return set(ALLOWED_TYPES), ALLOWED_LABEL


def safe_name(name: str, ext: str) -> str:
    """The name a person gave the file, made harmless to store and show: no folder part, no control, format
    (RTL override) or reserved characters, no leading dot, at most NAME_LIMIT characters, and ending in the
    extension of the type its content was detected as (so "photo.exe" that is a JPEG is shown "photo.exe.jpg")."""
    name = _clean_name(name)
    stem, dot, given = name.rpartition(".")
    if not dot or given.lower() not in SAME_EXTENSIONS.get(ext, {ext}):
        stem = name
    stem = stem[: NAME_LIMIT - len(ext) - 1].rstrip(" .") or "文件"
    return f"{stem}.{ext}"


SAME_EXTENSIONS = {"jpg": {"jpg", "jpeg", "jpe"}, "heic": {"heic", "heif"}}


def _clean_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in _UNSAFE_NAME_CHARS else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return " ".join(name.split()).strip(" .")


THUMBNAIL_SIZE = (480, 480)


def detect_type(data: bytes) -> str | None:
    kind = filetype.guess(data[:8192])
    if kind is None:
        return None
    mime = kind.mime
    if mime == "application/zip":
        # Office Open XML files are zip archives; tell them apart by their content listing.
        head = data[:65536]
        if b"word/" in head:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if b"xl/" in head:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if b"ppt/" in head:
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    if mime == "application/x-ole-storage" or mime == "application/vnd.ms-office":
        return "application/msword"
    return mime


def check_upload(upload, purpose: str = "") -> tuple[bytes, str]:
    """Read and check one upload against its purpose's allow-list. Returns (data, mime) or raises
    ValidationFailed in Chinese."""
    name = _clean_name(getattr(upload, "name", ""))[:NAME_LIMIT] or "文件"
    limit = settings.JIANDU_MAX_UPLOAD_BYTES
    if getattr(upload, "size", 0) > limit:
        raise ValidationFailed(f"文件“{name}”超过{limit // (1024 * 1024)}MB的上限。", fields={"files": ["文件过大。"]})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(f"文件“{name}”超过{limit // (1024 * 1024)}MB的上限。", fields={"files": ["文件过大。"]})
    if not data:
        raise ValidationFailed(f"文件“{name}”是空的。", fields={"files": ["空文件。"]})
    mime = detect_type(data)
    allowed, label = allowed_types(purpose)
    if mime not in allowed:
        raise ValidationFailed(
            f"文件“{name}”的内容不是允许的类型（按文件内容识别，与扩展名无关）。允许：{label}。",
            fields={"files": ["文件类型不允许。"]},
        )
    return data, mime


def _thumbnail(data: bytes) -> tuple[bytes | None, int | None, int | None]:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            width, height = img.size
            img = img.convert("RGB")
            img.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            img.save(out, "JPEG", quality=82)
            return out.getvalue(), width, height
    except (UnidentifiedImageError, OSError, ValueError):
        return None, None, None


def store_upload(*, actor, owner, upload, caption: str = "", purpose: str = "", sort_order: int = 0) -> Attachment:
    """Store one checked upload for `owner`. Call from a service that has authorized `actor` on `owner`."""
    data, mime = check_upload(upload, purpose)
    digest = hashlib.sha256(data).hexdigest()
    ext = ALLOWED_TYPES[mime]
    original = safe_name(getattr(upload, "name", ""), ext)
    att = Attachment(
        owner_type=ContentType.objects.get_for_model(type(owner)),
        owner_id=owner.pk,
        purpose=purpose,
        original_name=original,
        mime_type=mime,
        size=len(data),
        sha256=digest,
        caption=caption,
        sort_order=sort_order,
        uploaded_by=actor,
    )
    att.file.save(f"{digest[:16]}.{ext}", ContentFile(data), save=False)
    if mime.startswith("image/"):
        thumb, att.width, att.height = _thumbnail(data)
        if thumb:
            att.thumbnail.save(f"{digest[:16]}.jpg", ContentFile(thumb), save=False)
    att.save()
    return att


def attachments_of(owner, purpose: str | None = None):
    qs = Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk)
    return qs.filter(purpose=purpose) if purpose is not None else qs


def authorized_attachment(user, pk) -> Attachment:
    att = Attachment.objects.select_related("owner_type").filter(pk=pk).first()
    if att is None:
        raise NotFound()
    model = att.owner_type.model_class()
    access(user, model, att.owner_id)  # NotFound unless the owner is visible
    return att


@login_required
def attachment_download(request, pk: int):
    att = authorized_attachment(request.user, pk)
    return serve_attachment(att)


def serve_attachment(att: Attachment) -> FileResponse:
    """The stored file with its detected type, never sniffed by the browser. Only allow-listed raster images
    open in the browser (they cannot run script); everything else, PDF included, is downloaded."""
    inline = att.mime_type in IMAGE_TYPES
    response = FileResponse(
        att.file.open("rb"), as_attachment=not inline, filename=att.original_name, content_type=att.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_thumbnail(request, pk: int):
    att = authorized_attachment(request.user, pk)
    if not att.thumbnail:
        raise NotFound("该附件没有缩略图。")
    response = FileResponse(att.thumbnail.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response
