"""Access policies of core's own models (registered in the one mechanism like every other module's)."""

from jiandu.organizations.enums import Role

from .access import Policy, register
from .models import AuditEvent


@register(AuditEvent)
class AuditEventPolicy(Policy):
    """Only the audit admin reads the audit log (三员分立); nobody changes it."""

    def visible(self, p, qs):
        return qs if p.has(Role.AUDIT_ADMIN) else qs.none()

    def allows(self, p, action, obj):
        return action in ("view", "verify") and p.has(Role.AUDIT_ADMIN)
