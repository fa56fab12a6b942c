"""reflections.views.answering and reflections.views.autosave through the Django test client."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from reflections.models import Answer, AnswerVersion, ExerciseResponse
from reflections.services.answers import answer_save, response_submit
from tests.factories import ExerciseFactory, QuestionFactory

SAVED = "?saved=1#exercise-saved"  # back by the buttons, the confirmation beside them

pytestmark = pytest.mark.django_db

EXACT_TEXT = "NUL\x00 עברית \u202eشكرا\u202c 👩\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 <b>&amp;"


def question(exercise, key):
    return exercise.questions.get(key=key)


def save(user, exercise, key, text, base=0):
    return answer_save(
        user=user,
        exercise=exercise,
        question=question(exercise, key),
        text=text,
        base_version=base,
    )


def stored_text(user, exercise, key):
    answer = Answer.objects.get(response__user=user, question=question(exercise, key))
    return answer.typed_text


def autosave_url(key, number=7):
    return reverse("reflections:autosave", args=[number, key])


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def page(client, number=7):
    return client.get(reverse("reflections:exercise", args=[number])).content.decode()


# --- My reflections ----------------------------------------------------------------------


def test_my_reflections_lists_every_exercise_with_its_state(signed_in, practitioner, exercise):
    other = ExerciseFactory(number=8, title="Another exercise")
    QuestionFactory(exercise=other, key="only")
    save(practitioner, exercise, "first", "Draft text")
    html = signed_in.get(reverse("reflections:mine")).content.decode()
    assert "Reflective exercise 7: Thinking it through" in html
    assert "Reflective exercise 8: Another exercise" in html
    assert html.count("Draft</span>") == 1
    assert html.count("Not started</span>") == 1
    assert reverse("reflections:exercise", args=[8]) in html


def test_my_reflections_shows_submitted_and_when_last_saved(signed_in, practitioner, exercise):
    result = save(practitioner, exercise, "first", "One")
    save(practitioner, exercise, "second", "Two")
    response_submit(user=practitioner, exercise=exercise)
    html = signed_in.get(reverse("reflections:mine")).content.decode()
    assert "Submitted</span>" in html
    assert "Last saved" in html
    assert result.saved_at.astimezone().strftime("%Y") in html


def test_my_reflections_never_shows_answer_text(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "A private sentence")
    response = signed_in.get(reverse("reflections:mine"))
    assert response.status_code == 200
    assert "Reflective exercise 7: Thinking it through" in response.content.decode()
    assert "A private sentence" not in response.content.decode()


def test_my_reflections_asks_signed_out_visitors_to_sign_in(client):
    response = client.get(reverse("reflections:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- The exercise page -------------------------------------------------------------------


def test_exercise_page_shows_each_current_question_with_a_labelled_field(signed_in, exercise):
    QuestionFactory(exercise=exercise, key="old", text_markdown="Retired question", retired=True)
    html = page(signed_in)
    assert "First question?" in html
    assert "Second question?" in html
    assert "Retired question" not in html
    assert '<label class="form-label" for="answer-first">' in html
    assert 'id="answer-first" name="answer-first"' in html


def test_exercise_page_shows_the_owners_saved_text(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "What I wrote")
    assert "What I wrote</textarea>" in page(signed_in)


def test_exercise_page_escapes_answer_text(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "<script>alert(1)</script>")
    html = page(signed_in)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pair_questions_are_disabled_with_an_explanation(signed_in, exercise):
    html = page(signed_in)
    start = html.index('id="answer-together"')
    assert " disabled" in html[start : html.index(">", start)]
    assert "It opens once you are comparing answers with a colleague on this exercise" in html


def test_each_answer_says_who_can_read_it(signed_in, exercise):
    assert page(signed_in).count("Who can read this answer: Only you") == 3


def test_exercise_page_links_back_to_its_lesson(signed_in, exercise):
    assert f"{exercise.lesson.get_absolute_url()}#exercise-7-heading" in page(signed_in)


def test_each_question_links_to_its_own_autosave_and_history(signed_in, practitioner, exercise):
    """The links are reversed once per page and completed with each question's key."""
    save(practitioner, exercise, "second", "Saved once")
    html = page(signed_in)
    for key in ("first", "second", "together"):
        assert f'data-url="{autosave_url(key)}"' in html
    history = [reverse("reflections:history", args=[7, key]) for key in ("first", "second")]
    assert f'href="{history[1]}"' in html
    assert history[0] not in html  # nothing saved yet: no earlier versions to show


def test_unknown_exercise_number_is_not_found(signed_in, exercise):
    assert signed_in.get(reverse("reflections:exercise", args=[99])).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [("mine", []), ("exercise", [7]), ("history", [7, "first"]), ("csrf_token", [])],
)
def test_pages_are_never_cached(signed_in, exercise, name, args):
    response = signed_in.get(reverse(f"reflections:{name}", args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_exact_text_with_nul_is_sent_as_json_for_the_script(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", EXACT_TEXT)
    html = page(signed_in)
    assert "\x00" not in html
    start = html.index('id="answer-first-exact" type="application/json">') + len(
        'id="answer-first-exact" type="application/json">'
    )
    assert json.loads(html[start : html.index("</script>", start)]) == EXACT_TEXT


def test_exact_text_without_nul_is_in_the_textarea_as_typed(signed_in, practitioner, exercise):
    text = EXACT_TEXT.replace("\x00", "").replace("<b>&amp;", "")
    save(practitioner, exercise, "first", text)
    assert f"\n{text}</textarea>" in page(signed_in)


def test_commitment_question_gets_the_commitment_dates_under_its_answer(signed_in, exercise):
    QuestionFactory(exercise=exercise, key="one-change", kind="commitment", order=4)
    html = page(signed_in)
    answer = html.index('id="answer-one-change"')
    assert answer < html.index('name="commitment-due_on"') < html.index("data-save-all")
    assert 'name="commitment-review_on"' in html


# --- Saving the whole form (no JavaScript) ----------------------------------------------


def form(first="", second="", first_version=0, second_version=0, **extra):
    data = {
        "answer-first": first,
        "version-first": str(first_version),
        "answer-second": second,
        "version-second": str(second_version),
    }
    data.update(extra)
    return data


def test_save_button_saves_every_answer_and_comes_back(signed_in, practitioner, exercise):
    url = reverse("reflections:exercise", args=[7])
    response = signed_in.post(url, form("One", "Two"), follow=True)
    assert response.redirect_chain == [(url + SAVED, 302)]
    assert "Saved at" in response.content.decode()
    assert stored_text(practitioner, exercise, "first") == "One"
    assert stored_text(practitioner, exercise, "second") == "Two"
    # The confirmation is by the buttons just pressed, not at the top of the page.
    page = response.content.decode()
    by_buttons = page.split('<div id="exercise-saved" tabindex="-1">')[1].split("answer-actions")[0]
    assert "Saved at" in by_buttons
    assert page.index('id="exercise-saved"') > page.index('id="answer-first"')
    assert '<div class="messages" role="status">' not in page.split('id="exercise-saved"')[0]


def test_save_button_with_nothing_changed_says_so(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "One")
    url = reverse("reflections:exercise", args=[7])
    response = signed_in.post(url, form("One", "", first_version=1), follow=True)
    assert "There were no changes to save." in response.content.decode()
    assert AnswerVersion.objects.count() == 1


def test_form_line_breaks_are_stored_as_typed_in_the_page(signed_in, practitioner, exercise):
    signed_in.post(reverse("reflections:exercise", args=[7]), form("a\r\nb"))
    assert stored_text(practitioner, exercise, "first") == "a\nb"


def test_form_with_nul_text_unchanged_keeps_the_nul(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "a\x00b")
    url = reverse("reflections:exercise", args=[7])
    response = signed_in.post(url, form("a\ufffdb", first_version=1), follow=True)
    assert response.redirect_chain == [(url + SAVED, 302)]
    assert "There were no changes to save." in response.content.decode()
    assert stored_text(practitioner, exercise, "first") == "a\x00b"


def test_form_answer_too_long_keeps_every_text_on_screen(signed_in, practitioner, exercise):
    too_long = "x" * 20_001
    url = reverse("reflections:exercise", args=[7])
    response = signed_in.post(url, form(too_long, "Second text"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#answer-first"' in html
    assert "20,001 characters" in html
    assert f"\n{too_long}</textarea>" in html
    assert "\nSecond text</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert not Answer.objects.exists()


def test_form_without_a_version_keeps_the_text_and_explains(signed_in, exercise):
    url = reverse("reflections:exercise", args=[7])
    response = signed_in.post(url, {"answer-first": "Kept", "version-first": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The form was incomplete" in html
    assert "\nKept</textarea>" in html


def test_form_cannot_write_a_closed_pair_question(signed_in, practitioner, exercise):
    response = signed_in.post(
        reverse("reflections:exercise", args=[7]),
        form("One", **{"answer-together": "Sneaky", "version-together": "0"}),
    )
    # Refused with why, and the text shown again; never reported as saved.
    assert response.status_code == 409
    assert "This question opens once" in response.content.decode()
    assert "Sneaky" in response.content.decode()
    assert stored_text(practitioner, exercise, "first") == "One"
    assert not Answer.objects.filter(question__key="together").exists()


def conflicted(client, practitioner, exercise):
    save(practitioner, exercise, "first", "Saved in another tab")
    return client.post(reverse("reflections:exercise", args=[7]), form("Typed in this tab"))


def test_form_conflict_shows_both_texts(signed_in, practitioner, exercise):
    response = conflicted(signed_in, practitioner, exercise)
    html = response.content.decode()
    assert response.status_code == 409
    assert "\nTyped in this tab</textarea>" in html
    assert "\nSaved in another tab</textarea>" in html
    assert "Keep this tab's text" in html
    assert "Keep the saved text" in html
    assert 'name="merged-first"' in html
    assert stored_text(practitioner, exercise, "first") == "Saved in another tab"


def test_form_conflict_never_offers_an_empty_text_first(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "Saved in another tab")
    response = signed_in.post(reverse("reflections:exercise", args=[7]), form("", "Two"))
    html = response.content.decode()
    assert response.status_code == 409
    primary = 'class="btn btn-primary" name="resolve-first" value="saved"'
    assert primary in html
    assert html.index('value="saved" data-resolve') < html.index('value="mine" data-resolve')
    # With text in this tab, keeping it stays the main choice.
    typed = conflicted(signed_in, practitioner, exercise).content.decode()
    assert 'class="btn btn-primary" name="resolve-first" value="mine"' in typed


def test_form_conflict_saves_the_other_answers(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "Saved in another tab")
    signed_in.post(reverse("reflections:exercise", args=[7]), form("Mine", "Second answer"))
    assert stored_text(practitioner, exercise, "second") == "Second answer"


def test_saving_again_without_choosing_is_still_a_conflict(signed_in, practitioner, exercise):
    conflicted(signed_in, practitioner, exercise)
    response = signed_in.post(reverse("reflections:exercise", args=[7]), form("Typed again"))
    assert response.status_code == 409
    assert "\nTyped again</textarea>" in response.content.decode()
    assert stored_text(practitioner, exercise, "first") == "Saved in another tab"
    assert AnswerVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("mine", "Typed in this tab"),
        ("saved", "Saved in another tab"),
        ("merged", "Typed in this tab\nSaved in another tab"),
    ],
)
def test_form_conflict_choice_is_saved(signed_in, practitioner, exercise, choice, expected):
    conflicted(signed_in, practitioner, exercise)
    data = form(
        "Typed in this tab",
        **{
            "resolve-first": choice,
            "saved-version-first": "1",
            "merged-first": "Typed in this tab\r\nSaved in another tab",
        },
    )
    response = signed_in.post(reverse("reflections:exercise", args=[7]), data)
    assert response.status_code == 302
    assert stored_text(practitioner, exercise, "first") == expected


def test_conflict_choice_keeps_every_version_in_history(signed_in, practitioner, exercise):
    conflicted(signed_in, practitioner, exercise)
    data = form("Typed in this tab", **{"resolve-first": "mine", "saved-version-first": "1"})
    signed_in.post(reverse("reflections:exercise", args=[7]), data)
    texts = [v.typed_text for v in AnswerVersion.objects.all()]
    assert texts == ["Typed in this tab", "Saved in another tab"]


# --- Submitting ---------------------------------------------------------------------------


def test_submit_saves_the_form_then_submits(signed_in, practitioner, exercise):
    url = reverse("reflections:submit", args=[7])
    response = signed_in.post(url, form("One", "Two"), follow=True)
    assert "You have submitted exercise 7" in response.content.decode()
    assert ExerciseResponse.objects.get(user=practitioner).is_submitted
    assert stored_text(practitioner, exercise, "second") == "Two"


def test_submit_with_a_missing_answer_saves_then_lists_it_on_the_exercise_page(
    signed_in, practitioner, exercise
):
    response = signed_in.post(reverse("reflections:submit", args=[7]), form("Only the first"))

    # Post/redirect/get: the browser is back on the exercise, so a reload sends nothing.
    assert response.status_code == 302
    assert response.url == reverse("reflections:exercise", args=[7])
    assert stored_text(practitioner, exercise, "first") == "Only the first"
    assert not ExerciseResponse.objects.submitted().exists()
    page_after = signed_in.get(response.url)
    html = page_after.content.decode()
    assert page_after.status_code == 200
    assert (
        '<a class="alert-link" href="#answer-second">Answer question 2 before you submit.</a>'
        in html
    )
    assert "Your answers are saved. The exercise is not submitted yet." in html
    assert "\nOnly the first</textarea>" in html
    assert 'aria-invalid="true"' in html
    # Once said, not again: the next visit is the plain page.
    again = signed_in.get(response.url).content.decode()
    assert "Answer question 2 before you submit." not in again
    assert "conflict-first-heading" not in again


def test_a_failed_submit_resent_by_a_reload_shows_no_false_conflict(
    signed_in, practitioner, exercise
):
    first = signed_in.post(reverse("reflections:submit", args=[7]), form("Only the first"))
    assert first.status_code == 302

    # The old behaviour left the browser on the submit address; a resend of the same
    # form (version 0) must not become "changed in another tab" with an empty default.
    resent = signed_in.post(reverse("reflections:submit", args=[7]), form("Only the first"))

    assert resent.status_code == 302
    html = signed_in.get(resent.url).content.decode()
    assert "conflict-first-heading" not in html
    assert stored_text(practitioner, exercise, "first") == "Only the first"


def test_page_after_submit_still_lets_them_edit(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "One")
    save(practitioner, exercise, "second", "Two")
    response_submit(user=practitioner, exercise=exercise)
    html = page(signed_in)
    assert "You can still change your answers" in html
    assert "Submit again" in html
    assert 'name="answer-first"' in html
    assert "disabled>\nOne" not in html


def test_submit_needs_post(signed_in, exercise):
    assert signed_in.get(reverse("reflections:submit", args=[7])).status_code == 405


# --- Autosave ------------------------------------------------------------------------------


def test_autosave_saves_json_and_answers_with_the_new_version(signed_in, practitioner, exercise):
    response = post_json(signed_in, autosave_url("first"), {"text": "Typed", "version": 0})
    data = response.json()
    assert (response.status_code, data["status"], data["version"]) == (200, "saved", 1)
    assert data["saved_at_label"]
    assert stored_text(practitioner, exercise, "first") == "Typed"


def test_autosave_accepts_a_form_encoded_body(signed_in, practitioner, exercise):
    response = signed_in.post(autosave_url("first"), {"text": "Form", "version": "0"})
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert stored_text(practitioner, exercise, "first") == "Form"


def test_autosave_of_the_same_text_is_unchanged(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "Same")
    response = post_json(signed_in, autosave_url("first"), {"text": "Same", "version": 1})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("unchanged", 1)
    assert AnswerVersion.objects.count() == 1


def test_autosaves_close_together_make_one_history_entry(signed_in, exercise):
    post_json(signed_in, autosave_url("first"), {"text": "Typed", "version": 0})
    post_json(signed_in, autosave_url("first"), {"text": "Typed on", "version": 1})

    assert [v.typed_text for v in AnswerVersion.objects.all()] == ["Typed on"]


def test_autosave_that_resolves_a_conflict_keeps_its_own_history_entry(signed_in, exercise):
    post_json(signed_in, autosave_url("first"), {"text": "Other tab", "version": 0})
    body = {"text": "Both tabs", "version": 1, "resolved": True}

    post_json(signed_in, autosave_url("first"), body)

    assert [v.typed_text for v in AnswerVersion.objects.all()] == ["Both tabs", "Other tab"]


def test_save_button_after_autosaves_keeps_its_own_history_entry(signed_in, exercise):
    post_json(signed_in, autosave_url("first"), {"text": "Typed", "version": 0})

    signed_in.post(reverse("reflections:exercise", args=[7]), form("Saved", first_version=1))

    assert [v.typed_text for v in AnswerVersion.objects.all()] == ["Saved", "Typed"]


def test_autosave_when_signed_out_is_401_json(client, exercise):
    response = post_json(client, autosave_url("first"), {"text": "Lost?", "version": 0})
    assert response.status_code == 401
    data = response.json()
    assert data["status"] == "signed_out"
    login, landing = reverse("account_login"), reverse("reflections:signed_in")
    assert data["login_url"] == f"{login}?next={landing}"
    assert "no-store" in response["Cache-Control"]


def test_autosave_conflict_is_409_with_the_saved_text(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "Saved elsewhere")
    response = post_json(signed_in, autosave_url("first"), {"text": "This tab", "version": 0})
    data = response.json()
    assert response.status_code == 409
    assert (data["status"], data["version"], data["text"]) == ("conflict", 1, "Saved elsewhere")
    assert stored_text(practitioner, exercise, "first") == "Saved elsewhere"


def test_autosave_too_long_is_400_with_a_message(signed_in, exercise):
    response = post_json(signed_in, autosave_url("first"), {"text": "y" * 20_001, "version": 0})
    assert response.status_code == 400
    assert "the limit is 20,000" in response.json()["message"]
    assert "yyyy" not in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"text": "no version"}',
        '{"text": 5, "version": 0}',
        '{"text": "x", "version": -1}',
        '{"text": "x", "version": true}',
        '{"text": "x", "version": "one"}',
    ],
)
def test_malformed_autosave_is_400_with_a_message(signed_in, exercise, body):
    response = signed_in.post(autosave_url("first"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"].startswith("Not saved:")
    assert not Answer.objects.exists()


def test_autosave_to_a_closed_pair_question_is_refused(signed_in, exercise):
    response = post_json(signed_in, autosave_url("together"), {"text": "x", "version": 0})
    assert response.status_code == 409
    assert response.json()["status"] == "closed"
    assert "opens once" in response.json()["message"]
    assert not Answer.objects.exists()


@pytest.mark.parametrize(("number", "key"), [(7, "no-such-key"), (99, "first")])
def test_autosave_to_an_unknown_question_is_not_found(signed_in, exercise, number, key):
    response = post_json(signed_in, autosave_url(key, number), {"text": "x", "version": 0})
    assert response.status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["not json", '{"text": "x"}', json.dumps({"text": "y" * 20_001, "version": 0})],
    ids=["unreadable", "no version", "too long"],
)
def test_autosave_to_an_unknown_question_is_not_found_whatever_was_sent(signed_in, exercise, body):
    url = autosave_url("no-such-key")
    response = signed_in.post(url, body, content_type="application/json")
    assert response.status_code == 404


def test_autosave_to_an_exercise_number_past_any_is_not_found(signed_in, exercise):
    response = post_json(signed_in, autosave_url("first", 10**20), {"text": "x", "version": 0})
    assert response.status_code == 404


def test_autosave_based_on_a_version_past_any_is_a_conflict(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", "Saved")
    response = post_json(signed_in, autosave_url("first"), {"text": "x", "version": 10**20})
    assert response.status_code == 409
    assert (response.json()["version"], response.json()["text"]) == (1, "Saved")


def test_autosave_of_an_answer_changes_it_and_adds_to_its_history(
    signed_in, practitioner, exercise
):
    save(practitioner, exercise, "first", "Saved")
    ExerciseResponse.objects.update(last_saved_at=None)
    response = post_json(signed_in, autosave_url("first"), {"text": "Typed", "version": 1})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("saved", 2)
    answer = Answer.objects.get()
    assert (answer.typed_text, answer.version) == ("Typed", 2)
    assert [(v.version, v.typed_text, v.kind) for v in AnswerVersion.objects.all()] == [
        (2, "Typed", "autosave"),
        (1, "Saved", "save"),
    ]
    assert ExerciseResponse.objects.get().last_saved_at == answer.updated_at


def test_autosave_to_a_retired_question_is_closed(signed_in, exercise):
    QuestionFactory(exercise=exercise, key="gone", retired=True)
    response = post_json(signed_in, autosave_url("gone"), {"text": "x", "version": 0})
    assert response.status_code == 409
    assert "removed from the exercise" in response.json()["message"]
    assert not Answer.objects.exists()


def test_autosave_needs_post(signed_in, exercise):
    assert signed_in.get(autosave_url("first")).status_code == 405


def test_exact_text_round_trips_through_the_endpoint(signed_in, practitioner, exercise):
    post_json(signed_in, autosave_url("first"), {"text": EXACT_TEXT, "version": 0})
    assert stored_text(practitioner, exercise, "first") == EXACT_TEXT
    again = post_json(signed_in, autosave_url("first"), {"text": EXACT_TEXT, "version": 1})
    assert again.json()["status"] == "unchanged"


def test_conflict_returns_exact_text(signed_in, practitioner, exercise):
    save(practitioner, exercise, "first", EXACT_TEXT)
    response = post_json(signed_in, autosave_url("first"), {"text": "other", "version": 0})
    assert response.status_code == 409
    assert response.json()["text"] == EXACT_TEXT
    assert stored_text(practitioner, exercise, "first") == EXACT_TEXT


def test_autosave_with_a_stale_csrf_token_is_refused(practitioner, exercise, client):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    strict.get(reverse("reflections:csrf_token"))
    response = strict.post(
        autosave_url("first"),
        json.dumps({"text": "x", "version": 0}),
        content_type="application/json",
        headers={"X-CSRFToken": "stale" * 8},
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_fresh_csrf_token_from_the_endpoint_lets_the_save_through(practitioner, exercise):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    token = strict.get(reverse("reflections:csrf_token")).json()["token"]
    response = strict.post(
        autosave_url("first"),
        json.dumps({"text": "x", "version": 0}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert stored_text(practitioner, exercise, "first") == "x"


# --- Signing in again ----------------------------------------------------------------------


def test_signed_in_again_page_says_the_tab_can_be_closed(signed_in):
    html = signed_in.get(reverse("reflections:signed_in")).content.decode()
    assert "You can close this tab" in html


def test_csrf_token_endpoint_returns_a_token(client):
    response = client.get(reverse("reflections:csrf_token"))
    assert len(response.json()["token"]) == 64
