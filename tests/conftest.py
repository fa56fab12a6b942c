from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from modules.services import content_load

from .factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory, second_factor_for
from .oidc_provider.fixtures import council, oidc_provider  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counts live in the cache: each test starts with none, as if alone."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Test Borough Council")


@pytest.fixture
def team(organisation):
    return TeamFactory(organisation=organisation, name="Children in Care")


@pytest.fixture
def practitioner(team):
    return UserFactory(team=team, full_name="Sam Patel", email="sam@example.org")


@pytest.fixture
def colleague(team):
    return UserFactory(team=team, full_name="Alex Jones", email="alex@example.org")


@pytest.fixture
def manager(team):
    user = UserFactory(team=team, full_name="Priya Shah", role="team_manager")
    team.managers.add(user)
    return user


@pytest.fixture
def trainer(team):
    return UserFactory(team=team, full_name="Morgan Lee", role="trainer")


@pytest.fixture
def course_content(db):
    """The real course, loaded from content/."""
    content_load(directory=Path(settings.CONTENT_DIR))


@pytest.fixture
def administrator(db):
    """A superuser who has set up two-factor sign-in, as the admin site requires."""
    user = UserFactory(
        email="ada@example.org",
        full_name="Ada Lovelace",
        team=None,
        organisation=None,
        role="administrator",
        is_staff=True,
        is_superuser=True,
    )
    second_factor_for(user)
    return user


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client
