from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from jiandu.core.paging import Paginator


class Pagination(PageNumberPagination):
    """{count, count_capped, next, previous, results}; ?page=N&page_size=M (at most 200). Like the pages, `count`
    stops at JIANDU_LIST_COUNT_CAP (a common word of ?q=: at core.paging.SEARCH_COUNT_CAP, 1,000; then
    `count_capped` is true): a list never counts a million rows."""

    django_paginator_class = Paginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true: more records match than `count` (the cap); narrow the filters for the exact number",
        }
        out["required"] = [*out.get("required", []), "count_capped"]
        return out
