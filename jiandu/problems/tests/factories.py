"""Problems for tests, made through the services (so they carry their events and audit like real ones)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiandu.problems import services
from jiandu.problems.models import Category, Problem, Severity

DAY = datetime.date(2022, 4, 20)


def jpeg(name="现场.jpg", colour=(180, 40, 40)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def category(name="设施安全隐患") -> Category:
    services.ensure_defaults()
    return Category.objects.get(name=name)


def severity(level=1) -> Severity:
    services.ensure_defaults()
    return Severity.objects.get(level=level)


def problem(author, group, responsible_org, **kwargs) -> Problem:
    values = {
        "description": "帐篷加固不到位，棉被配备不足",
        "category": category(),
        "severity": severity(),
        "registered_on": DAY,
    }
    values.update(kwargs)
    if "deadline" not in kwargs and values.get("deadline_mode", "date") == "date":
        values["deadline"] = values["registered_on"] + datetime.timedelta(days=10)
    return services.problem_create(actor=author, group=group, responsible_org=responsible_org, **values)


def walk(p: Problem, to: str, *, liaison, leader, closed_on=None) -> Problem:
    """Move a problem along the happy path up to status `to` (open → in_progress → submitted → closed/returned/…)."""
    order = ["open", "in_progress", "submitted", "closed", "reopened"]
    if to == "returned":
        p = walk(p, "submitted", liaison=liaison, leader=leader)
        return services.problem_return(actor=leader, problem=p, reason="整改材料不完整")
    steps = order[order.index(p.status) + 1 : order.index(to) + 1]
    for step in steps:
        if step == "in_progress":
            p = services.problem_start(actor=liaison, problem=p)
        elif step == "submitted":
            p = services.problem_submit(actor=liaison, problem=p, note="已加固帐篷，补齐棉被")
        elif step == "closed":
            p = services.problem_close(actor=leader, problem=p, closed_on=closed_on)
        elif step == "reopened":
            p = services.problem_reopen(actor=leader, problem=p, reason="回头看发现问题反弹")
    return p
