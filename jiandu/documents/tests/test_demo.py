"""The demo documents reproduce the article (DESIGN §8) and load idempotently."""

import datetime

from django.core.management import call_command

from jiandu.documents import selectors
from jiandu.documents.models import Document, DocumentRecipient
from jiandu.organizations.models import User

SPRING = {"date_from": datetime.date(2022, 3, 1), "date_to": datetime.date(2022, 5, 20)}


def test_demo_documents(db):
    call_command("load_demo")
    first = (Document.objects.count(), DocumentRecipient.objects.count())
    call_command("load_demo")
    assert (Document.objects.count(), DocumentRecipient.objects.count()) == first
    office = User.objects.get(username="office")
    by_group = {r["label"]: r["count"] for r in selectors.document_counts(office, by="group", **SPRING)}
    assert by_group["省纪委监委驻省卫健委纪检监察组"] == 21
    assert by_group["省纪委监委驻省教育厅纪检监察组"] == 17
    wjw = Document.objects.filter(group__code="G-WJW", issued_on__year=2022)
    assert set(wjw.values_list("kind", flat=True)) == {"recommendation", "notice", "reminder"}
    assert wjw.get(title__contains="特殊群体就医").recipients.count() == 2
    jyt = Document.objects.filter(group__code="G-JYT", issued_on__year=2022)
    assert jyt.filter(kind__in=["bulletin", "directive"]).count() == 12 and jyt.filter(kind="reminder").count() == 5
    swt = Document.objects.get(group__code="G-SWT", kind="reminder")
    assert swt.scope_label == "6个方面12条" and swt.issued_on < datetime.date(2022, 4, 28)
    assert swt.number == "吉纪驻商〔2022〕1号" and swt.body.count("、") >= 6
    numbers = list(wjw.order_by("number_seq").values_list("number", flat=True))
    assert numbers[0] == "吉纪驻卫〔2022〕1号" and numbers[-1] == "吉纪驻卫〔2022〕21号"
    colours = {d.warning for d in selectors.with_warnings(selectors.documents_for(office))}
    assert {"green", "yellow", "red", "closed_late"} <= colours
    for username in ("wjw_liaison", "yjt_liaison"):
        todo = selectors.documents_awaiting(User.objects.get(username=username))
        assert todo.to_acknowledge and todo.to_reply, username
    wjw_liaison = User.objects.get(username="wjw_liaison")
    assert not selectors.documents_for(wjw_liaison, status="draft").exists()
