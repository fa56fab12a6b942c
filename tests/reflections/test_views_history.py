"""reflections.views.history: an answer's versions, deleting one, and deleting all earlier."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from reflections.models import Answer, AnswerVersion
from reflections.services.answers import answer_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXTS = ["Spoke to Child X's school", "Spoke to the school", "Spoke to the school and GP"]


def save_all(user, exercise, texts=TEXTS, key="first"):
    question = exercise.questions.get(key=key)
    for base, text in enumerate(texts):
        answer_save(user=user, exercise=exercise, question=question, text=text, base_version=base)
    return Answer.objects.get(response__user=user, question=question)


def history_url(key="first"):
    return reverse("reflections:history", args=[7, key])


def delete_url(version, key="first"):
    return reverse("reflections:version_delete", args=[7, key, version])


def clear_url(key="first"):
    return reverse("reflections:history_clear", args=[7, key])


def texts_of(answer):
    return [version.typed_text for version in answer.versions.all()]


# --- The history page ------------------------------------------------------------------


def test_history_lists_every_version_newest_first(signed_in, practitioner, exercise):
    save_all(practitioner, exercise, texts=["Draft one", "Draft two", "Draft three"])
    html = signed_in.get(history_url()).content.decode()
    positions = [html.index(text) for text in ["Draft three", "Draft two", "Draft one"]]
    assert positions == sorted(positions)
    assert "Version 3 (current)" in html


def test_history_shows_a_nul_as_its_symbol(signed_in, practitioner, exercise):
    save_all(practitioner, exercise, texts=["a\x00b"])
    assert "a\u2400b" in signed_in.get(history_url()).content.decode()


def test_history_escapes_text(signed_in, practitioner, exercise):
    save_all(practitioner, exercise, texts=["<img src=x onerror=alert(1)>"])
    html = signed_in.get(history_url()).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_history_of_an_unanswered_question_says_so(signed_in, exercise):
    html = signed_in.get(history_url(key="second")).content.decode()
    assert "You have not saved an answer to this question yet." in html


@pytest.mark.parametrize(("number", "key"), [(7, "no-such-key"), (99, "first")])
def test_history_of_an_unknown_question_is_not_found(signed_in, exercise, number, key):
    assert signed_in.get(reverse("reflections:history", args=[number, key])).status_code == 404


def test_history_links_to_deleting_each_earlier_version_but_not_the_current(
    signed_in, practitioner, exercise
):
    save_all(practitioner, exercise)

    html = signed_in.get(history_url()).content.decode()

    assert f'href="{delete_url(1)}">Delete version 1<' in html
    assert f'href="{delete_url(2)}">Delete version 2<' in html
    assert delete_url(3) not in html
    assert f'href="{clear_url()}">delete all earlier versions<' in html


def test_history_with_only_the_current_version_offers_no_deleting(
    signed_in, practitioner, exercise
):
    save_all(practitioner, exercise, texts=["Only one"])

    response = signed_in.get(history_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "Only one" in html
    assert "Delete version" not in html
    assert clear_url() not in html


def test_history_marks_the_submitted_version(signed_in, practitioner, exercise):
    answer = save_all(practitioner, exercise)
    answer.versions.filter(version=2).update(kind=AnswerVersion.Kind.SUBMIT)

    html = signed_in.get(history_url()).content.decode()

    assert "Version 2: saved" in html
    assert html.count(", submitted</h2>") == 1


# --- Deleting one version ----------------------------------------------------------------


def test_deleting_asks_first_and_shows_the_version(signed_in, practitioner, exercise):
    answer = save_all(practitioner, exercise)

    response = signed_in.get(delete_url(1))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete version 1 of your answer?" in html
    assert "Spoke to Child X&#x27;s school" in html
    assert '<form method="post"' in html
    assert "csrfmiddlewaretoken" in html
    assert len(texts_of(answer)) == 3


def test_confirming_deletes_the_version_and_says_so(signed_in, practitioner, exercise):
    answer = save_all(practitioner, exercise)

    response = signed_in.post(delete_url(1), follow=True)

    assert response.redirect_chain == [(history_url(), 302)]
    assert "Version 1 of your answer is deleted for good." in response.content.decode()
    assert texts_of(answer) == [TEXTS[2], TEXTS[1]]
    assert AuditEvent.objects.filter(action="answer.version_deleted").count() == 1


def test_deleted_text_is_gone_from_the_history_page(signed_in, practitioner, exercise):
    save_all(practitioner, exercise)
    assert signed_in.post(delete_url(1)).status_code == 302

    response = signed_in.get(history_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert TEXTS[1] in html
    assert TEXTS[2] in html
    assert "Child X" not in html


def test_the_current_version_cannot_be_deleted(signed_in, practitioner, exercise):
    answer = save_all(practitioner, exercise)

    assert signed_in.get(delete_url(3)).status_code == 404
    assert signed_in.post(delete_url(3)).status_code == 404
    assert len(texts_of(answer)) == 3


def test_a_version_that_is_not_there_is_not_found(signed_in, practitioner, exercise):
    save_all(practitioner, exercise)

    assert signed_in.post(delete_url(9)).status_code == 404
    assert signed_in.post(delete_url(1, key="second")).status_code == 404


def test_another_persons_version_is_not_found(client, practitioner, exercise, team):
    answer = save_all(practitioner, exercise)
    client.force_login(UserFactory(team=team))

    assert client.get(delete_url(1)).status_code == 404
    assert client.post(delete_url(1)).status_code == 404
    assert len(texts_of(answer)) == 3


def test_someone_with_their_own_history_deletes_only_their_own(
    client, practitioner, colleague, exercise
):
    mine = save_all(practitioner, exercise)
    theirs = save_all(colleague, exercise, texts=["Their draft", "Their answer"])
    client.force_login(colleague)

    client.post(delete_url(1))

    assert texts_of(theirs) == ["Their answer"]
    assert len(texts_of(mine)) == 3


def test_deleting_needs_the_csrf_token(practitioner, exercise):
    answer = save_all(practitioner, exercise)
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)

    assert client.post(delete_url(1)).status_code == 403
    assert len(texts_of(answer)) == 3


def test_signed_out_deleting_goes_to_sign_in_and_deletes_nothing(client, practitioner, exercise):
    answer = save_all(practitioner, exercise)

    response = client.post(delete_url(1))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert len(texts_of(answer)) == 3


# --- Deleting every earlier version ------------------------------------------------------


def test_clearing_asks_first_and_says_how_many(signed_in, practitioner, exercise):
    answer = save_all(practitioner, exercise)

    html = signed_in.get(clear_url()).content.decode()

    assert "Delete all earlier versions of your answer?" in html
    assert ">Delete 2 earlier versions</button>" in html
    assert len(texts_of(answer)) == 3


def test_confirming_clears_all_but_the_current_answer_and_says_so(
    signed_in, practitioner, exercise
):
    answer = save_all(practitioner, exercise)

    response = signed_in.post(clear_url(), follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(history_url(), 302)]
    assert "2 earlier versions of your answer deleted for good." in html
    assert "Your current answer is kept." in html
    assert texts_of(answer) == [TEXTS[2]]
    answer.refresh_from_db()
    assert answer.typed_text == TEXTS[2]
    assert AuditEvent.objects.filter(action="answer.history_cleared").count() == 1


def test_clearing_with_nothing_earlier_says_so(signed_in, practitioner, exercise):
    save_all(practitioner, exercise, texts=["Only one"])

    assert "no earlier versions" in signed_in.get(clear_url()).content.decode()
    response = signed_in.post(clear_url(), follow=True)
    assert "There were no earlier versions to delete." in response.content.decode()


def test_clearing_an_unanswered_question_is_not_found(signed_in, practitioner, exercise):
    save_all(practitioner, exercise)

    assert signed_in.get(clear_url(key="second")).status_code == 404
    assert signed_in.post(clear_url(key="second")).status_code == 404


def test_clearing_another_persons_history_is_not_found(client, practitioner, exercise, team):
    answer = save_all(practitioner, exercise)
    client.force_login(UserFactory(team=team))

    assert client.post(clear_url()).status_code == 404
    assert len(texts_of(answer)) == 3


def test_clearing_needs_the_csrf_token(practitioner, exercise):
    answer = save_all(practitioner, exercise)
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)

    assert client.post(clear_url()).status_code == 403
    assert len(texts_of(answer)) == 3
