from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from tests.factories import second_factor_for

pytestmark = pytest.mark.django_db


def test_the_demo_manager_sees_their_team(settings, client):
    settings.DEBUG = True
    call_command("demo_data", stdout=StringIO())
    manager = User.objects.get(email="priya.shah@example.org")
    second_factor_for(manager)
    client.force_login(manager)
    response = client.get(reverse("team_progress:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Children in Care" in body
    assert "Assessment and Intervention" not in body
