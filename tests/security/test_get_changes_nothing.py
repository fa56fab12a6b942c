"""A GET changes nothing stored, at every URL, for the role that may POST there (so every
state change refuses GET: 405, or a page asking to confirm) and for the owner. The few
pages that write on a GET say why below. Built from the authorization table."""

import pytest

from .access_table import TABLE, poster
from .state import changes, stored_rows
from .urlmatrix import RoleClient, url_of
from .world import ROLES

pytestmark = pytest.mark.django_db

# Pages that record something when opened, and why that is their job.
GET_WRITES: dict[str, str] = {
    "modules:lesson": "records that the reader opened the lesson (where they left off)",
}
# Opening a page may add to the audit trail (who looked at a team, exported their data,
# was refused): that records the reading, it changes nothing else.
MAY_ADD = frozenset({"audit.AuditEvent"})


def _writes_on_get(role, world, keys):
    client = RoleClient(role, world)
    before = stored_rows()
    problems = []
    for key in keys:
        url = url_of(key, world)

        def get(http, url=url):
            return http.get(url), stored_rows()

        response, after = client.within(get)
        problems += [
            f"GET {url} ({key}) as {role} -> {response.status_code} changed {change}"
            for change in changes(before, after, may_add=MAY_ADD)
        ]
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_a_get_changes_nothing_for_whoever_may_post(world, role):
    keys = [key for key in TABLE if poster(key) == role and key not in GET_WRITES]

    problems = _writes_on_get(role, world, keys)

    assert not problems, "\n".join(problems)


def test_a_get_changes_nothing_for_the_owner(world):
    keys = [key for key in TABLE if key not in GET_WRITES]

    problems = _writes_on_get("owner", world, keys)

    assert not problems, "\n".join(problems)
