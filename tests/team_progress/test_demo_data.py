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


def test_the_demo_manager_has_someone_to_remind(settings, client, lessons):
    settings.DEBUG = True
    call_command("demo_data", stdout=StringIO())
    manager = User.objects.get(email="priya.shah@example.org")
    second_factor_for(manager)
    client.force_login(manager)
    team = manager.managed_teams.get()
    response = client.get(reverse("team_progress:team", args=[team.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Remind Sam Patel" in body
    assert ">Send reminder</button>" in body
    response = client.post(
        reverse("team_progress:nudge", args=[team.pk]),
        {"member": [User.objects.get(email="sam.patel@example.org").pk]},
        follow=True,
    )
    assert "Reminder sent to Sam Patel." in response.content.decode()
