"""The authorization matrix: every named URL of the URLconf, as every role, has the
status `access_table.TABLE` expects, for a GET and for a POST (valid CSRF token, empty
body). The URLs are filled in with the owner's objects, so another practitioner, a
former partner or a manager of another team asking for them is asking for someone
else's. Each request is undone afterwards, so each cell starts from the same world.

A URL added to the URLconf without a row in the table fails the first test."""

import pytest
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpResponse
from django.urls import include, path

from .access_table import TABLE, row, unknown_unnamed
from .urlmatrix import (
    RoleClient,
    named_routes,
    outcome,
    resolver_with,
    route_keys,
    table_problems,
    unnamed_patterns,
    url_for,
)
from .world import PRIVILEGED, ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdfs")]


def test_every_url_has_an_entry_and_every_entry_a_url():
    problems = table_problems(route_keys(named_routes()), TABLE)

    assert not problems, (
        "Say who may open each URL in tests/security/access_table.py:\n" + "\n".join(problems)
    )


def test_every_address_without_a_name_is_a_known_kind():
    assert unknown_unnamed(unnamed_patterns()) == [], (
        "Name it, and give it a row in access_table.py"
    )


def test_a_new_address_without_a_name_is_reported():
    extra = resolver_with(path("nameless/", _page))

    assert unknown_unnamed(unnamed_patterns(extra)) == ["nameless/"]


def _page(request):  # pragma: no cover - never requested
    return HttpResponse()


def test_a_url_added_without_an_entry_is_reported():
    extra = resolver_with(
        path("brand-new/", _page, name="brand_new"),
        path("area/", include(([path("<int:thing_id>/", _page, name="thing")], "area"))),
    )

    problems = table_problems(route_keys(named_routes(extra)), TABLE)

    assert problems == ["no entry for brand_new", "no entry for area:thing"]


def test_an_entry_for_a_url_that_is_gone_is_reported():
    table = TABLE | {"modules:gone": (row(404), row(404))}

    assert table_problems(route_keys(named_routes()), table) == [
        "entry for modules:gone, which no longer exists"
    ]


def test_the_walk_finds_namespaced_allauth_and_admin_urls():
    keys = set(route_keys(named_routes()))

    assert {
        "reflections:share_detail",
        "reflections:share_detail [ended share]",
        "account_login",
        "mfa_activate_totp",
        "openid_connect_callback",
        "admin:accounts_user_change",
        "course_editing:markdownx_upload",
    } <= keys


def test_privileged_roles_sign_in_with_their_second_factor(world):
    """Otherwise the matrix would only show each of them sent to set one up."""
    assert all(is_mfa_enabled(world.people[role]) for role in PRIVILEGED)


def _mismatches(role, world):
    client = RoleClient(role, world)
    column = ROLES.index(role)
    routes = {route.name: route for route in named_routes()}
    found = []
    for key, (get, post) in TABLE.items():
        url = url_for(key, routes[key.split(" [")[0]], world)
        for method, expected in (("GET", get[column]), ("POST", post[column])):
            actual = outcome(client.request(method, url))
            if actual != expected:
                found.append(f"{method} {url} ({key}): expected {expected!r}, got {actual!r}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says_everywhere(world, role):
    mismatches = _mismatches(role, world)

    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)
