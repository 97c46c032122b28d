"""The main flow of documents in a real browser: draft, issue, .docx, acknowledge, reply."""

import docx
import pytest

from conftest import browser_login
from jiandu.documents.enums import DocumentStatus
from jiandu.documents.models import Document

from .factories import rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_issues_and_liaison_acknowledges_and_replies(page, tree, group_leader, liaison):
    rule(tree["wjw_group"], "吉纪驻卫")
    page.on("dialog", lambda dialog: dialog.accept())  # the 签发 button asks for confirmation

    browser_login(page, group_leader.username)
    page.goto("/documents/")
    page.click("[data-testid=document-create]")
    page.select_option("#id_kind", "reminder")
    page.fill("#id_title", "关于保障特殊群体就医需求的提示函")
    page.fill("#id_body", "一、畅通就医绿色通道\n二、加强医疗服务监管")
    page.select_option("#id_recipients", [str(tree["wjw"].pk)])
    page.fill("#id_aspects_count", "2")
    page.fill("#id_items_count", "4")
    page.fill("#id_reply_due_on", "2099-05-06")
    page.click("[data-testid=document-save]")
    page.wait_for_load_state("networkidle")
    assert "草稿已保存" in page.content()

    page.click("[data-testid=document-issue]")
    page.wait_for_load_state("networkidle")
    doc = Document.objects.get(title="关于保障特殊群体就医需求的提示函")
    assert doc.status == DocumentStatus.ISSUED
    assert doc.number in page.inner_text("[data-testid=document-number]")

    with page.expect_download() as info:
        page.click("[data-testid=document-docx]")
    download = info.value
    assert download.suggested_filename == f"{doc.number} 关于保障特殊群体就医需求的提示函.docx"
    text = "\n".join(p.text for p in docx.Document(str(download.path())).paragraphs)
    assert doc.number in text and "关于保障特殊群体就医需求的提示函" in text

    page.context.clear_cookies()
    browser_login(page, liaison.username)
    page.goto("/documents/")
    page.click("text=关于保障特殊群体就医需求的提示函")
    page.click("[data-testid=recipient-acknowledge]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=recipient-row] [data-testid=status-badge]") == "已签收"
    page.click("[data-testid=recipient-reply]")
    page.fill("#id_text", "已开通特殊群体就医绿色通道，落实情况附后。")
    page.click("[data-testid=reply-submit]")
    page.wait_for_load_state("networkidle")
    assert "回复已提交" in page.content()
    assert page.inner_text(".card-header [data-testid=status-badge]") == "已回复"
    assert "已开通特殊群体就医绿色通道" in page.inner_text("[data-testid=reply-text]")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REPLIED
