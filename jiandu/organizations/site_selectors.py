"""Reads of the site registry, always scoped to the reader (DESIGN §6)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jiandu.core import exports
from jiandu.core.access import in_subtrees, visible_to

from .enums import SiteType
from .models import Org, Site
from .org_filters import org_filter_choices, typed_org
from .site_services import RESPONSIBLE_ORG_KINDS, ROW_FIELDS, site_row


def sites_for(
    user, *, q: str = "", site_type: str = "", org: Org | None = None, active: bool | None = None
) -> QuerySet:
    """The sites `user` may see, filtered: keyword on name/code/address, type, responsible org with its whole
    subtree, status. Joins the responsible org so a list shows it without a query per row."""
    qs = visible_to(user, Site).select_related("responsible_org")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
    if site_type:
        qs = qs.filter(site_type=site_type)
    if org is not None:
        qs = qs.filter(in_subtrees("responsible_org", [org.path]))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("site_type", "code")


def type_counts(sites: QuerySet) -> list[dict]:
    """[{value, label, count}] per site type of `sites` (one query), in the order of SiteType; empty types left out."""
    counts = dict(sites.order_by().values_list("site_type").annotate(n=Count("id")).values_list("site_type", "n"))
    return [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in SiteType.choices
        if counts.get(value)
    ]


@org_filter_choices("site-responsible")
def responsible_orgs_for(user) -> QuerySet:
    """The orgs `user` may name as responsible for a site, or filter sites by (departments and units)."""
    return visible_to(user, Org).filter(kind__in=RESPONSIBLE_ORG_KINDS).order_by("path")


def visible_org(user, org_id) -> Org | None:
    """The org `org_id` if `user` may see it; None for a blank, malformed or invisible id."""
    try:
        pk = int(org_id)
    except (TypeError, ValueError):
        return None
    return visible_to(user, Org).filter(pk=pk).first()


@dataclass(frozen=True)
class SiteFilters:
    q: str = ""
    site_type: str = ""
    org: Org | None = None
    active: bool | None = None
    org_id_given: bool = False  # an org was asked for but is not visible: the result is empty

    def as_params(self) -> dict:
        """The filters in use, for the audit record of an export."""
        params = {
            "q": self.q,
            "site_type": self.site_type,
            "org": self.org.pk if self.org else None,
            "active": self.active,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}

    def apply(self, user) -> QuerySet:
        qs = sites_for(user, q=self.q, site_type=self.site_type, org=self.org, active=self.active)
        return qs.none() if self.org_id_given and self.org is None else qs


ACTIVE_PARAM = {"1": True, "true": True, "active": True, "0": False, "false": False, "inactive": False}


def parse_filters(user, params) -> SiteFilters:
    """Filters from query parameters (?q=&site_type=&org=&active=), shared by the page, the export and the API."""
    site_type = params.get("site_type", "")
    org_param = (typed_org(user, "site-responsible", params, params.get("org")) or "").strip()
    return SiteFilters(
        q=(params.get("q") or "").strip()[:100],
        site_type=site_type if site_type in SiteType.values else "",
        org=visible_org(user, org_param) if org_param else None,
        active=ACTIVE_PARAM.get((params.get("active") or "").strip().lower()),
        org_id_given=bool(org_param),
    )


def site_rows(sites: QuerySet):
    """Ledger rows (dicts keyed by the xlsx column keys) of `sites`, streamed in chunks of plain values."""
    for site in exports.each_value(sites, ROW_FIELDS, named=True):
        yield site_row(site)
