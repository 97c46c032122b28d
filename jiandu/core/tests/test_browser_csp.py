"""The Content-Security-Policy in a real browser: Swagger UI works under it, and a refused inline script is seen
(the `page` fixture fails any browser test that triggers a violation)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_runs_under_the_policy(page):
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .information-container", timeout=20000)
    assert "派驻监督工作平台 API" in page.inner_text(".swagger-ui .information-container")


def test_the_browser_refuses_an_inline_script(_browser, live_server):
    # Its own browser context: the `page` fixture would (rightly) fail on the violation provoked here.
    context = _browser.new_context(base_url=live_server.url)
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto("/accounts/login/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.jdInjected = 1";
        document.body.append(s); }"""
    )
    assert page.evaluate("window.jdInjected") is None
    context.close()
    assert any("Content Security Policy" in m for m in messages)
