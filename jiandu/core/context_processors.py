from .access import principal
from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = items_for(user)
    sections: dict[str, list] = {}
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [e for e in nav if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))]
    best = max(matches, key=lambda e: len(e["url"]), default=None)
    for entry in nav:
        entry["active"] = entry is best
        sections.setdefault(entry["item"].section, []).append(entry)
    from jiandu.notifications.services import unread_count

    return {"nav_items": nav, "nav_sections": sections, "me": principal(user), "unread_count": unread_count(user)}
