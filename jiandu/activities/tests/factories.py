"""Factories of activities, campaigns and topics. They write rows directly (no audit, no timeline): use the
services in tests that are about the rules."""

import io
from datetime import date

import factory
from PIL import Image

from jiandu.activities.enums import DEFAULT_TOPICS, Method
from jiandu.activities.models import Activity, Campaign, Topic
from jiandu.activities.services import activity_code, is_confidential, stationed_days_of


def topic(name: str = DEFAULT_TOPICS[0]) -> Topic:
    """A topic by name. The migration seeds them, but a transactional (browser) test flushes the table."""
    obj, _ = Topic.objects.get_or_create(name=name, defaults={"sort_order": 10})
    return obj


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"专项监督{n}")
    topic = factory.LazyFunction(topic)
    start_date = date(2022, 4, 1)
    end_date = date(2022, 5, 31)


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity whose days and confidentiality follow its method, as the service would set them."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    method = Method.ON_SITE
    title = factory.Sequence(lambda n: f"监督检查活动{n}")
    start_date = date(2022, 4, 28)
    end_date = None
    days = factory.LazyAttribute(lambda o: stationed_days_of(o.method, o.start_date, o.end_date))
    confidential = factory.LazyAttribute(lambda o: is_confidential(o.method))

    @factory.post_generation
    def code(self, create, extracted, **kwargs):
        if create:
            self.code = extracted or activity_code(self.pk)
            self.save(update_fields=["code"])

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


def image_bytes(fmt: str = "PNG", size=(800, 600), colour=(30, 90, 160)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, fmt)
    return buf.getvalue()
