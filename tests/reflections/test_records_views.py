import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from reflections.models import ANSWER_MAX_LENGTH, Commitment, Share, answer_text_decode
from reflections.selectors.sharing import exercise_sharing
from tests.factories import UserFactory

from .records_data import accepted_share, answer_everything, commitment

# Every test here works on the real course's exercise 4.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("course_content")]


REVIEW_URL = "/reflections/exercises/4/commitment/review/"


# --- Commitment dates ---------------------------------------------------------------------
# The dates are set on the exercise page: see test_views_answering_dates.


def test_my_reflections_links_to_the_dates_under_the_commitment_question(signed_in, practitioner):
    commitment(practitioner)

    page = signed_in.get(reverse("reflections:mine")).content.decode()

    assert 'href="/reflections/exercises/4/#commitment"' in page


# --- Review ---------------------------------------------------------------------------------


def test_review_is_saved_with_the_commitment(signed_in, practitioner):
    row = commitment(practitioner, due_in=0, review_in=0)

    response = signed_in.post(REVIEW_URL, {"review-4-outcome": "It went well"})

    assert response["Location"] == "/reflections/#commitments"
    row.refresh_from_db()
    assert answer_text_decode(row.review_outcome) == "It went well"


def test_too_long_review_is_refused_and_the_whole_text_kept(signed_in, practitioner):
    commitment(practitioner, due_in=0, review_in=0)
    typed = "a" * (ANSWER_MAX_LENGTH + 5) + "END-OF-TEXT"

    response = signed_in.post(REVIEW_URL, {"review-4-outcome": typed})

    page = response.content.decode()
    assert response.status_code == 400
    assert "too long" in page
    assert typed in page
    assert "maxlength" not in page
    assert "no-store" in response["Cache-Control"]


def test_empty_review_is_refused(signed_in, practitioner):
    commitment(practitioner, due_in=0, review_in=0)

    response = signed_in.post(REVIEW_URL, {"review-4-outcome": "   "})

    assert response.status_code == 400
    assert Commitment.objects.get().reviewed_at is None


def test_review_without_a_commitment_of_ones_own_is_not_found(signed_in, colleague):
    commitment(colleague, due_in=0, review_in=0)

    assert signed_in.post(REVIEW_URL, {"review-4-outcome": "Mine?"}).status_code == 404
    assert Commitment.objects.get().reviewed_at is None


# --- My reflections panels ----------------------------------------------------------------


def test_my_reflections_asks_for_the_review_once_its_date_has_come(signed_in, practitioner):
    commitment(practitioner, due_in=0, review_in=0, text="MY-COMMITMENT")

    page = signed_in.get(reverse("reflections:mine")).content.decode()

    assert "MY-COMMITMENT" in page
    assert "Your review date has come" in page
    assert 'name="review-4-outcome"' in page


def test_my_reflections_does_not_ask_before_the_review_date(signed_in, practitioner):
    commitment(practitioner, due_in=1, review_in=3)

    page = signed_in.get(reverse("reflections:mine")).content.decode()

    assert 'name="review-4-outcome"' not in page
    assert "we will ask you here how it went" in page


def test_my_reflections_links_to_the_record_export_and_deletion(signed_in):
    page = signed_in.get(reverse("reflections:mine")).content.decode()

    for name in ("cpd_record", "cpd_record_pdf", "data_export", "account_delete"):
        assert f'href="{reverse("reflections:" + name)}"' in page


# --- Export ---------------------------------------------------------------------------------


def test_export_download_is_the_signed_in_persons_json(signed_in, practitioner, colleague):
    answer_everything(practitioner, "MINE")
    answer_everything(colleague, "THEIRS")
    accepted_share(practitioner, colleague)

    response = signed_in.get(reverse("reflections:data_export"))

    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert json.loads(body)["account"]["email"] == "sam@example.org"
    assert "MINE" in body
    assert "THEIRS" not in body
    assert AuditEvent.objects.filter(action="account.data_exported", actor=practitioner).exists()


@pytest.mark.parametrize("role", ["manager", "trainer", "superuser"])
def test_export_for_any_role_holds_only_their_own_data(
    client, course_content, practitioner, role, request
):
    answer_everything(practitioner, "MINE")
    other = (
        UserFactory(is_superuser=True, is_staff=True, role="administrator")
        if role == "superuser"
        else request.getfixturevalue(role)
    )
    client.force_login(other)

    body = client.get(reverse("reflections:data_export")).content.decode()

    assert "MINE" not in body
    assert json.loads(body)["account"]["email"] == other.email


def test_export_download_runs_a_fixed_number_of_queries(
    signed_in, practitioner, django_assert_max_num_queries
):
    # 20: one query a part of the export (the certificate is the newest).
    with django_assert_max_num_queries(20):
        response = signed_in.get(reverse("reflections:data_export"))
    assert response.status_code == 200
    assert json.loads(response.content)["account"]["email"] == practitioner.email
    answer_everything(practitioner, "MINE", versions=3)
    with django_assert_max_num_queries(20):
        response = signed_in.get(reverse("reflections:data_export"))
    assert response.status_code == 200
    assert "MINE priority-action" in response.content.decode()


# --- Deleting the account -----------------------------------------------------------------


def test_delete_page_explains_and_asks_for_the_password(signed_in):
    response = signed_in.get(reverse("reflections:account_delete"))

    page = response.content.decode()
    assert "cannot be undone" in page
    assert 'type="password"' in page
    assert "no-store" in response["Cache-Control"]


def test_wrong_password_deletes_nothing(signed_in, practitioner):
    response = signed_in.post(reverse("reflections:account_delete"), {"password": "wrong"})

    assert response.status_code == 400
    assert "Nothing has been deleted" in response.content.decode()
    assert User.objects.filter(pk=practitioner.pk).exists()


def test_after_deletion_the_colleague_gets_not_found_for_the_share(
    signed_in, practitioner, colleague, password, client
):
    share = accepted_share(practitioner, colleague)
    signed_in.post(reverse("reflections:account_delete"), {"password": password})

    client.force_login(colleague)
    response = client.get(reverse("reflections:share_detail", args=[share.pk]))

    assert response.status_code == 404


def test_deleting_erases_signs_out_and_ends_the_colleagues_view(
    signed_in, practitioner, colleague, password
):
    answer_everything(practitioner, "MINE")
    answer_everything(colleague, "THEIRS")
    share = accepted_share(practitioner, colleague)

    response = signed_in.post(reverse("reflections:account_delete"), {"password": password})

    assert response["Location"] == reverse("reflections:account_deleted")
    assert SESSION_KEY not in signed_in.session
    assert not User.objects.filter(email="sam@example.org").exists()
    assert not Share.objects.filter(pk=share.pk).exists()
    assert exercise_sharing(viewer=colleague, exercise=share.exercise).partner_answers == {}


def test_deleting_runs_a_fixed_number_of_queries(
    signed_in, practitioner, password, django_assert_max_num_queries
):
    answer_everything(practitioner, "MINE", versions=4)
    # One DELETE per holding in the register, and the sessions, audit and checks around it
    # (and one UPDATE for each row that keeps a deleted person's place as author, such as
    # a trainer's draft or legal review: the bound grows only with models, not data).
    with django_assert_max_num_queries(56):
        response = signed_in.post(reverse("reflections:account_delete"), {"password": password})
    assert response.status_code == 302
    assert response.url == reverse("reflections:account_deleted")
    assert not User.objects.filter(pk=practitioner.pk).exists()
