"""A GET changes nothing stored, at every URL, for the role that may POST there (so every
state change refuses GET: 405, or a page asking to confirm) and for the owner; nor do
the other methods the CSRF check lets through. The few pages that write on a GET say
why below. Built from the authorization table."""

import pytest

from .access_table import TABLE, poster
from .state import changes, stored_rows
from .urlmatrix import RoleClient, url_of
from .world import ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdfs")]

# Pages that record something when opened, and why that is their job.
GET_WRITES: dict[str, str] = {
    "modules:lesson": "records that the reader opened the lesson (where they left off)",
}
# Opening a page may add to the audit trail (who looked at a team, exported their data,
# was refused): that records the reading, it changes nothing else.
MAY_ADD = frozenset({"audit.AuditEvent"})


def _writes_on(methods, role, world, keys):
    """What requests by each of `methods` (one after another, from one session) to each
    URL changed, as `role`."""
    client = RoleClient(role, world)
    before = stored_rows()
    problems = []
    for key in keys:
        url = url_of(key, world)

        def send(http, url=url):
            statuses = [getattr(http, method.lower())(url).status_code for method in methods]
            return statuses, stored_rows()

        statuses, after = client.within(send)
        problems += [
            f"{'/'.join(methods)} {url} ({key}) as {role} -> {statuses} changed {change}"
            for change in changes(before, after, may_add=MAY_ADD)
        ]
    return problems


def _writes_on_get(role, world, keys):
    return _writes_on(["GET"], role, world, keys)


@pytest.mark.parametrize("role", ROLES)
def test_a_get_changes_nothing_for_whoever_may_post(world, role):
    keys = [key for key in TABLE if poster(key) == role and key not in GET_WRITES]

    problems = _writes_on_get(role, world, keys)

    assert not problems, "\n".join(problems)


def test_a_get_changes_nothing_for_the_owner(world):
    keys = [key for key in TABLE if key not in GET_WRITES]

    problems = _writes_on_get("owner", world, keys)

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_other_safe_methods_change_nothing_either(world, role):
    """HEAD, OPTIONS and TRACE pass the CSRF check as GET does: a view that acted on any
    method but GET would act on them without a token."""
    keys = [key for key in TABLE if poster(key) == role and key not in GET_WRITES]

    problems = _writes_on(["HEAD", "OPTIONS", "TRACE"], role, world, keys)

    assert not problems, "\n".join(problems)
