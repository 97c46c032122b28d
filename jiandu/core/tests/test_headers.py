"""Security headers on every response, no inline script or style left in any template, and a production
configuration that `check --deploy` accepts."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "jiandu"


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_secure_headers(response, style_src="'self'"):
    csp = response["Content-Security-Policy"]
    directives = _directives(csp)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == style_src
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    # No external origin anywhere: only keywords and the data:/blob: schemes for images.
    for value in directives.values():
        for source in value.split():
            assert source.startswith("'") or source in ("data:", "blob:"), f"external source {source} in {csp}"
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=(self)" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "api-schema"])
def test_anonymous_pages_carry_the_headers(client, name):
    response = client.get(reverse(name))
    assert_secure_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/problems/", "/activities/", "/documents/", "/reports/", "/org/", "/api/v1/problems/", "/nonexistent/"],
)
def test_pages_of_a_signed_in_user_carry_the_headers(client, commission_leader, path):
    client.force_login(commission_leader)
    response = client.get(path)
    assert response.status_code in (200, 302, 404)
    assert_secure_headers(response)


@pytest.mark.django_db
def test_swagger_ui_has_no_inline_script(client):
    # The one scoped exception: Swagger UI's bundle injects a <style> element, so this page allows inline styles.
    assert_secure_headers(client.get(reverse("api-docs")), style_src="'self' 'unsafe-inline'")
    page = client.get(reverse("api-docs")).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def _templates():
    return sorted(p for p in TEMPLATE_ROOT.rglob("*.html") if "node_modules" not in p.parts)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "inline <script> (put the code in jiandu/static/jiandu/*.js, data through json_data)"),
        (EVENT_HANDLER, "on…= event handler attribute (use addEventListener in a static file)"),
        (STYLE_ELEMENT, "<style> element (put the rules in a static .css file)"),
        (STYLE_ATTRIBUTE, 'style="" attribute (use a class in jiandu/static/jiandu/app.css)'),
    ],
)
def test_no_template_needs_inline_code(pattern, what):
    templates = _templates()
    assert len(templates) > 50
    offenders = [f"{p.relative_to(TEMPLATE_ROOT)}" for p in templates if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"{what}: {offenders}"


def test_check_deploy_with_production_settings_reports_nothing():
    # A clean environment: the test settings' own variables (e.g. DJANGO_ALLOW_ASYNC_UNSAFE) must not leak in.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://jiandu@127.0.0.1:5432/jiandu",
        "JIANDU_SM4_KEYS": "k1=" + secrets.token_hex(16),
        "JIANDU_SM4_ACTIVE_KEY": "k1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
