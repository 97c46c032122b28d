"""Main flows of the activities module in a real browser (headless Chromium)."""

from datetime import date

import pytest
from PIL import Image

from conftest import browser_login
from jiandu.activities.enums import Method
from jiandu.activities.models import Activity
from jiandu.activities.tests.factories import ActivityFactory, topic
from jiandu.core.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_records_an_activity_with_a_photo(page, tree, group_member, tmp_path):
    topic("复工复产")
    photo = tmp_path / "现场.png"
    Image.new("RGB", (1200, 800), (158, 27, 27)).save(photo, "PNG")
    browser_login(page, group_member.username)
    page.goto("/activities/new/")
    page.select_option("#id_method", Method.STATIONED)
    assert page.locator("#id_end_date").evaluate("e => e.required")  # the end date follows the method
    page.select_option("#id_method", Method.ON_SITE)
    page.fill("#id_title", "实地监督检查一汽集团复工复产专班工作")
    page.fill("#id_start_date", "2022-04-28")
    page.get_by_label("复工复产").check()
    page.set_input_files("#id_photos", str(photo))
    page.fill("[data-testid=photo-caption-0]", "图为4月28日，赴一汽集团实地监督检查。")
    page.click("[data-testid=activity-save]")
    page.wait_for_load_state("networkidle")
    activity = Activity.objects.get(title="实地监督检查一汽集团复工复产专班工作")
    assert page.locator("[data-testid=activity-title]").inner_text() == activity.title
    thumb = page.locator("[data-testid=photo-thumb]")
    assert thumb.count() == 1
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")  # the thumbnail really loads
    assert "图为4月28日，赴一汽集团实地监督检查。" in page.content()
    att = Attachment.objects.get(owner_id=activity.pk)
    assert att.thumbnail and att.caption == "图为4月28日，赴一汽集团实地监督检查。"


def test_liaison_gets_the_404_page_for_a_covert_activity(page, tree, liaison):
    covert = ActivityFactory(
        group=tree["wjw_group"], method=Method.COVERT, title="明察暗访省人民医院", start_date=date(2022, 4, 6)
    )
    browser_login(page, liaison.username)
    response = page.goto(f"/activities/{covert.pk}/")
    assert response.status == 404
    assert page.locator("[data-testid=error-page]").count() == 1
    assert "明察暗访省人民医院" not in page.content()
