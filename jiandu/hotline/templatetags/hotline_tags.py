"""{% load hotline_tags %}: the tabs of the hotline pages (the test-call tab only for those who may see calls)."""

from django import template

from jiandu.core.access import can
from jiandu.hotline.models import TestCall

register = template.Library()


@register.inclusion_tag("hotline/_tabs.html", takes_context=True)
def hotline_tabs(context, active: str):
    user = context["request"].user
    return {"active": active, "see_calls": can(user, "view", TestCall)}


@register.filter
def percent(value):
    if not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.0f}%"
