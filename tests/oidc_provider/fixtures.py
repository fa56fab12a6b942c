"""Fixtures for the single sign-on tests: the provider process (started once per test
run, on first use) and a council that signs in through it."""

import os
import selectors
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp

from accounts.models import OrganisationDomain
from tests.factories import OrganisationFactory, TeamFactory

from .people import CLIENT_ID, CLIENT_SECRET

PROJECT_DIR = Path(__file__).resolve().parents[2]
START_SECONDS = 30


@dataclass(frozen=True)
class RunningProvider:
    issuer: str  # the SocialApp's server_url


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The test OpenID Connect provider (tests/oidc_provider/server.py), running."""
    folder = tmp_path_factory.mktemp("oidc_provider")
    errors = (folder / "stderr.txt").open("w+")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    process = subprocess.Popen(  # noqa: S603 (this interpreter and a fixed module)
        [sys.executable, "-m", "tests.oidc_provider.server", str(folder / "provider.sqlite3")],
        cwd=PROJECT_DIR,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    try:
        line = _first_line(process)
        if not line.startswith("listening "):
            errors.seek(0)
            pytest.fail(f"The test OIDC provider did not start: {line!r}\n{errors.read()}")
        yield RunningProvider(issuer=line.split(" ", 1)[1].strip())
    finally:
        process.stdin.close()  # the provider stops when its stdin closes
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors.close()


def _first_line(process) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_SECONDS):
            process.kill()
            return f"(nothing within {START_SECONDS} seconds)"
    return process.stdout.readline()


@pytest.fixture
def council(db, oidc_provider):
    """Northshire Council: staff addresses at northshire.gov.uk, two teams, and single
    sign-on through the test provider ("Northshire Council SSO")."""
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="northshire",
        name="Northshire Council SSO",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        settings={"server_url": oidc_provider.issuer, "oauth_pkce_enabled": True},
    )
    organisation = OrganisationFactory(name="Northshire Council", sso_app=app)
    OrganisationDomain.objects.create(organisation=organisation, domain="northshire.gov.uk")
    TeamFactory(organisation=organisation, name="Children in Care")
    TeamFactory(organisation=organisation, name="Missing from Home")
    return organisation
