"""Personal data of callers (来电人姓名、号码): masked in every list, export and API response (张** / 138****5678).

Unmasked data is shown only on a case's detail page, to the roles of access.py ("view_personal"), after they ask
for it; services.case_personal_data records every such view in the audit chain (event "view_personal").
"""

MASK = "*"


def mask_name(name: str) -> str:
    """张三丰 → 张**, 张三 → 张*; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + MASK * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; 0431-85551234 → 043******1234; short numbers keep only the last two digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + MASK * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else phone[:3] + MASK * 4
    return MASK * max(1, len(phone) - 2) + phone[-2:]
