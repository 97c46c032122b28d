"""Chart data handed to the page's scripts (the jd json_data filter): the same JSON and escapes as Django's
json_script, so that no text in it (a title typed by a user) can end the <script> and run as code."""

import json

from django.template import Context, Template
from django.utils.html import json_script


def test_the_data_reads_back_and_nothing_in_it_ends_the_script():
    value = {"title": "</script><script>alert(1)</script> & 整改", "n": [1, 2.5, None], "day": "2022-05-31"}
    html = Template('{% load jd %}{{ value|json_data:"chart" }}').render(Context({"value": value}))
    assert html == json_script(value, "chart")
    assert html.count("</script>") == 1 and "<script>" not in html
    body = html.removeprefix('<script id="chart" type="application/json">').removesuffix("</script>")
    assert json.loads(body) == value
