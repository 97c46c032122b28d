"""The whole Jilin 2022 demo, loaded once per test module: reports are judged against the article's figures.

Loading takes several seconds, so it is shared by the tests of a module (each test still runs in its own
transaction, rolled back after it); the database is emptied after the module, as a transactional test does.
The demo's photos go to a temporary MEDIA_ROOT."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from jiandu.demo import loader


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo_media")))
    media.enable()
    with django_db_blocker.unblock():
        result = loader.load()
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    media.disable()
