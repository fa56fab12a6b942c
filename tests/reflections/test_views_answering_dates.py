"""The commitment's dates on the exercise 4 page: the form without JavaScript, the JSON
endpoint the page's script uses, submitting, and their query counts."""

import json

import pytest

from reflections.models import Answer, Commitment, ExerciseResponse

from .records_data import answer_everything, commitment, iso

# Every test here works on the real course's exercise 4.
SAVED = "?saved=1#exercise-saved"  # back by the buttons, the confirmation beside them

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("course_content")]

PAGE = "/reflections/exercises/4/"
SUBMIT = "/reflections/exercises/4/submit/"
DATES = "/reflections/exercises/4/commitment/dates/"
KEYS = ("anything-surprising", "anything-you-disagree-with", "priority-action")


def form(due_on="", review_on="", **answers):
    data = {f"answer-{key}": answers.get(key.replace("-", "_"), "") for key in KEYS}
    data.update({f"version-{key}": "0" for key in KEYS})
    data.update({"commitment-due_on": due_on, "commitment-review_on": review_on})
    return data


def full_form(due_on, review_on):
    return form(
        due_on,
        review_on,
        anything_surprising="SURPRISED",
        anything_you_disagree_with="DISAGREE",
        priority_action="MY-COMMITMENT",
    )


def post_dates(client, body):
    return client.post(DATES, json.dumps(body), content_type="application/json")


def stored(key):
    return Answer.objects.get(question__key=key).typed_text


# --- The page ------------------------------------------------------------------------------


def test_dates_are_labelled_inputs_under_the_commitment_answer_inside_the_form(signed_in):
    page = signed_in.get(PAGE).content.decode()

    assert page.count('type="date"') == 2
    assert '<label class="form-label fw-semibold" for="id_commitment-due_on">' in page
    assert '<label class="form-label fw-semibold" for="id_commitment-review_on">' in page
    start = page.index('class="answer-form"')
    order = [
        start,
        page.index('id="answer-priority-action"'),
        page.index('id="id_commitment-due_on"'),
        page.index('id="id_commitment-review_on"'),
        page.index("data-save-all"),
        page.index("</form>", start),
    ]
    assert order == sorted(order)


def test_dates_hint_says_submitting_needs_both_dates(signed_in):
    page = signed_in.get(PAGE).content.decode()

    assert "You need both dates to submit this exercise." in page
    assert "given your commitment both its dates" in page


def test_page_shows_the_saved_dates(signed_in, practitioner):
    commitment(practitioner, due_in=2, review_in=9)

    page = signed_in.get(PAGE).content.decode()

    assert f'value="{iso(2)}"' in page
    assert f'value="{iso(9)}"' in page
    assert "Dates saved at" in page


def test_other_exercises_have_no_dates(signed_in):
    response = signed_in.get("/reflections/exercises/1/")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="answer-individual-responsibilities"' in page
    assert 'type="date"' not in page
    assert "given your commitment" not in page


# --- Saving without JavaScript ------------------------------------------------------------


def test_save_button_saves_the_answers_and_the_dates(signed_in, practitioner):
    response = signed_in.post(PAGE, full_form(iso(7), iso(30)), follow=True)

    assert response.redirect_chain == [(PAGE + SAVED, 302)]
    assert "Saved at" in response.content.decode()
    saved = Commitment.objects.get(response__user=practitioner)
    assert (saved.due_on.isoformat(), saved.review_on.isoformat()) == (iso(7), iso(30))
    assert stored("priority-action") == "MY-COMMITMENT"


def test_bad_dates_are_in_the_error_summary_and_everything_typed_stays(signed_in):
    response = signed_in.post(PAGE, full_form(iso(-3), "not a date"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_commitment-due_on"' in page
    assert 'href="#id_commitment-review_on"' in page
    assert "This date is in the past" in page
    assert "Enter a real date" in page
    assert f'value="{iso(-3)}"' in page
    assert 'value="not a date"' in page
    assert page.count('aria-invalid="true"') == 2
    for text in ("SURPRISED", "DISAGREE", "MY-COMMITMENT"):
        assert f"\n{text}</textarea>" in page
    assert not Commitment.objects.exists()


def test_bad_dates_do_not_stop_the_answers_being_saved(signed_in):
    response = signed_in.post(PAGE, full_form(iso(9), iso(2)))

    assert response.status_code == 400
    assert "review date is before" in response.content.decode()
    assert "Everything else on this page is saved." in response.content.decode()
    assert stored("priority-action") == "MY-COMMITMENT"
    assert 'name="version-priority-action" value="1"' in response.content.decode()


def test_empty_dates_before_any_are_saved_are_left_for_later(signed_in):
    response = signed_in.post(PAGE, form(priority_action="Just the text"))

    assert response.status_code == 302
    assert not Commitment.objects.exists()


def test_saved_dates_cannot_be_emptied(signed_in, practitioner):
    row = commitment(practitioner, due_in=2, review_in=9)
    data = form(priority_action="I will do one thing")
    data["version-priority-action"] = "1"

    response = signed_in.post(PAGE, data)

    assert response.status_code == 400
    assert "Enter the date by which you will have done it." in response.content.decode()
    assert Commitment.objects.get().due_on == row.due_on


def test_unchanged_dates_are_not_saved_again(signed_in, practitioner):
    row = commitment(practitioner, due_in=2, review_in=9)
    data = form(iso(2), iso(9), priority_action="I will do one thing")
    data["version-priority-action"] = "1"

    response = signed_in.post(PAGE, data, follow=True)

    assert "There were no changes to save." in response.content.decode()
    assert Commitment.objects.get().updated_at == row.updated_at


def test_changing_dates_already_saved(signed_in, practitioner):
    commitment(practitioner, due_in=2, review_in=9)
    data = form(iso(3), iso(10), priority_action="I will do one thing")
    data["version-priority-action"] = "1"

    signed_in.post(PAGE, data)

    row = Commitment.objects.get()
    assert (row.due_on.isoformat(), row.review_on.isoformat()) == (iso(3), iso(10))


# --- Submitting ---------------------------------------------------------------------------


def test_submit_needs_the_dates_and_says_where(signed_in, practitioner):
    response = signed_in.post(SUBMIT, full_form("", ""))

    assert response.status_code == 302
    page = signed_in.get(response.url).content.decode()
    assert 'href="#id_commitment-due_on"' in page
    assert "Enter the dates for your commitment before you submit." in page
    assert "\nMY-COMMITMENT</textarea>" in page
    assert not ExerciseResponse.objects.submitted().exists()


def test_submit_saves_the_dates_and_submits(signed_in, practitioner):
    response = signed_in.post(SUBMIT, full_form(iso(7), iso(30)), follow=True)

    assert "You have submitted exercise 4" in response.content.decode()
    assert ExerciseResponse.objects.get(user=practitioner).is_submitted
    assert Commitment.objects.get().review_on.isoformat() == iso(30)


def test_submit_with_bad_dates_does_not_submit(signed_in):
    response = signed_in.post(SUBMIT, full_form(iso(-1), iso(30)))

    assert response.status_code == 400
    assert not ExerciseResponse.objects.submitted().exists()


# --- The endpoint for the page's script ---------------------------------------------------


def test_endpoint_saves_the_dates(signed_in, practitioner):
    response = post_dates(signed_in, {"due_on": iso(7), "review_on": iso(30)})

    data = response.json()
    assert (response.status_code, data["status"]) == (200, "saved")
    assert data["saved_at_label"]
    assert Commitment.objects.get(response__user=practitioner).due_on.isoformat() == iso(7)
    assert "no-store" in response["Cache-Control"]


def test_endpoint_with_the_same_dates_is_unchanged(signed_in, practitioner):
    commitment(practitioner, due_in=2, review_in=9)

    data = post_dates(signed_in, {"due_on": iso(2), "review_on": iso(9)}).json()

    assert data["status"] == "unchanged"


def test_endpoint_explains_bad_dates_per_field(signed_in):
    response = post_dates(signed_in, {"due_on": iso(9), "review_on": iso(2)})

    data = response.json()
    assert response.status_code == 400
    assert list(data["errors"]) == ["review_on"]
    assert data["message"].startswith("Not saved: Your review date is before")
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("body", ["not json", "[1]", '{"due_on": 5, "review_on": "x"}'])
def test_malformed_endpoint_request_is_400(signed_in, body):
    response = signed_in.post(DATES, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"].startswith("Not saved:")


def test_endpoint_accepts_a_form_encoded_body(signed_in):
    response = signed_in.post(DATES, {"due_on": iso(1), "review_on": iso(2)})

    assert response.json()["status"] == "saved"


def test_endpoint_when_signed_out_is_401_json(client, course_content):
    response = post_dates(client, {"due_on": iso(7), "review_on": iso(30)})

    assert response.status_code == 401
    assert response.json()["status"] == "signed_out"
    assert not Commitment.objects.exists()


def test_endpoint_for_an_exercise_without_a_commitment_is_not_found(signed_in):
    url = "/reflections/exercises/1/commitment/dates/"
    response = signed_in.post(url, json.dumps({}), content_type="application/json")

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["colleague", "manager", "trainer"])
def test_anyone_elses_dates_go_to_their_own_commitment(
    client, course_content, practitioner, request, role
):
    mine = commitment(practitioner, due_in=2, review_in=9)
    other = request.getfixturevalue(role)
    client.force_login(other)

    post_dates(client, {"due_on": iso(5), "review_on": iso(6)})

    mine.refresh_from_db()
    assert mine.due_on.isoformat() == iso(2)
    assert Commitment.objects.get(response__user=other).due_on.isoformat() == iso(5)


# --- Query counts ---------------------------------------------------------------------------


def test_form_save_with_dates_runs_a_fixed_number_of_queries(
    signed_in, practitioner, colleague, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):
        response = signed_in.post(PAGE, full_form(iso(7), iso(30)))
    assert response.status_code == 302
    assert response.url == PAGE + SAVED
    answer_everything(practitioner, "MINE", versions=5)
    answer_everything(colleague, "THEIRS", versions=5)
    data = full_form(iso(8), iso(31))
    data.update({f"version-{key}": "5" for key in KEYS})
    with django_assert_max_num_queries(24):
        response = signed_in.post(PAGE, data)
    assert response.status_code == 302
    assert response.url == PAGE + SAVED
    mine = Commitment.objects.get(response__user=practitioner)
    assert (mine.due_on.isoformat(), mine.review_on.isoformat()) == (iso(8), iso(31))


def test_exercise_4_page_runs_a_fixed_number_of_queries(
    signed_in, practitioner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = signed_in.get(PAGE)
    assert response.status_code == 200
    assert 'id="id_commitment-due_on"' in response.content.decode()
    commitment(practitioner, due_in=3)
    answer_everything(practitioner, "MINE", versions=5)
    with django_assert_max_num_queries(25):
        response = signed_in.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "MINE priority-action" in page
    assert f'value="{iso(3)}"' in page


def test_endpoint_runs_a_fixed_number_of_queries(
    signed_in, practitioner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = post_dates(signed_in, {"due_on": iso(7), "review_on": iso(30)})
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    answer_everything(practitioner, "MINE", versions=5)
    with django_assert_max_num_queries(14):
        response = post_dates(signed_in, {"due_on": iso(8), "review_on": iso(31)})
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    assert Commitment.objects.get().due_on.isoformat() == iso(8)


def test_a_post_without_the_date_fields_leaves_the_saved_dates_on_screen(signed_in, practitioner):
    commitment(practitioner, due_in=2, review_in=9)
    data = {key: value for key, value in form().items() if not key.startswith("commitment-")}
    data["answer-priority-action"] = "x" * 20_001

    page = signed_in.post(PAGE, data).content.decode()

    assert f'value="{iso(2)}"' in page
    assert f'value="{iso(9)}"' in page
    assert Commitment.objects.get().due_on.isoformat() == iso(2)
