from jiandu.core.access import Policy, register

from .models import Notification


@register(Notification)
class NotificationPolicy(Policy):
    """Everyone sees and marks only their own notifications."""

    def visible(self, p, qs):
        return qs.filter(recipient_id=p.user_id)

    def allows(self, p, action, obj):
        return action in ("view", "mark_read")
