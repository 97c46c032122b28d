"""The demo reproduces the article's figures, read back through the selectors the reports module uses."""

from datetime import date

from django.core.management import call_command

from jiandu.activities import selectors
from jiandu.activities.enums import Method
from jiandu.activities.models import Activity, Campaign
from jiandu.core.models import Attachment
from jiandu.organizations.models import Org, User


def test_demo_reproduces_the_article_and_loads_twice_to_the_same_data(db):
    call_command("load_demo")
    leader = User.objects.get(username="leader")
    wjw = Org.objects.get(code="G-WJW")
    methods = {r["key"]: r["count"] for r in selectors.activity_counts(leader, by="method")}
    wjw_methods = {r["key"]: r["count"] for r in selectors.activity_counts(leader, by="method", group=wjw)}
    assert wjw_methods[Method.PHONE_CHECK] == 28
    assert 50 <= selectors.stationed_days(leader, group=wjw) <= 59
    assert set(Method.values) <= set(methods)
    swt = Org.objects.get(code="G-SWT")
    sites = set(
        selectors.activities_for(leader, group=swt, date_from=date(2022, 4, 28), date_to=date(2022, 4, 29)).values_list(
            "sites__code", flat=True
        )
    )
    assert sites == {"SW-SC-01", "SW-SC-02", "SW-SC-03", "SW-SC-04", "SW-SC-05", "SW-SC-06", "SW-PF-01"}
    campaign = Campaign.objects.get(title="涉疫帐篷安全专项监督")
    progress = selectors.campaign_progress(leader, campaign)
    assert (progress.sites, progress.planned_sites) == (284, 284)
    faw = Activity.objects.get(group=wjw, start_date=date(2022, 4, 28))
    assert faw.leader.full_name == "赫军"
    photo = Attachment.objects.get(owner_id=faw.pk, purpose="photo")
    assert photo.caption.startswith("图为4月28日，省纪委监委驻省卫健委纪检监察组组长赫军赴一汽集团") and photo.thumbnail
    # the liaison of 省卫健委 sees none of it
    liaison = User.objects.get(username="wjw_liaison")
    assert selectors.activity_counts(liaison, by="method") == [] and selectors.stationed_days(liaison) == 0

    before = (Activity.objects.count(), Campaign.objects.count(), Attachment.objects.count())
    call_command("load_demo")
    assert (Activity.objects.count(), Campaign.objects.count(), Attachment.objects.count()) == before
