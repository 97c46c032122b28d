"""Who may use each URL: one line per named URL pattern and API route (DESIGN §6, issue 8).

This table does not grant anything: the views decide through `jiandu.core.access`. It is the declaration the
access matrix test (`jiandu/core/tests/test_access_matrix.py`) checks every view against, for every persona:
a URL that is missing here fails the suite, and so does a line here that names no URL.

A line says which roles may use the URL and, when its arguments name a record, what kind of record:

- `BUSINESS`  — a record owned by a group (activity, document, problem, …): whoever may not see it gets 404;
- `REFERENCE` — shared data (orgs, sites, hotlines, indicators, settings): the roles not named get 403 or 404;
- `OWN`       — the user's own (export job, notification): everybody else gets 404.

The others get 403 (a page or action their role lacks), anonymous users a redirect to the login page (pages)
or 401/403 (API). `write=True` marks a URL whose POST changes data: a refused POST must change nothing.
Adding a view = adding one line here.
"""

from dataclasses import dataclass

from jiandu.organizations.enums import Role

PUBLIC = frozenset({"anonymous"})  # anyone, signed in or not
ANY = frozenset(Role.values)  # any signed-in user
COMMISSION = frozenset({Role.COMMISSION_LEADER, Role.OFFICE_STAFF})
OFFICE = frozenset({Role.OFFICE_STAFF})
GROUP = frozenset({Role.GROUP_LEADER, Role.GROUP_MEMBER})
LEADER = frozenset({Role.GROUP_LEADER})
LIAISON = frozenset({Role.LIAISON})
WORK = COMMISSION | GROUP  # everyone who supervises: commission and group roles
BUSINESS_ROLES = WORK | LIAISON
SYSTEM_ADMIN = frozenset({Role.SYSTEM_ADMIN})
SECURITY_ADMIN = frozenset({Role.SECURITY_ADMIN})
AUDIT_ADMIN = frozenset({Role.AUDIT_ADMIN})
NOBODY = frozenset()

BUSINESS = "business"
REFERENCE = "reference"
OWN = "own"


@dataclass(frozen=True)
class Rule:
    roles: frozenset  # the roles that may use the URL
    model: str = ""  # "app_label.Model" of the record its arguments name, if any
    kind: str = ""  # BUSINESS, REFERENCE or OWN (with a model)
    write: bool = False  # a POST changes data
    api: bool = False


def page(roles, *, write=False) -> Rule:
    return Rule(frozenset(roles), write=write)


def record(roles, model: str, kind: str = BUSINESS, *, write=False) -> Rule:
    return Rule(frozenset(roles), model, kind, write)


def api(roles, model: str = "", kind: str = "", *, write=False) -> Rule:
    return Rule(frozenset(roles), model, kind or (BUSINESS if model else ""), write, api=True)


ACT, CAMP = "activities.Activity", "activities.Campaign"
DOC, PROB = "documents.Document", "problems.Problem"
PLAN, CHECK, STOCK = "sampling.SamplingPlan", "sampling.Check", "sampling.Stock"
HOTLINE, CASE, CALL = "hotline.Hotline", "hotline.HotlineCase", "hotline.TestCall"
DATASET, INDICATOR, DATAVALUE = "stats.DataSet", "stats.Indicator", "stats.DataValue"
ORG, USER, SITE = "organizations.Org", "organizations.User", "organizations.Site"
BRIEFING = "reports.Briefing"

URL_ACCESS: dict[str, Rule] = {
    # --- core ---
    "home": page(ANY),
    "login": page(PUBLIC),
    "logout": page(PUBLIC),
    "password_change": page(ANY, write=True),
    "otp_verify": page(PUBLIC),  # the second step of the login: the session holds the first step
    "otp_setup": page(ANY, write=True),
    "otp_recovery_codes": page(ANY, write=True),
    "audit_log": page(AUDIT_ADMIN),
    "audit_export": page(AUDIT_ADMIN),
    "export_list": page(ANY),
    "export_detail": record(ANY, "core.ExportJob", OWN),
    "export_download": record(ANY, "core.ExportJob", OWN),
    "attachment": record(BUSINESS_ROLES, "core.Attachment"),
    "attachment_thumb": record(BUSINESS_ROLES, "core.Attachment"),
    "api-schema": page(PUBLIC),  # the schema describes the API, it holds no record
    "api-docs": page(PUBLIC),
    # --- organizations ---
    "organizations:org_tree": page(ANY),  # shows what the viewer may see: nothing to the audit admin
    "organizations:org_create": page(OFFICE | SYSTEM_ADMIN, write=True),
    "organizations:org_export": page(COMMISSION | SYSTEM_ADMIN),
    "organizations:org_import": page(OFFICE | SYSTEM_ADMIN, write=True),
    "organizations:org_typeahead": page(ANY),  # a list filter's org choices: what the viewer may pick there
    "organizations:org_detail": record(ANY - AUDIT_ADMIN, ORG, REFERENCE),
    "organizations:org_edit": record(OFFICE | SYSTEM_ADMIN, ORG, REFERENCE, write=True),
    "organizations:org_move": record(OFFICE | SYSTEM_ADMIN, ORG, REFERENCE, write=True),
    "organizations:assignment_list": page(ANY),
    "organizations:assignment_create": page(OFFICE | SYSTEM_ADMIN, write=True),
    "organizations:assignment_export": page(COMMISSION | SYSTEM_ADMIN),
    "organizations:assignment_delete": record(OFFICE | SYSTEM_ADMIN, "organizations.Assignment", REFERENCE, write=True),
    "organizations:user_list": page(ANY),  # everyone sees their own account
    "organizations:user_create": page(OFFICE | SYSTEM_ADMIN, write=True),
    "organizations:user_export": page(OFFICE | SYSTEM_ADMIN),
    "organizations:user_detail": record(OFFICE | SYSTEM_ADMIN | SECURITY_ADMIN, USER, REFERENCE),
    "organizations:user_edit": record(OFFICE | SYSTEM_ADMIN, USER, REFERENCE, write=True),
    "organizations:user_reset_password": record(OFFICE | SYSTEM_ADMIN, USER, REFERENCE, write=True),
    "organizations:user_reset_second_factor": record(SECURITY_ADMIN, USER, REFERENCE, write=True),
    "organizations:grant_create": record(OFFICE | SECURITY_ADMIN, USER, REFERENCE, write=True),
    "organizations:grant_revoke": record(OFFICE | SECURITY_ADMIN, "organizations.RoleGrant", REFERENCE, write=True),
    "organizations:site_list": page(ANY),  # empty for the roles that see no site
    "organizations:site_create": page(OFFICE | GROUP | SYSTEM_ADMIN, write=True),
    "organizations:site_export": page(WORK | SYSTEM_ADMIN),
    "organizations:site_import": page(OFFICE | GROUP | SYSTEM_ADMIN, write=True),
    "organizations:site_attribute_fields": page(ANY),  # the extra form fields of a site type: no data
    "organizations:site_detail": record(WORK | SYSTEM_ADMIN, SITE, REFERENCE),
    "organizations:site_edit": record(OFFICE | GROUP | SYSTEM_ADMIN, SITE, REFERENCE, write=True),
    # --- activities ---
    "activities:activity_list": page(WORK),
    "activities:activity_create": page(GROUP, write=True),
    "activities:activity_export": page(WORK),
    "activities:activity_import": page(GROUP, write=True),
    "activities:site_options": page(GROUP),
    "activities:activity_detail": record(WORK, ACT),
    "activities:activity_edit": record(GROUP, ACT, write=True),
    "activities:activity_attach": record(GROUP, ACT, write=True),
    "activities:activity_attachment_delete": record(GROUP, ACT, write=True),
    "activities:campaign_list": page(WORK),
    "activities:campaign_create": page(OFFICE | GROUP, write=True),
    "activities:campaign_export": page(WORK),
    "activities:campaign_detail": record(WORK, CAMP),
    "activities:campaign_edit": record(OFFICE | GROUP, CAMP, write=True),
    # --- documents ---
    "documents:document_list": page(BUSINESS_ROLES),
    "documents:document_create": page(GROUP, write=True),
    "documents:document_export": page(BUSINESS_ROLES),
    "documents:reply_tracking": page(BUSINESS_ROLES),
    "documents:reply_export": page(BUSINESS_ROLES),
    "documents:numbering_rules": page(OFFICE | LEADER, write=True),
    "documents:document_detail": record(BUSINESS_ROLES, DOC),
    "documents:document_edit": record(GROUP, DOC, write=True),
    "documents:document_issue": record(LEADER, DOC, write=True),
    "documents:document_close": record(GROUP, DOC, write=True),
    "documents:document_docx": record(BUSINESS_ROLES, DOC),
    "documents:recipient_acknowledge": record(LIAISON, DOC, write=True),
    "documents:recipient_reply": record(LIAISON, DOC, write=True),
    # --- problems ---
    "problems:problem_list": page(BUSINESS_ROLES),
    "problems:problem_chips": page(BUSINESS_ROLES),
    "problems:problem_create": page(GROUP, write=True),
    "problems:problem_export": page(BUSINESS_ROLES),
    "problems:problem_bulk_urge": page(GROUP, write=True),
    "problems:problem_detail": record(BUSINESS_ROLES, PROB),
    "problems:problem_edit": record(GROUP, PROB, write=True),
    "problems:problem_start": record(LIAISON, PROB, write=True),
    "problems:problem_report": record(LIAISON, PROB, write=True),
    "problems:problem_submit": record(LIAISON, PROB, write=True),
    "problems:problem_return": record(GROUP, PROB, write=True),
    "problems:problem_close": record(LEADER, PROB, write=True),
    "problems:problem_reopen": record(LEADER, PROB, write=True),
    "problems:problem_urge": record(GROUP, PROB, write=True),
    "problems:category_list": page(OFFICE | SYSTEM_ADMIN),
    "problems:category_create": page(OFFICE | SYSTEM_ADMIN, write=True),
    "problems:category_edit": record(OFFICE | SYSTEM_ADMIN, "problems.Category", REFERENCE, write=True),
    "problems:severity_list": page(OFFICE | SYSTEM_ADMIN),
    "problems:severity_create": page(OFFICE | SYSTEM_ADMIN, write=True),
    "problems:severity_edit": record(OFFICE | SYSTEM_ADMIN, "problems.Severity", REFERENCE, write=True),
    # --- sampling ---
    "sampling:plan_list": page(WORK),
    "sampling:plan_create": page(OFFICE | GROUP, write=True),
    "sampling:plan_export": page(WORK),
    "sampling:plan_detail": record(WORK, PLAN),
    "sampling:plan_edit": record(GROUP, PLAN, write=True),
    "sampling:plan_draw": record(OFFICE | LEADER, PLAN, write=True),
    "sampling:plan_move": record(OFFICE | LEADER, PLAN, write=True),
    "sampling:plan_notice": record(WORK, PLAN),
    "sampling:assignment_export": record(WORK, PLAN),
    "sampling:my_tasks": page(ANY),  # the viewer's own tasks: none for other roles
    "sampling:check_form": record(GROUP, PLAN, write=True),
    "sampling:check_list": page(WORK),
    "sampling:check_detail": record(WORK, CHECK),
    "sampling:result_problem": record(GROUP, CHECK, write=True),
    "sampling:stock_list": page(WORK),
    "sampling:results": page(WORK),
    "sampling:checklist_list": page(WORK | SYSTEM_ADMIN),
    "sampling:checklist_edit": page(OFFICE | SYSTEM_ADMIN, write=True),
    # --- hotline ---
    "hotline:hotline_list": page(BUSINESS_ROLES),
    "hotline:hotline_create": page(OFFICE | GROUP, write=True),
    "hotline:hotline_export": page(BUSINESS_ROLES),
    "hotline:hotline_detail": record(BUSINESS_ROLES, HOTLINE, REFERENCE),
    "hotline:hotline_edit": record(OFFICE | GROUP, HOTLINE, REFERENCE, write=True),
    "hotline:case_list": page(BUSINESS_ROLES),
    "hotline:case_export": page(BUSINESS_ROLES),
    "hotline:case_create": page(OFFICE | GROUP, write=True),
    "hotline:case_detail": record(BUSINESS_ROLES, CASE),
    "hotline:case_personal": record(WORK, CASE, write=True),  # POST: shows the caller, audited
    "hotline:case_to_problem": record(GROUP, CASE, write=True),
    "hotline:case_move": record(GROUP | LIAISON, CASE, write=True),
    "hotline:call_list": page(WORK),
    "hotline:call_export": page(WORK),
    "hotline:call_create": page(OFFICE | GROUP, write=True),
    "hotline:call_detail": record(WORK, CALL),
    "hotline:call_record": record(OFFICE | GROUP, CALL, write=True),
    "hotline:call_to_problem": record(GROUP, CALL, write=True),
    # --- stats ---
    "stats:dataset_list": page(BUSINESS_ROLES),
    "stats:dataset_detail": record(BUSINESS_ROLES, DATASET),
    "stats:entry": record(GROUP | LIAISON, DATASET, write=True),
    "stats:pivot": record(BUSINESS_ROLES, DATASET),
    "stats:approvals": record(WORK, DATASET),
    "stats:approve": record(OFFICE | GROUP, DATASET, write=True),
    "stats:unlock": record(OFFICE | GROUP, DATASET, write=True),
    "stats:export": record(BUSINESS_ROLES, DATASET),
    "stats:import": record(GROUP | LIAISON, DATASET, write=True),
    "stats:indicator_list": page(BUSINESS_ROLES),
    "stats:indicator_create": page(OFFICE | LEADER, write=True),
    "stats:indicator_edit": record(OFFICE | LEADER, INDICATOR, REFERENCE, write=True),
    "stats:dataset_create": page(OFFICE | LEADER, write=True),
    "stats:dataset_edit": record(OFFICE | LEADER, DATASET, write=True),
    "stats:rules": record(OFFICE | LEADER, DATASET, write=True),
    "stats:rule_delete": record(OFFICE | LEADER, DATASET, write=True),
    # --- reports ---
    "reports:dashboard": page(BUSINESS_ROLES),
    "reports:scorecard": page(WORK),
    "reports:scorecard_export": page(WORK),
    "reports:monthly": page(WORK),
    "reports:monthly_export": page(WORK),
    "reports:briefing_list": page(WORK),
    "reports:briefing_create": page(WORK, write=True),
    "reports:briefing_detail": record(WORK, BRIEFING),
    "reports:briefing_docx": record(WORK, BRIEFING),
    # --- notifications ---
    "notifications:list": page(ANY),
    "notifications:open": record(ANY, "notifications.Notification", OWN, write=True),
    "notifications:read_all": page(ANY, write=True),
    # --- API (/api/v1/; route names of the DRF router: <basename>-list, -detail, -<action>) ---
    "api-root": api(ANY),
    "token": api(PUBLIC, write=True),
    "api-file": api(BUSINESS_ROLES, "core.Attachment"),
    "api-dashboard": api(BUSINESS_ROLES),
    "api-audit-events": api(AUDIT_ADMIN),
    "api-audit-verify": api(AUDIT_ADMIN),
    "org-list": api(ANY - AUDIT_ADMIN, write=True),
    "org-detail": api(ANY - AUDIT_ADMIN, ORG, REFERENCE, write=True),
    "site-list": api(BUSINESS_ROLES | SYSTEM_ADMIN, write=True),
    "site-detail": api(WORK | SYSTEM_ADMIN, SITE, REFERENCE, write=True),
    "user-list": api(ANY, write=True),
    "user-detail": api(OFFICE | SYSTEM_ADMIN | SECURITY_ADMIN, USER, REFERENCE, write=True),
    "activity-list": api(WORK, write=True),
    "activity-detail": api(WORK, ACT, write=True),
    "campaign-list": api(WORK, write=True),
    "campaign-detail": api(WORK, CAMP, write=True),
    "document-list": api(BUSINESS_ROLES, write=True),
    "document-detail": api(BUSINESS_ROLES, DOC, write=True),
    "document-issue": api(LEADER, DOC, write=True),
    "document-acknowledge": api(LIAISON, DOC, write=True),
    "document-reply": api(LIAISON, DOC, write=True),
    "document-close": api(GROUP, DOC, write=True),
    "document-docx": api(BUSINESS_ROLES, DOC),
    "problem-list": api(BUSINESS_ROLES, write=True),
    "problem-detail": api(BUSINESS_ROLES, PROB, write=True),
    "problem-start": api(LIAISON, PROB, write=True),
    "problem-submit": api(LIAISON, PROB, write=True),
    "problem-return-": api(GROUP, PROB, write=True),
    "problem-close": api(LEADER, PROB, write=True),
    "problem-reopen": api(LEADER, PROB, write=True),
    "problem-urge": api(GROUP, PROB, write=True),
    "sampling-plan-list": api(WORK, write=True),
    "sampling-plan-detail": api(WORK, PLAN, write=True),
    "sampling-plan-draw": api(OFFICE | LEADER, PLAN, write=True),
    "sampling-plan-publish": api(OFFICE | LEADER, PLAN, write=True),
    "sampling-plan-proof": api(WORK, PLAN),
    "check-list": api(WORK, write=True),
    "check-detail": api(WORK, CHECK),
    "stock-list": api(WORK, write=True),
    "stock-detail": api(WORK, STOCK),
    "hotline-list": api(BUSINESS_ROLES, write=True),
    "hotline-detail": api(BUSINESS_ROLES, HOTLINE, REFERENCE, write=True),
    "hotline-case-list": api(BUSINESS_ROLES, write=True),
    "hotline-case-detail": api(BUSINESS_ROLES, CASE, write=True),
    "hotline-case-assign": api(OFFICE | GROUP, CASE, write=True),
    "hotline-case-answer": api(LIAISON, CASE, write=True),
    "hotline-case-callback": api(GROUP, CASE, write=True),
    "hotline-case-close": api(GROUP, CASE, write=True),
    "hotline-case-to-problem": api(GROUP, CASE, write=True),
    "test-call-list": api(WORK, write=True),
    "test-call-detail": api(WORK, CALL, write=True),
    "test-call-record": api(OFFICE | GROUP, CALL, write=True),
    "test-call-to-problem": api(GROUP, CALL, write=True),
    "indicator-list": api(BUSINESS_ROLES, write=True),
    "indicator-detail": api(BUSINESS_ROLES, INDICATOR, REFERENCE, write=True),
    "data-value-list": api(BUSINESS_ROLES, write=True),
    "data-value-detail": api(BUSINESS_ROLES, DATAVALUE),
    "data-value-approve": api(OFFICE | GROUP, write=True),
    "data-value-unlock": api(OFFICE | GROUP, write=True),
    "briefing-list": api(WORK, write=True),
    "briefing-detail": api(WORK, BRIEFING),
}
