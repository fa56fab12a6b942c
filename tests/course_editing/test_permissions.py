"""Only trainers and administrators reach any editing address, django-markdownx's
preview and upload included: everyone else signed in gets 404, signed out the sign-in
page. The list of addresses is built from the URLconf, so a new page cannot be missed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from course_editing import urls as editing_urls
from course_editing.models import LessonDraft
from modules.models import Lesson, LessonRevision
from tests.factories import (
    ExerciseFactory,
    OrganisationFactory,
    QuestionFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
)

pytestmark = pytest.mark.django_db


def _every_editing_url(lesson, revision):
    urls = []
    for pattern in editing_urls.urlpatterns:
        name = f"course_editing:{pattern.name}"
        keys = set(pattern.pattern.converters)
        kwargs = {
            "slug": lesson.slug,
            "revision_id": revision.pk,
            "part": lesson.part.key,
            "number": lesson.exercises.get().number,
        }
        try:
            urls.append(reverse(name, kwargs={k: v for k, v in kwargs.items() if k in keys}))
        except NoReverseMatch:  # pragma: no cover - the test below would then fail
            raise AssertionError(f"cannot build {name}") from None
    return urls


@pytest.fixture
def revision(lesson):
    QuestionFactory(exercise=ExerciseFactory(lesson=lesson, title="Thinking about the law"))
    return LessonRevision.objects.create(
        lesson=lesson, title=lesson.title, body_markdown=lesson.body_markdown, source="file"
    )


def _person(role, team):
    if role == "administrator":
        user = UserFactory(role="administrator", team=None, organisation=None)
    elif role == "superuser":
        user = UserFactory(role="practitioner", is_superuser=True, is_staff=True)
    else:
        user = UserFactory(role=role, team=team)
    if role == "team_manager":
        team.managers.add(user)
    second_factor_for(user)
    return user


OUTSIDERS = ["practitioner", "team_manager", "organisation_admin"]
EDITORS = ["trainer", "administrator", "superuser"]


def test_every_address_is_covered(lesson, revision):
    urls = _every_editing_url(lesson, revision)
    assert len(urls) == len(editing_urls.urlpatterns) == 15
    assert "/course-editing/markdownx/markdownify/" in urls
    assert "/course-editing/markdownx/upload/" in urls


def test_markdownx_is_not_mounted_anywhere_else():
    for path in ("/markdownx/markdownify/", "/markdownx/upload/"):
        with pytest.raises(Resolver404):
            resolve(path)


# A form that every page taking a POST would act on, from a trainer.
WOULD_CHANGE_SOMETHING = {
    "content": "x",
    "version": 0,
    "title": "T",
    "summary": "S",
    "body_markdown": "Text.",
    "note": "n",
    "direction": "down",
}


@pytest.mark.parametrize("role", OUTSIDERS)
def test_everyone_else_signed_in_gets_not_found_everywhere(client, team, lesson, revision, role):
    client.force_login(_person(role, team))
    for url in _every_editing_url(lesson, revision):
        assert client.get(url).status_code == 404, url
        post = client.post(url, WOULD_CHANGE_SOMETHING)
        assert post.status_code == 404, url
    assert not LessonDraft.objects.exists()
    assert Lesson.objects.count() == 1
    lesson.refresh_from_db()
    assert lesson.archived_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, lesson, revision):
    for url in _every_editing_url(lesson, revision):
        for response in (client.get(url), client.post(url, {"content": "x"})):
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("role", EDITORS)
def test_trainers_and_administrators_reach_every_page(client, team, lesson, revision, role):
    client.force_login(_person(role, team))
    LessonDraft.objects.create(lesson=lesson, title="T", body_markdown="Draft text.", note="n")
    pages = ["home", "edit", "draft", "history", "diff", "lesson_create", "exercise_edit"]
    special = {
        "home": ({}, "The law"),
        "lesson_create": ({"part": lesson.part.key}, lesson.part.title),
        "exercise_edit": ({"number": lesson.exercises.get().number}, "Thinking about the law"),
    }
    for name in pages:
        kwargs, expected = special.get(name, ({"slug": lesson.slug}, "The law"))
        response = client.get(reverse(f"course_editing:{name}", kwargs=kwargs))
        assert response.status_code == 200, name
        assert expected in response.content.decode()
    preview = client.post(reverse("course_editing:markdownx_markdownify"), {"content": "*Hi*"})
    assert preview.status_code == 200
    assert preview.content.decode() == "<p><em>Hi</em></p>"


@pytest.mark.parametrize("role", EDITORS + OUTSIDERS)
def test_nothing_is_uploaded_by_anyone(client, team, role):
    client.force_login(_person(role, team))
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    response = client.post(
        reverse("course_editing:markdownx_upload"),
        {"image": SimpleUploadedFile("a.png", picture, content_type="image/png")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 404


def test_a_trainer_without_a_second_factor_is_sent_to_set_one_up(client, team):
    trainer = UserFactory(role="trainer", team=team)
    client.force_login(trainer)
    response = client.get(reverse("course_editing:home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize(
    ("role", "sees_link"), [(r, False) for r in OUTSIDERS] + [(r, True) for r in EDITORS]
)
def test_the_header_link_is_for_trainers_and_administrators_only(client, team, role, sees_link):
    client.force_login(_person(role, team))
    page = client.get(reverse("modules:home")).content.decode()
    assert ("Course editing" in page) is sees_link


def test_an_organisation_admin_elsewhere_gets_not_found(lesson):
    admin = UserFactory(
        role="organisation_admin", team=TeamFactory(organisation=OrganisationFactory())
    )
    second_factor_for(admin)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("course_editing:home")).status_code == 404
