"""Access policies of documents (DESIGN §6), registered in the one mechanism of jiandu.core.access.

- Document: commission roles see all; group roles their groups' documents (drafts included); a liaison only
  documents that were sent (never drafts) with a recipient org inside the liaison's org subtree; admins nothing.
- DocumentRecipient: the group and the commission see every recipient row; a liaison only the rows of their
  own subtree (the liaison of 省医保局 never reads 省卫健委's reply to the same document).
- Actions: create/change/attach a draft and close — group roles of the owning group; issue — the owning
  group's leader; acknowledge/reply — a liaison whose subtree holds the recipient org; export/docx — whoever
  sees the record. The commission leader reads only. Which status a move leaves from is services.TRANSITIONS.
"""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, in_subtrees, register, scope_business
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, Role

from .enums import PUBLIC_EVENT_KINDS, DocumentStatus
from .models import Document, DocumentEvent, DocumentRecipient, NumberingRule


def liaison_paths(p: Principal) -> list[str]:
    return p.org_paths(Role.LIAISON)


def liaison_covers(p: Principal, org) -> bool:
    """The recipient org lies in the subtree of one of the liaison's orgs."""
    return any(org.path.startswith(path) for path in liaison_paths(p))


def _liaison_documents(p: Principal) -> Q:
    rows = DocumentRecipient.objects.filter(in_subtrees("org", liaison_paths(p))).values("document_id")
    return Q(pk__in=rows) & ~Q(status=DocumentStatus.DRAFT)


def in_group(p: Principal, group_id: int, *roles: str) -> bool:
    return group_id in p.org_ids(*(roles or GROUP_ROLES))


@register(Document)
class DocumentPolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs, liaison_q=_liaison_documents)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "create":
                return p.has(*GROUP_ROLES)
            if action in ("view", "export"):
                return p.has(*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON)
            return False
        if action in ("view", "export", "docx"):
            return True
        if action in ("change", "attach", "close"):
            return in_group(p, obj.group_id)
        if action == "issue":
            return in_group(p, obj.group_id, Role.GROUP_LEADER)
        if action in ("acknowledge", "reply"):
            # Liaison of at least one recipient; the row itself is checked by DocumentRecipientPolicy.
            return p.has(Role.LIAISON) and obj.status != DocumentStatus.DRAFT
        return False


@register(DocumentRecipient)
class DocumentRecipientPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        q = Q(pk__in=[])
        if p.has(*GROUP_ROLES):
            q |= Q(document__group_id__in=p.org_ids(*GROUP_ROLES))
        if p.has(Role.LIAISON):
            q |= in_subtrees("org", liaison_paths(p)) & ~Q(document__status=DocumentStatus.DRAFT)
        return qs.filter(q)

    def allows(self, p, action, obj):
        if action == "view":
            return True
        if action in ("acknowledge", "reply"):
            return p.has(Role.LIAISON) and liaison_covers(p, obj.org)
        return False


@register(DocumentEvent)
class DocumentEventPolicy(Policy):
    """The timeline: the group and the commission read all of it; a liaison reads what happened once the document
    was sent — the document's own moves and those of the recipient rows in their subtree, not the drafting."""

    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        q = Q(pk__in=[])
        if p.has(*GROUP_ROLES):
            q |= Q(document__group_id__in=p.org_ids(*GROUP_ROLES))
        if p.has(Role.LIAISON):
            own_rows = Q(recipient__isnull=True) | in_subtrees("recipient__org", liaison_paths(p))
            q |= (
                Q(document__in=Document.objects.filter(_liaison_documents(p)))
                & Q(kind__in=PUBLIC_EVENT_KINDS)
                & own_rows
            )
        return qs.filter(q)

    def allows(self, p, action, obj):
        return action == "view"


def may_set_numbering(p: Principal, group_id: int) -> bool:
    """The office keeps every group's prefix; a group leader keeps their own group's."""
    return p.has(Role.OFFICE_STAFF) or in_group(p, group_id, Role.GROUP_LEADER)


@register(NumberingRule)
class NumberingRulePolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        if p.has(*GROUP_ROLES):
            return qs.filter(group_id__in=p.org_ids(*GROUP_ROLES))
        return qs.none()

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            return action in ("view", "change") and (p.has(Role.OFFICE_STAFF) or p.has(Role.GROUP_LEADER))
        if action == "change":
            return may_set_numbering(p, obj.group_id)
        return action == "view"
