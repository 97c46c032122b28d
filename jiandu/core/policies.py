"""Access policies of core's own models (registered in the one mechanism like every other module's)."""

from jiandu.organizations.enums import Role

from .access import Policy, register
from .models import AuditEvent, ExportJob


@register(AuditEvent)
class AuditEventPolicy(Policy):
    """Only the audit admin reads the audit log (三员分立); nobody changes it."""

    def visible(self, p, qs):
        return qs if p.has(Role.AUDIT_ADMIN) else qs.none()

    def allows(self, p, action, obj):
        return action in ("view", "verify", "export") and p.has(Role.AUDIT_ADMIN)


@register(ExportJob)
class ExportJobPolicy(Policy):
    """A background export belongs to the one who asked for it: nobody else sees it or its file (404)."""

    def visible(self, p, qs):
        return qs.filter(owner_id=p.user_id)

    def allows(self, p, action, obj):
        return action in ("view", "download") and not isinstance(obj, type) and obj.owner_id == p.user_id
