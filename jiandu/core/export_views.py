"""Pages of background ledger exports (jiandu.core.exports): 我的导出, one job's progress, its download.

A job is its owner's alone (ExportJobPolicy): anyone else gets 404 for the page and the file.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jiandu.core.paging import Paginator

from . import audit
from .access import access, visible_to
from .enums import EXPORT_STATUS_CSS, EventType, ExportStatus
from .errors import NotFound
from .models import ExportJob
from .xlsx import XLSX_CONTENT_TYPE


def _context(job: ExportJob) -> dict:
    return {"job": job, "status_css": EXPORT_STATUS_CSS.get(job.status, ""), "done": job.status == ExportStatus.DONE}


@login_required
@require_GET
def export_list(request):
    """我的导出: the user's background exports, newest first."""
    jobs = visible_to(request.user, ExportJob).order_by("-created_at", "-id")
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.status_css = EXPORT_STATUS_CSS.get(job.status, "")
    return render(request, "core/exports.html", {"page": page, "keep_days": settings.JIANDU_EXPORT_KEEP_DAYS})


@login_required
@require_GET
def export_detail(request, pk):
    """One job: a progress bar that htmx refreshes every second while the job is queued or running."""
    job = access(request.user, ExportJob, pk)
    template = "core/exports_progress.html" if request.htmx else "core/exports_detail.html"
    return render(request, template, _context(job))


@login_required
@require_GET
def export_download(request, pk):
    """The finished file, to its owner only; the download is audited (the ledger leaves the system)."""
    job = access(request.user, ExportJob, pk, action="download")
    if job.status != ExportStatus.DONE or not job.file:
        raise NotFound("该导出文件不存在或已过期，请重新导出。")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise NotFound("该导出文件不存在或已过期，请重新导出。") from None
    audit.record(
        EventType.EXPORT,
        actor=request.user,
        obj=job,
        object_repr=job.filename,
        details={"job": job.pk, "download": True, "count": job.total},
    )
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX_CONTENT_TYPE)
