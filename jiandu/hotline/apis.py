"""(being written)"""


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
