"""Every URL refuses a POST without a CSRF token (403) and changes nothing, for someone
who may use it: a browser that holds the CSRF cookie, signed in as the first role the
authorization table lets through. Built from that table, so a new POST view is covered
as soon as it has its row."""

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string

from .access_table import TABLE, poster
from .state import changes, stored_rows
from .urlmatrix import RoleClient, named_routes, url_for, url_of
from .world import ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdfs")]

# URLs that take a POST without a token, each with the reason.
CSRF_EXEMPT: dict[str, str] = {
    "csp_report": "browsers send CSP violation reports without the page's token; the "
    "endpoint only logs a few bounded fields (cse_course/csp_report.py)",
}


def test_some_urls_are_posted_to_by_each_kind_of_role():
    roles = {poster(key) for key in TABLE}

    assert {"anonymous", "owner", "manager", "trainer", "org_admin", "administrator"} <= roles


@pytest.mark.parametrize("role", ROLES)
def test_a_post_without_a_token_is_refused_and_changes_nothing(world, role):
    keys = [key for key in TABLE if poster(key) == role and key not in CSRF_EXEMPT]
    routes = {route.name: route for route in named_routes()}
    client = RoleClient(role, world, enforce_csrf_checks=True)
    client.client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    client.keep_cookies()
    before = stored_rows()
    problems = []
    for key in keys:
        url = url_for(key, routes[key.split(" [")[0]], world)

        def post(http, url=url):
            return http.post(url, {"note": "x", "content": "x"}), stored_rows()

        response, after = client.within(post)
        if response.status_code != 403:
            problems.append(f"POST {url} ({key}) without a token: {response.status_code}")
        problems += [f"POST {url} ({key}) changed {change}" for change in changes(before, after)]

    assert not problems, "\n".join(problems)


def test_a_post_with_the_token_gets_through(world):
    """The check above would pass if every POST were refused for another reason."""
    client = RoleClient("owner", world, enforce_csrf_checks=True)
    token = _get_new_csrf_string()
    client.client.cookies[settings.CSRF_COOKIE_NAME] = token
    client.keep_cookies()
    url = url_of("modules:lesson_read_again", world)

    response = client.request("POST", url, data={"csrfmiddlewaretoken": token})

    assert response.status_code == 302
