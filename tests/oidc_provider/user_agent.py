"""Signing in through the test provider without a browser: what a person's browser
does at the provider, done over real HTTP with `requests`, between the course's own
requests made with Django's test client."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests
from django.urls import reverse

from .people import PASSWORD


class _FormReader(HTMLParser):
    """The first form's action and the values it would submit (inputs, plus the
    name and value of the submit button asked for)."""

    def __init__(self, button_name=None):
        super().__init__()
        self.button_name = button_name
        self.action = None
        self.fields = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        if tag == "form":
            self._in_form = True
            self.action = attrs.get("action") or ""
        elif self._in_form and attrs.get("name"):
            pressed = tag == "button" and attrs["name"] == self.button_name
            if tag == "input" or pressed:
                self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def _submit_form(session, response, fields, *, button_name=None):
    reader = _FormReader(button_name)
    reader.feed(response.text)
    assert reader.action is not None, f"no form at {response.url}"
    return session.post(
        urljoin(response.url, reader.action),
        data={**reader.fields, **fields},
        allow_redirects=False,
    )


def provider_sign_in(authorize_url: str, person, *, allow=True) -> str:
    """Follow the course's redirect to the provider, sign in there as `person`, allow
    (or refuse) access, and return the address the provider sends the browser back to."""
    with requests.Session() as session:
        login_page = session.get(authorize_url, timeout=10)
        assert urlsplit(login_page.url).path == "/login/", login_page.url
        signed_in = _submit_form(
            session, login_page, {"username": person.username, "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.text
        consent_page = session.get(urljoin(login_page.url, signed_in.headers["Location"]))
        consent = _submit_form(session, consent_page, {}, button_name="allow" if allow else None)
        assert consent.status_code == 302, consent.text
        return consent.headers["Location"]


def sso_sign_in(
    client, person, *, provider_id="northshire", allow=True, next_url=None, process=None
):
    """The whole sign-in through the provider, as `person`: the course's button, the
    provider, then the course's callback. Returns the callback's response."""
    data = {"next": next_url} if next_url else {}
    if process:
        data["process"] = process
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": provider_id}), data)
    assert start.status_code == 302, start.content
    callback = urlsplit(provider_sign_in(start["Location"], person, allow=allow))
    return client.get(f"{callback.path}?{callback.query}")
