from .access import principal
from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = items_for(user)
    sections: dict[str, list] = {}
    for entry in nav:
        url = entry["url"]
        entry["active"] = request.path == url or (url != "/" and request.path.startswith(url))
        sections.setdefault(entry["item"].section, []).append(entry)
    return {"nav_items": nav, "nav_sections": sections, "me": principal(user)}
