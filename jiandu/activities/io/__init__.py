"""The activity ledger (监督检查活动台账) as .xlsx: the audited export of a filtered list, and the all-or-nothing
import of a ledger in the same format (DESIGN §7: the import template is the export).

Import rules: 编号 left blank creates an activity; an existing 编号 of one's own group updates it. Every cell
is checked with the same rules as the form (services.date_errors, eligible people, visible orgs and sites),
every error is reported as (row, column, message), and nothing is written unless there are none. Lookups are
made in bulk (a handful of queries whatever the size), and rows are written with bulk_create.
"""

from . import campaigns  # noqa: F401  (registers the campaign ledger)
from .columns import COLUMNS, METHOD_LABELS
from .export import activity_export, activity_row
from .importer import ImportResult, activity_import, parse_date, tokens

__all__ = [
    "COLUMNS",
    "METHOD_LABELS",
    "ImportResult",
    "activity_export",
    "activity_import",
    "activity_row",
    "parse_date",
    "tokens",
]
