"""Template helpers: Chinese numbers and dates, warning badges. {% load jd %}"""

from django import template
from django.utils.html import format_html

from jiandu.core import cn
from jiandu.core.deadlines import WARNING_CSS, Warning

register = template.Library()


@register.filter
def cn_date(value):
    return cn.cn_date(value)


@register.filter
def cn_amount(value, unit=""):
    return cn.cn_amount(value, unit)


@register.simple_tag
def warning_badge(colour):
    """A red/yellow/green badge; nothing for `none`."""
    if not colour or colour == Warning.NONE:
        return ""
    return format_html(
        '<span class="badge {} jd-warning" data-warning="{}">{}</span>',
        WARNING_CSS.get(colour, ""),
        colour,
        Warning(colour).label,
    )


@register.filter
def filesize(n):
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f}{unit}" if unit == "B" else f"{n:.1f}{unit}"
        n /= 1024
