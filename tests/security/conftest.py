import pytest
from django.db import transaction

from .world import world_build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The security tests' organisation (tests/security/world.py), built once for the
    module and removed after it; each test's own changes are undone after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_build()
        yield built
        transaction.set_rollback(True)
