"""(being written)"""


def load(ctx) -> dict:
    """Create or update this module's demo records; return counts for the summary."""
    return {}
