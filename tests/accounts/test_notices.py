"""A notice waits for its person and is shown once, on the next page they open."""

import pytest
from django.urls import reverse

from accounts.models import Notice, User
from accounts.services import notice_send, notices_take
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_notice_is_taken_once(practitioner):
    notice = notice_send(user=practitioner, text="Something happened.")
    practitioner.refresh_from_db()
    assert practitioner.has_notices

    assert notices_take(user=practitioner) == [notice]
    practitioner.refresh_from_db()
    assert not practitioner.has_notices
    assert Notice.objects.get().shown_at is not None
    assert notices_take(user=practitioner) == []


def test_taking_costs_no_query_when_nothing_waits(practitioner, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notices_take(user=practitioner) == []


def test_the_next_page_shows_the_notice_once_with_its_link(client, practitioner):
    notice_send(
        user=practitioner,
        text="Alex Jones accepted your invitation.",
        link_url="/reflections/exercises/1/",
        link_text="Go to exercise 1",
    )
    client.force_login(practitioner)

    first = client.get(reverse("modules:home"))
    second = client.get(reverse("modules:home"))

    assert first.status_code == second.status_code == 200
    shown = (
        'Alex Jones accepted your invitation. <a class="alert-link" '
        'href="/reflections/exercises/1/">Go to exercise 1</a>'
    )
    assert shown in first.content.decode()
    assert "Alex Jones accepted" not in second.content.decode()


def test_a_notice_is_shown_only_to_its_person(client, practitioner, colleague):
    notice_send(user=practitioner, text="For Sam only.")
    client.force_login(colleague)

    response = client.get(reverse("modules:home"))

    assert response.status_code == 200
    assert "For Sam only." not in response.content.decode()
    assert User.objects.get(pk=practitioner.pk).has_notices


def test_a_json_reply_leaves_the_notice_waiting(client, practitioner):
    notice_send(user=practitioner, text="Still waiting.")
    client.force_login(practitioner)

    response = client.get(reverse("reflections:colleague_search"), {"q": "al"})

    assert response.status_code == 200
    assert Notice.objects.get().shown_at is None


def test_notice_text_is_escaped(client, practitioner):
    notice_send(user=practitioner, text="<script>alert(1)</script> ended it.")
    client.force_login(practitioner)

    page = client.get(reverse("modules:home")).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; ended it." in page
    assert "<script>alert(1)</script>" not in page


def test_erasing_the_account_erases_its_notices(practitioner):
    notice_send(user=practitioner, text="Gone with the account.")
    other = UserFactory()
    notice_send(user=other, text="Stays.")

    practitioner.delete()

    assert list(Notice.objects.values_list("text", flat=True)) == ["Stays."]
