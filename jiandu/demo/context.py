from dataclasses import dataclass

from jiandu.organizations.models import Org, Site, User


@dataclass
class DemoContext:
    """What the structure part of the demo made, for the module parts to attach their records to."""

    orgs: dict[str, Org]  # by code, e.g. "G-WJW", "D-WJW"
    users: dict[str, User]  # by username, e.g. "wjw_leader"
    sites: dict[str, Site]  # by code, e.g. "SW-SC-01"
