"""What is stored, as one comparable value: every row of every model (the test world is
small), so a test can say that a request changed nothing at all."""

from django.apps import apps
from django.contrib.sessions.models import Session

# The session row itself is written by any request that touches the session (a message
# to show, the time last seen): it holds no course data.
NOT_COMPARED = frozenset({Session})


def stored_rows() -> dict[str, list[tuple]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model not in NOT_COMPARED
    }


def changes(
    before: dict[str, list[tuple]], after: dict[str, list[tuple]], *, may_add=frozenset()
) -> list[str]:
    """The models whose rows differ, with the rows added and removed; models in
    `may_add` may gain rows (and nothing else)."""
    found = []
    for label, rows in after.items():
        added = [row for row in rows if row not in before[label]]
        removed = [row for row in before[label] if row not in rows]
        if removed or (added and label not in may_add):
            found.append(f"{label}: added {added}, removed {removed}")
    return found
