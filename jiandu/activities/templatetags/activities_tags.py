"""Template helpers of the activity pages. {% load activities_tags %}"""

from django import template

from jiandu.activities.enums import METHOD_CSS

register = template.Library()


@register.filter
def method_css(method: str) -> str:
    return METHOD_CSS.get(method, "text-bg-secondary")


@register.filter
def date_range(activity) -> str:
    """2022-04-28, or 2022-04-01 至 2022-04-20 for a range."""
    start = activity.start_date.isoformat()
    if activity.end_date and activity.end_date != activity.start_date:
        return f"{start} 至 {activity.end_date.isoformat()}"
    return start
