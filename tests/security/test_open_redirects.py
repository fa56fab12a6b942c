"""No page sends the browser off the site through a `next` parameter (or any other name
for one): every way in that reads it (signing in, with and without a second factor,
signing out, reauthenticating, the exercise's sign-in-and-save, accepting an invitation,
the administration site's sign-in and sign-out) is tried with each tricky target, by GET
and by POST; then every URL in the authorization table is swept with a few of them."""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, totp_code

from .access_table import TABLE, poster
from .urlmatrix import REDIRECTS, RoleClient, url_of
from .world import ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdfs")]

HOST = "testserver"

# Each is somewhere else, or script, to a browser that reads it as a Location.
TARGETS = [
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "http:/evil.example",
    "https:/\\evil.example",
    "http://evil.example",
    "https://evil.example/reflections/",
    f"https://{HOST}@evil.example",
    "https://course.example.org@evil.example",
    f"http://{HOST}.evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\n//evil.example",
    "\x00//evil.example",
]

# The names a view might read a target from.
PARAMETERS = ["next", "redirect_to", "redirect", "return_to", "continue", "url", "success_url"]


def stays_on_site(location: str) -> bool:
    """Whether a browser following `location` stays on this site, read as browsers do:
    tabs and newlines dropped, leading and trailing spaces and control characters too,
    a backslash taken as a slash, and "http:/x" or "https:x" as http://x."""
    url = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(33))))
    url = url.replace("\\", "/")
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if scheme is None:
        return not url.startswith("//")
    rest = url[scheme.end() :]
    parts = urlsplit(url)
    return (
        scheme.group(1).lower() in {"http", "https"}
        and rest.startswith("//")
        and "@" not in parts.netloc
        and parts.hostname == HOST
    )


@pytest.mark.parametrize(
    ("location", "safe"),
    [("/reflections/", True), ("lessons/x/", True), (f"https://{HOST}/x", True)]
    + [(target, False) for target in TARGETS if "%" not in target]
    + [("/%2F%2Fevil.example", True)],
)
def test_the_check_reads_locations_as_a_browser_would(location, safe):
    assert stays_on_site(location) is safe


def _location(response):
    return response["Location"] if response.status_code in REDIRECTS else None


def _assert_stays(response, what):
    location = _location(response)
    assert location is None or stays_on_site(location), f"{what} -> {location!r}"


def _sign_in(client, person, target, *, in_query):
    data = {"login": person.email, "password": PASSWORD}
    url = reverse("account_login")
    if in_query:
        url += "?" + urlencode({"next": target})
    else:
        data["next"] = target
    return client.post(url, data)


@pytest.mark.parametrize("in_query", [True, False], ids=["query", "form"])
@pytest.mark.parametrize("target", TARGETS)
def test_signing_in_with_a_password_stays_on_site(world, target, in_query):
    client = RoleClient("anonymous", world)

    response = client.within(
        lambda http: _sign_in(http, world.people["owner"], target, in_query=in_query)
    )

    assert response.status_code == 302
    _assert_stays(response, "sign-in")


@pytest.mark.parametrize("in_query", [True, False], ids=["query", "form"])
@pytest.mark.parametrize("target", TARGETS)
def test_signing_in_with_a_second_factor_stays_on_site(world, target, in_query):
    manager = world.people["manager"]

    def sign_in(http):
        first = _sign_in(http, manager, target, in_query=in_query)
        assert first["Location"] == reverse("mfa_authenticate")
        code = {"code": totp_code(world.secrets["manager"])}
        return http.post(reverse("mfa_authenticate") + "?" + urlencode({"next": target}), code)

    response = RoleClient("anonymous", world).within(sign_in)

    assert response.status_code == 302
    _assert_stays(response, "second factor")


# Signed-in ways that read a target: (role, URL name, form that makes the step succeed).
SIGNED_IN_STEPS = [
    ("owner", "account_logout", {}),
    ("owner", "account_reauthenticate", {"password": PASSWORD}),
    ("manager", "mfa_reauthenticate", {"code": None}),
    ("administrator", "admin:logout", {}),
    ("administrator", "admin:login", {}),
    ("owner", "account_login", {}),
    ("owner", "account_signup", {}),
]


@pytest.mark.parametrize(("role", "name", "form"), SIGNED_IN_STEPS, ids=lambda v: str(v))
@pytest.mark.parametrize("target", TARGETS)
def test_signed_in_steps_stay_on_site(world, role, name, form, target):
    client = RoleClient(role, world)
    if "code" in form:
        form = {"code": totp_code(world.secrets[role])}
    url = reverse(name)

    for response in (
        client.request("GET", url + "?" + urlencode({"next": target})),
        client.request("POST", url + "?" + urlencode({"next": target}), data=form),
        client.request("POST", url, data=form | {"next": target}),
    ):
        _assert_stays(response, f"{name} as {role}")


@pytest.mark.parametrize("target", TARGETS)
def test_signing_in_to_save_an_exercise_stays_on_site(world, target):
    client = RoleClient("anonymous", world)
    url = reverse("reflections:sign_in_and_save", args=[world.exercise.number])
    form = {"login": world.people["other_practitioner"].email, "password": PASSWORD}

    for response in (
        client.request("POST", url + "?" + urlencode({"next": target}), data=form),
        client.request("POST", url, data=form | {"next": target}),
    ):
        assert response.status_code == 302
        _assert_stays(response, "sign-in-and-save")


@pytest.mark.parametrize("target", TARGETS)
def test_accepting_an_invitation_stays_on_site(world, target):
    client = RoleClient("anonymous", world)
    url = reverse("staff_invitation:accept", args=[world.staff_invitation.token])
    form = {"password1": "a-Fresh-passphrase-77", "password2": "a-Fresh-passphrase-77"}

    for response in (
        client.request("GET", url + "?" + urlencode({"next": target})),
        client.request("POST", url + "?" + urlencode({"next": target}), data=form),
        client.request("POST", url, data=form | {"next": target}),
    ):
        _assert_stays(response, "invitation")
    assert response.status_code == 302


SAFE = "/reflections/cpd-record/"


def test_the_ways_in_do_follow_a_target_on_the_site(world):
    """The tests above would pass if nothing read `next`: each way in that does follow
    one goes to an address on the site."""
    owner, manager = world.people["owner"], world.people["manager"]
    signed_in = RoleClient("anonymous", world).within(
        lambda http: _sign_in(http, owner, SAFE, in_query=False)
    )

    def with_second_factor(http):
        _sign_in(http, manager, SAFE, in_query=True)
        code = {"code": totp_code(world.secrets["manager"])}
        return http.post(reverse("mfa_authenticate"), code)

    second = RoleClient("anonymous", world).within(with_second_factor)
    steps = {
        name: RoleClient(role, world).request("POST", reverse(name), data={"next": SAFE} | form)
        for role, name, form in SIGNED_IN_STEPS
        if name in {"account_logout", "account_reauthenticate", "admin:logout"}
    }

    assert signed_in["Location"] == SAFE
    assert second["Location"] == SAFE
    assert {name: response["Location"] for name, response in steps.items()} == {
        "account_logout": SAFE,
        "account_reauthenticate": SAFE,
        "admin:logout": SAFE,
    }


SWEEP_TARGETS = ["//evil.example", "https:evil.example", "/\\evil.example"]


@pytest.mark.parametrize("role", ROLES)
def test_no_url_redirects_off_site_through_any_parameter(world, role):
    """Every URL the role may POST to (and, signed out, every URL): a GET with the first
    sweep target in every parameter name, and a POST with the second in the query and the
    third in the form."""
    keys = [key for key in TABLE if role == "anonymous" or poster(key) == role]
    first, second, third = (dict.fromkeys(PARAMETERS, target) for target in SWEEP_TARGETS)
    client = RoleClient(role, world)
    off_site = []
    for key in keys:
        url = url_of(key, world)
        for response in (
            client.request("GET", f"{url}?{urlencode(first)}"),
            client.request("POST", f"{url}?{urlencode(second)}", data=third),
        ):
            location = _location(response)
            if location is not None and not stays_on_site(location):
                off_site.append(f"{key} -> {location!r}")

    assert not off_site, "\n".join(off_site)
