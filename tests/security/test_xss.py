"""Every hostile payload (tests/security/xss_payloads.py) through every place the course
shows what someone wrote: it arrives as text, never as markup that runs.

Each test plants the whole corpus in one channel and reads every page, email, PDF and
export that shows it; a failure lists each problem with where it was found.
"""

import csv
import datetime
import io
import json

import pytest
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF

from accounts.models import Organisation, User
from course_editing.selectors import exercise_fingerprint
from modules.models import Question
from modules.rendering import MarkdownContentError
from modules.services import progress_mark_complete
from reflections.models import Certificate, ExerciseResponse, Share
from reflections.pdf import certificate_pdf
from tests.factories import (
    ExerciseFactory,
    LessonFactory,
    OrganisationFactory,
    QuestionFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
)
from tests.reflections.factories import CertificateFactory, ShareFactory

from .checks import (
    email_dangers,
    html_dangers,
    json_export_dangers,
    pdf_dangers,
    pdf_text,
    response_dangers,
)
from .xss_payloads import ADDRESSES, EVERY_TEXT, FORMULAS, PAYLOADS, STORABLE

pytestmark = pytest.mark.django_db

STORABLE_TEXT = STORABLE


class Findings:
    """Problems found, by where: asserted empty at the end of a test."""

    def __init__(self):
        self.found: dict[str, list[str]] = {}
        self.looked_at = 0

    def add(self, where: str, problems: list[str]):
        self.looked_at += 1
        if problems:
            self.found.setdefault(where, []).extend(problems)

    def page(self, client, url, where=None, expect=200, **get):
        response = client.get(url, get)
        assert response.status_code == expect, (url, response.status_code)
        self.add(where or url, response_dangers(response))
        return response

    def emails(self, where):
        for message in mail.outbox:
            self.add(f"{where}: email {message.subject!r} to {message.to}", email_dangers(message))

    def pdf(self, client, url, where=None):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"] == "application/pdf"
        self.add(where or url, pdf_dangers(response.content))
        return pdf_text(response.content)

    def assert_none(self, minimum: int):
        assert self.found == {}
        assert self.looked_at >= minimum, self.looked_at


@pytest.fixture
def findings():
    return Findings()


@pytest.fixture
def trainer_client(client, team):
    user = UserFactory(team=team, full_name="Morgan Lee", role="trainer")
    second_factor_for(user)
    client.force_login(user)
    return client


def _exercise_with_payload_questions(number=1, texts=STORABLE_TEXT):
    """An exercise for pairs with one question (to answer alone) per payload."""
    exercise = ExerciseFactory(number=number, title="Thinking it through")
    for order, name in enumerate(texts, start=1):
        QuestionFactory(exercise=exercise, key=f"q{order}", order=order, text_markdown=name)
    return exercise


# --- Lesson Markdown ------------------------------------------------------------------------


def test_lesson_markdown_in_the_editors_preview(trainer_client, findings):
    url = reverse("course_editing:markdownx_markdownify")
    for name, text in EVERY_TEXT.items():
        response = trainer_client.post(url, {"content": f"Opening.\n\n{text}\n\nClosing."})
        assert response.status_code == 200
        findings.add(f"preview of {name}", html_dangers(response.content.decode()))
    findings.assert_none(len(EVERY_TEXT))


def test_lesson_markdown_saved_and_published_through_the_editor(
    trainer_client, practitioner, findings
):
    lesson = LessonFactory(slug="the-law", title="The law")
    published = 0
    for name, text in STORABLE_TEXT.items():
        lesson.refresh_from_db()
        body = f"Opening.\n\n{text}\n\nClosing."
        edit = trainer_client.post(
            reverse("course_editing:edit", args=[lesson.slug]),
            {"title": lesson.title, "summary": lesson.summary, "body_markdown": body,
             "note": name, "version": lesson.edit_version},
        )  # fmt: skip
        if edit.status_code == 200:  # refused: it would lose words; the form shows why
            findings.add(f"{name}: the refused edit", response_dangers(edit))
            continue
        assert edit.status_code == 302, (name, edit.status_code)
        findings.page(trainer_client, edit.url, f"{name}: the draft")
        lesson.refresh_from_db()
        publish = trainer_client.post(
            reverse("course_editing:publish", args=[lesson.slug]),
            {"version": lesson.edit_version, "note": name},
        )
        assert publish.status_code == 302, (name, publish.status_code)
        published += 1
    findings.page(trainer_client, reverse("course_editing:history", args=[lesson.slug]))
    findings.page(trainer_client, reverse("course_editing:diff", args=[lesson.slug]))
    trainer_client.force_login(practitioner)
    findings.page(trainer_client, reverse("modules:lesson", args=[lesson.slug]), "lesson")
    findings.assert_none(published + 3)
    assert published >= len(STORABLE_TEXT) - 5  # a handful are refused, not published


@pytest.mark.parametrize("name", STORABLE_TEXT, ids=list(STORABLE_TEXT))
def test_lesson_markdown_on_the_lesson_page(client, practitioner, name):
    text = STORABLE_TEXT[name]
    try:
        lesson = LessonFactory(body_markdown=f"Opening.\n\n{text}\n\nClosing.")
    except MarkdownContentError:
        return  # refused: nothing stored, nothing shown
    client.force_login(practitioner)
    response = client.get(reverse("modules:lesson", args=[lesson.slug]))

    assert response.status_code == 200
    assert response_dangers(response) == []


def test_lesson_titles_summaries_and_reread_notes_through_the_editor(
    trainer_client, practitioner, findings
):
    """What a trainer writes beside the Markdown: the title, the summary, the note of what
    changed and the re-read summary learners who completed the lesson are shown."""
    lesson = LessonFactory(slug="the-law", title="The law")
    progress_mark_complete(user=practitioner, lesson=lesson)
    reader = Client()
    reader.force_login(practitioner)
    for name, text in PAYLOADS.items():
        lesson.refresh_from_db()
        edit = trainer_client.post(
            reverse("course_editing:edit", args=[lesson.slug]),
            {"title": text, "summary": text, "body_markdown": f"Text for {name}.",
             "note": text, "version": lesson.edit_version},
        )  # fmt: skip
        assert edit.status_code == 302, (name, edit.status_code)
        lesson.refresh_from_db()
        publish = trainer_client.post(
            reverse("course_editing:publish", args=[lesson.slug]),
            {"version": lesson.edit_version, "note": text, "learners_reread": "on",
             "reread_summary": text},
        )  # fmt: skip
        assert publish.status_code == 302, (name, publish.status_code)
        findings.page(reader, reverse("modules:lesson", args=[lesson.slug]), f"{name}: lesson")
        findings.page(reader, reverse("modules:home"), f"{name}: course home")
    findings.page(trainer_client, reverse("course_editing:home"))
    findings.page(trainer_client, reverse("course_editing:history", args=[lesson.slug]))
    findings.page(trainer_client, reverse("course_editing:diff", args=[lesson.slug]))
    assert (
        "Updated since you completed it" in reader.get(lesson.get_absolute_url()).content.decode()
    )
    findings.assert_none(2 * len(PAYLOADS) + 3)


# --- Exercise questions and introductions ---------------------------------------------------


def _exercise_form(exercise, intro, text):
    """The trainers' exercise page as posted: a new introduction and its one question."""
    return {
        "intro_markdown": intro,
        "opened_on": exercise_fingerprint(exercise),
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "1",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "50",
        "questions-0-key": "only",
        "questions-0-text_markdown": text,
        "questions-0-stage": Question.Stage.INDIVIDUAL,
    }


def test_exercise_introductions_and_questions_through_the_editor(
    trainer_client, practitioner, findings
):
    exercise = ExerciseFactory(number=1, title="Thinking it through")
    QuestionFactory(exercise=exercise, key="only", order=1, text_markdown="What now?")
    url = reverse("course_editing:exercise_edit", args=[exercise.number])
    reader = Client()
    reader.force_login(practitioner)
    saved = 0
    for name, text in STORABLE_TEXT.items():
        exercise.refresh_from_db()
        response = trainer_client.post(url, _exercise_form(exercise, text, text))
        if response.status_code == 200:  # refused: it would lose words; the form says why
            findings.add(f"{name}: the refused edit", response_dangers(response))
            continue
        assert response.status_code == 302, (name, response.status_code)
        saved += 1
        findings.page(trainer_client, url, f"{name}: the exercise editor")
        findings.page(reader, reverse("reflections:exercise", args=[1]), f"{name}: exercise")
        findings.page(reader, exercise.lesson.get_absolute_url(), f"{name}: lesson")
    findings.assert_none(3 * saved)
    assert saved >= len(STORABLE_TEXT) - 5


# --- Answers --------------------------------------------------------------------------------


@pytest.fixture
def answered(client, practitioner, colleague):
    """Every payload as one of the practitioner's answers, saved and submitted through
    the exercise page's form; the colleague's answers revealed to them by a share."""
    exercise = _exercise_with_payload_questions(texts={n: f"Question {n}?" for n in STORABLE_TEXT})
    keys = {f"q{order}": text for order, text in enumerate(STORABLE_TEXT.values(), start=1)}
    client.force_login(practitioner)
    form = {f"answer-{key}": text for key, text in keys.items()}
    form |= {f"version-{key}": "0" for key in keys}
    response = client.post(reverse("reflections:submit", args=[exercise.number]), form)
    assert response.status_code == 302, response.status_code
    response = ExerciseResponse.objects.get(user=practitioner, exercise=exercise)
    assert response.submitted_at is not None
    assert {a.question.key: a.text for a in response.answers.all()} == keys
    theirs = ExerciseResponse.objects.create(
        user=colleague, exercise=exercise, submitted_at=timezone.now()
    )
    for question in exercise.questions.all():
        theirs.answers.create(question=question, text="My own answer.")
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    return {"exercise": exercise, "keys": keys, "share": share}


def test_answers_on_every_page_that_shows_them(client, practitioner, answered, findings):
    exercise = answered["exercise"]
    findings.page(client, reverse("reflections:exercise", args=[exercise.number]))
    findings.page(client, reverse("reflections:mine"))
    findings.page(client, reverse("reflections:cpd_record"))
    findings.page(client, reverse("reflections:course_summary"))
    for key in answered["keys"]:
        findings.page(client, reverse("reflections:history", args=[exercise.number, key]))
    findings.assert_none(4 + len(answered["keys"]))


def test_answers_in_the_partners_view_of_a_revealed_share(client, colleague, answered, findings):
    client.force_login(colleague)
    response = findings.page(
        client, reverse("reflections:share_detail", args=[answered["share"].pk])
    )
    page = response.content.decode()
    assert "Question" in page
    findings.page(client, reverse("reflections:exercise", args=[answered["exercise"].number]))
    findings.assert_none(2)


def test_partner_names_in_the_message_that_answers_are_revealed(
    client, practitioner, team, findings
):
    """Submitting answers reveals a partner's: the message says so, naming them."""
    for number, (name, text) in enumerate(PAYLOADS.items(), start=1):
        exercise = ExerciseFactory(number=number)
        QuestionFactory(exercise=exercise, key="first", order=1)
        partner = UserFactory(team=team, full_name=text, email=f"partner{number}@example.org")
        theirs = ExerciseResponse.objects.create(
            user=partner, exercise=exercise, submitted_at=timezone.now()
        )
        theirs.answers.create(question=exercise.questions.get(), text="Theirs.")
        ShareFactory(
            owner=practitioner, colleague=partner, exercise=exercise, status=Share.Status.ACCEPTED
        )
        client.force_login(practitioner)
        response = client.post(
            reverse("reflections:submit", args=[number]),
            {"answer-first": "Mine.", "version-first": "0"},
        )
        assert response.status_code == 302, (name, response.status_code)
    # Every message waits for the next page, which shows them all.
    page = findings.page(client, reverse("reflections:mine"))
    assert page.content.decode().count("answers are now open") == len(PAYLOADS)
    findings.assert_none(1)


def test_typed_answers_shown_again_when_a_save_cannot_be_made(practitioner, findings):
    """The pages that keep what was typed when it cannot be saved: an answer changed
    elsewhere meanwhile (409, both texts shown), a page whose CSRF token expired (403,
    the text in a fresh form) and a session that ended (the text in hidden fields)."""
    exercise = _exercise_with_payload_questions(texts={n: f"Question {n}?" for n in STORABLE_TEXT})
    keys = {f"q{order}": text for order, text in enumerate(STORABLE_TEXT.values(), start=1)}
    typed = {f"answer-{key}": f"{text} typed" for key, text in keys.items()}
    url = reverse("reflections:exercise", args=[exercise.number])

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    token = strict.get(reverse("reflections:csrf_token")).json()["token"]
    saved = strict.post(url, {"csrfmiddlewaretoken": token, **typed,
                              **{f"version-{key}": "0" for key in keys}})  # fmt: skip
    assert saved.status_code == 302, saved.status_code
    response = ExerciseResponse.objects.get(user=practitioner)
    assert response.answers.count() == len(keys)

    conflict = strict.post(url, {"csrfmiddlewaretoken": token, **{
        f"answer-{key}": text for key, text in keys.items()},
        **{f"version-{key}": "0" for key in keys}})  # fmt: skip
    assert conflict.status_code == 409, conflict.status_code
    findings.add("409: both texts", response_dangers(conflict))

    expired = strict.post(url, {"csrfmiddlewaretoken": "stale" * 8, **typed})
    assert expired.status_code == 403, expired.status_code
    findings.add("403: the expired page", response_dangers(expired))

    signed_out = Client(enforce_csrf_checks=True)
    signed_out.get(reverse("reflections:csrf_token"))
    token = signed_out.cookies["csrftoken"].value
    kept = signed_out.post(url, {"csrfmiddlewaretoken": token, **typed})
    assert kept.status_code == 200, kept.status_code
    assert "typed" in kept.content.decode()
    findings.add("signed out: the text kept", response_dangers(kept))
    findings.assert_none(3)


def test_answers_in_the_json_export(client, answered, findings):
    response = client.get(reverse("reflections:data_export"))

    assert response.status_code == 200
    findings.add("export", json_export_dangers(response))
    exported = json.dumps(json.loads(response.content), ensure_ascii=False)
    for text in answered["keys"].values():  # kept exactly, as data
        assert json.dumps(text, ensure_ascii=False)[1:-1] in exported
    findings.assert_none(1)


def test_answers_in_the_cpd_record_pdf(client, answered, findings):
    text = findings.pdf(client, reverse("reflections:cpd_record_pdf"))

    assert "alert(1)" in text  # printed as the words they are
    findings.assert_none(1)


# --- People's names (and job roles) ---------------------------------------------------------


@pytest.fixture
def named_team(organisation):
    """A team of one member per payload, each named (and with a job role of) it."""
    team = TeamFactory(organisation=organisation, name="Hostile names")
    LessonFactory()  # a course to have started or not
    members = [
        UserFactory(team=team, full_name=text, job_role=text, email=f"member{n}@example.org")
        for n, text in enumerate(PAYLOADS.values())
    ]
    manager = UserFactory(team=team, full_name="Priya Shah", role="team_manager")
    team.managers.add(manager)
    second_factor_for(manager)
    return {"team": team, "members": members, "manager": manager}


def test_names_in_each_persons_own_pages(client, named_team, findings):
    for member in named_team["members"]:
        client.force_login(member)
        findings.page(client, reverse("modules:home"), f"home of {member.full_name}")
        findings.page(client, reverse("accounts:overview"), f"account of {member.full_name}")
    findings.assert_none(2 * len(PAYLOADS))


def test_names_in_the_managers_pages_csv_and_reminders(
    client, named_team, findings, django_capture_on_commit_callbacks
):
    team, members = named_team["team"], named_team["members"]
    client.force_login(named_team["manager"])
    findings.page(client, reverse("team_progress:dashboard"))
    team_url = reverse("team_progress:team", args=[team.pk])
    for page in (1, 2):
        findings.page(client, team_url, f"team page {page}", page=page)
    findings.page(client, team_url, "team search", q="script")
    for member in members:
        findings.page(client, reverse("team_progress:member", args=[team.pk, member.pk]))

    # Each member reminded by the manager named with the next payload.
    manager = named_team["manager"]
    for member, text in zip(members, PAYLOADS.values(), strict=True):
        manager.full_name = text
        manager.save(update_fields=["full_name"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("team_progress:nudge", args=[team.pk]), {"member": [member.pk]}
            )
        assert response.status_code == 302
    assert len(mail.outbox) == len(members)
    assert {message.to[0] for message in mail.outbox} == {m.email for m in members}
    findings.emails("reminders")
    findings.assert_none(4 + 2 * len(members))


def test_names_in_the_managers_csv_are_text_and_never_formulas(client, named_team):
    team = named_team["team"]
    for n, formula in enumerate(FORMULAS.values()):
        UserFactory(team=team, full_name=formula, job_role=formula, email=f"f{n}@example.org")
    client.force_login(named_team["manager"])

    response = client.get(reverse("team_progress:team_csv", args=[team.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    roles = {row[1] for row in rows[1:]}
    for text in PAYLOADS.values():  # as written, unless it would start a formula
        expected = "'" + text if text.startswith(("=", "+", "-", "@")) else text
        assert expected in names
        assert expected in roles
    for formula in FORMULAS.values():
        assert "'" + formula in names
        assert "'" + formula in roles
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]


def test_names_in_the_organisation_administrators_and_admin_pages(
    client, named_team, administrator, findings
):
    members = named_team["members"]
    admin = UserFactory(
        team=named_team["team"], full_name="Jordan Evans", role="organisation_admin"
    )
    second_factor_for(admin)
    client.force_login(admin)
    members_url = reverse("organisation:members")
    for page in (1, 2):
        findings.page(client, members_url, f"members page {page}", page=page)
    for member in members:
        findings.page(client, reverse("organisation:person", args=[member.pk]))
    findings.page(client, reverse("organisation:teams"))

    client.force_login(administrator)
    findings.page(client, reverse("admin:accounts_user_changelist"))
    findings.page(client, reverse("admin:accounts_user_changelist"), "admin search", q="script")
    for member in members[:10]:
        findings.page(client, reverse("admin:accounts_user_change", args=[member.pk]))
    findings.page(client, reverse("admin:accounts_team_change", args=[named_team["team"].pk]))
    findings.assert_none(5 + len(members))


def test_names_in_sharing_pages_search_and_emails(
    client, named_team, findings, django_capture_on_commit_callbacks
):
    """Each payload-named person invites a colleague by name and by email: the emails,
    the invitation page the colleague opens and the colleague search all show the name."""
    exercise = ExerciseFactory(number=3)
    QuestionFactory(exercise=exercise, key="first", order=1)
    members = named_team["members"]
    invitee = UserFactory(team=named_team["team"], full_name="Ivy Invitee")
    for member in members:
        client.force_login(member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reflections:share_start", args=[exercise.number]),
                {"colleague": invitee.pk},
            )
        assert response.status_code == 302, response.status_code
        findings.page(client, reverse("reflections:exercise", args=[exercise.number]))
    assert len(mail.outbox) == len(members)
    findings.emails("invitations by name")

    client.force_login(invitee)
    search = reverse("reflections:colleague_search")
    share_start = reverse("reflections:share_start", args=[exercise.number])
    for fragment in ("script", "img", "svg", "javascript", "a"):
        data = client.get(search, {"q": fragment})
        assert data["Content-Type"].startswith("application/json")
        findings.page(client, share_start, f"colleague search for {fragment}", q=fragment)
    for share in Share.objects.filter(colleague=invitee):
        findings.page(client, reverse("reflections:invitation", args=[share.token]))
    findings.page(client, reverse("reflections:mine"), "the invitee's reflections")

    mail.outbox.clear()
    client.force_login(members[0])
    other = ExerciseFactory(number=4)
    QuestionFactory(exercise=other, key="first", order=1)
    for member in members:
        client.force_login(member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reflections:share_start", args=[other.number]),
                {"email": f"outside{member.pk}@elsewhere.example"},
            )
        assert response.status_code == 302, response.status_code
    assert len(mail.outbox) == len(members)
    findings.emails("invitations by email")
    findings.assert_none(4 * len(members))


def test_names_and_organisation_names_on_certificates(client, findings):
    """A person per payload, in an organisation named with it: their home page, the
    certificate page and the public verify page (which names the organisation)."""
    for n, text in enumerate(PAYLOADS.values()):
        organisation = OrganisationFactory(name=text, slug=f"organisation-{n}")
        team = TeamFactory(organisation=organisation, name=text)
        person = UserFactory(team=team, full_name=text, email=f"cert{n}@example.org")
        certificate = CertificateFactory(user=person)
        client.force_login(person)
        findings.page(client, reverse("modules:home"), f"home in organisation {text}")
        findings.page(client, reverse("reflections:certificate"), f"certificate of {text}")
        if n % 8 == 0:  # drawing a PDF takes a while: every payload is in the one below
            findings.pdf(client, reverse("reflections:certificate_pdf"), f"PDF of {text}")
        client.logout()
        cache.clear()  # the verify page is rate-limited per client address
        findings.page(client, reverse("verify:code", args=[certificate.code]))
    findings.assert_none(3 * len(PAYLOADS))


def test_every_name_at_once_in_a_certificate_pdf():
    person = User(full_name=" ".join(PAYLOADS.values()))
    certificate = Certificate(
        user=person, code="K7QF9M2XPD4R8T3H", completed_on=datetime.date(2026, 3, 3),
        cpd_minutes=185,
    )  # fmt: skip

    content = certificate_pdf(
        certificate=certificate,
        course_title=PAYLOADS["markdown link javascript"],
        source_citation=PAYLOADS["html link javascript"],
        verify_url="https://course.example.org/verify/K7QF9M2XPD4R8T3H/",
    )

    assert pdf_dangers(content) == []
    assert "onerror=alert(1)" in "".join(pdf_text(content).split())


def test_every_admin_list_and_change_page(client, administrator, practitioner, findings):
    """Whatever holds a payload (people, teams, organisations, lessons, exercises,
    answers' responses, certificates, audit events), in every list of the admin site
    and the change pages of the rows holding it."""
    for n, text in enumerate(PAYLOADS.values()):
        organisation = OrganisationFactory(name=text, slug=f"organisation-{n}")
        team = TeamFactory(organisation=organisation, name=text)
        person = UserFactory(team=team, full_name=text, job_role=text, email=f"a{n}@example.org")
        CertificateFactory(user=person)
        exercise = ExerciseFactory(title=text, number=n + 1)
        exercise.lesson.title = text
        exercise.lesson.save()
        ExerciseResponse.objects.create(user=person, exercise=exercise)
        progress_mark_complete(user=person, lesson=exercise.lesson)
    ShareFactory(owner=practitioner, invited_email=ADDRESSES["quoted img onerror"])
    client.force_login(administrator)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        findings.page(client, changelist)
        findings.page(client, changelist, f"{changelist} searched", q="script")
        if model_admin.has_change_permission(_request(administrator)):
            for pk in model.objects.order_by("-pk").values_list("pk", flat=True)[:3]:
                change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
                findings.page(client, change)
    findings.assert_none(2 * len(admin.site._registry))


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# --- Team and organisation names ------------------------------------------------------------


def test_team_names_in_managers_administrators_and_choosing_pages(
    client, organisation, administrator, findings
):
    teams = [TeamFactory(organisation=organisation, name=text) for text in PAYLOADS.values()]
    manager = UserFactory(team=teams[0], full_name="Priya Shah", role="team_manager")
    second_factor_for(manager)
    for team in teams:
        team.managers.add(manager)
        UserFactory(team=team)
    client.force_login(manager)
    findings.page(client, reverse("team_progress:dashboard"))
    for team in teams:
        findings.page(client, reverse("team_progress:team", args=[team.pk]))

    admin = UserFactory(team=teams[0], full_name="Jordan Evans", role="organisation_admin")
    second_factor_for(admin)
    client.force_login(admin)
    findings.page(client, reverse("organisation:teams"))
    findings.page(client, reverse("organisation:members"))
    findings.page(client, reverse("organisation:invite"))
    for team in teams:
        findings.page(client, reverse("organisation:team_rename", args=[team.pk]))

    newcomer = UserFactory(team=None, organisation=organisation, full_name="New Person")
    client.force_login(newcomer)
    findings.page(client, reverse("accounts:team_choose"))

    client.force_login(administrator)
    findings.page(client, reverse("admin:accounts_team_changelist"))
    findings.page(client, reverse("admin:accounts_organisation_changelist"))
    findings.page(client, reverse("admin:accounts_user_changelist"))
    findings.assert_none(2 * len(teams) + 7)


def test_organisation_names_in_headers_emails_and_admin(
    client, administrator, findings, django_capture_on_commit_callbacks
):
    for n, text in enumerate(PAYLOADS.values()):
        organisation = OrganisationFactory(name=text, slug=f"organisation-{n}")
        team = TeamFactory(organisation=organisation, name="Team")
        admin = UserFactory(team=team, role="organisation_admin", email=f"oa{n}@example.org")
        second_factor_for(admin)
        client.force_login(admin)
        findings.page(client, reverse("organisation:members"), f"members of {text}")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisation:invite"),
                {"full_name": "Nia Newcomer", "email": f"nia{n}@example.org", "team": team.pk,
                 "job_role": "Social worker", "role": "practitioner"},
            )  # fmt: skip
        assert response.status_code == 302, (text, response.status_code)
    assert len(mail.outbox) == len(PAYLOADS)
    findings.emails("staff invitations")
    client.force_login(administrator)
    findings.page(client, reverse("admin:accounts_organisation_changelist"))
    for organisation in Organisation.objects.all()[:10]:
        findings.page(client, reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    findings.assert_none(2 * len(PAYLOADS))


def test_payloads_in_search_and_filter_parameters_come_back_as_text(client, named_team, findings):
    """Searches and filters show what was asked for again: as text in a field."""
    team = named_team["team"]
    exercise = ExerciseFactory(number=1)
    admin = UserFactory(team=team, full_name="Jordan Evans", role="organisation_admin")
    second_factor_for(admin)
    who = {
        "practitioner": named_team["members"][0],
        "manager": named_team["manager"],
        "admin": admin,
    }
    pages = {
        "practitioner": [reverse("reflections:share_start", args=[exercise.number])],
        "manager": [reverse("team_progress:team", args=[team.pk])],
        "admin": [reverse("organisation:members")],
    }
    for role, urls in pages.items():
        client.force_login(who[role])
        for text in PAYLOADS.values():
            for url in urls:
                response = client.get(url, {"q": text, "sort": text, "status": text, "page": text})
                assert response.status_code in (200, 400, 404), (url, response.status_code)
                findings.add(f"{url}?q={text}", response_dangers(response))
    client.logout()
    for text in PAYLOADS.values():
        cache.clear()  # the verify page is rate-limited per client address
        response = client.get(reverse("verify:form"), {"code": text})  # not found, or asked again
        assert response.status_code in (400, 404), response.status_code
        findings.add(f"verify {text}", response_dangers(response))
        findings.page(client, reverse("account_login"), f"sign in next={text}", next=text)
    findings.assert_none(5 * len(PAYLOADS))


# --- Invitation addresses -------------------------------------------------------------------


def test_addresses_in_share_invitations(
    client, practitioner, findings, django_capture_on_commit_callbacks
):
    share_start = None
    for number, (name, address) in enumerate(ADDRESSES.items(), start=1):
        exercise = ExerciseFactory(number=number)
        QuestionFactory(exercise=exercise, key="first", order=1)
        share_start = reverse("reflections:share_start", args=[number])
        client.force_login(practitioner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(share_start, {"email": address})
        if response.status_code == 400:  # refused, and shown again in the field
            findings.add(f"{name}: refused", response_dangers(response))
            continue
        assert response.status_code == 302, (name, response.status_code)
        findings.page(client, share_start, f"{name}: the share page")
        findings.page(client, reverse("reflections:exercise", args=[number]), f"{name}: exercise")
    findings.page(client, reverse("reflections:mine"))
    findings.emails("share invitations by email")
    assert share_start is not None
    findings.assert_none(len(ADDRESSES))


def test_addresses_and_names_in_organisation_staff_invitations(
    client, team, findings, django_capture_on_commit_callbacks
):
    admin = UserFactory(team=team, full_name="Jordan Evans", role="organisation_admin")
    second_factor_for(admin)
    client.force_login(admin)
    for name, address in ADDRESSES.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisation:invite"),
                {"full_name": PAYLOADS["img onerror"], "email": address, "team": team.pk,
                 "job_role": PAYLOADS["svg onload"], "role": "practitioner"},
            )  # fmt: skip
        assert response.status_code in (200, 302, 400), (name, response.status_code)
        findings.add(f"{name}: invitation form", response_dangers(response))
    for text in PAYLOADS.values():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisation:invite"),
                {"full_name": text, "email": f"n{len(mail.outbox)}@example.org",
                 "team": team.pk, "job_role": text, "role": "practitioner"},
            )  # fmt: skip
        assert response.status_code in (200, 302, 400), (text, response.status_code)
        findings.add(f"{text}: invitation form", response_dangers(response))
    findings.emails("staff invitations")
    for page in (1, 2):
        findings.page(client, reverse("organisation:members"), f"members page {page}", page=page)
    findings.page(client, reverse("organisation:members"), "invited", status="invited")
    findings.assert_none(len(PAYLOADS) + len(ADDRESSES))


def _staff_list(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "email", "team", "job role", "role"])
    writer.writerows(rows)
    return SimpleUploadedFile("staff.csv", buffer.getvalue().encode(), content_type="text/csv")


def test_names_addresses_and_teams_in_a_staff_list_csv(
    client, organisation, team, findings, django_capture_on_commit_callbacks
):
    """A staff list naming each payload's person and team is previewed and imported (an
    invitation email each); one of hostile addresses is previewed and refused."""
    for text in PAYLOADS.values():
        TeamFactory(organisation=organisation, name=text)
    admin = UserFactory(team=team, full_name="Jordan Evans", role="organisation_admin")
    second_factor_for(admin)
    client.force_login(admin)
    upload = reverse("organisation:import_upload")

    rows = [[text, f"s{n}@example.org", text, text, "Practitioner"]
            for n, text in enumerate(PAYLOADS.values())]  # fmt: skip
    response = client.post(upload, {"file": _staff_list(rows)})
    assert response.status_code == 302, response.status_code
    findings.page(client, response.url, "the staff list preview")
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(response.url.rstrip("/") + "/apply/", follow=True)
    assert applied.status_code == 200
    findings.add("after the import", response_dangers(applied))
    assert len(mail.outbox) == len(PAYLOADS)
    findings.emails("imported staff invitations")

    rows = [["Ann One", address, team.name, "Social worker", "Practitioner"]
            for address in ADDRESSES.values()]  # fmt: skip
    response = client.post(upload, {"file": _staff_list(rows)})
    assert response.status_code == 302, response.status_code
    findings.page(client, response.url, "the hostile addresses' preview")
    findings.assert_none(3)


def test_names_in_role_changes_made_by_an_organisation_administrator(
    client, team, findings, django_capture_on_commit_callbacks
):
    """An administrator named with each payload changes the role of a person named with
    it: the page's confirmation and the email the person is sent."""
    admin = UserFactory(team=team, role="organisation_admin")
    second_factor_for(admin)
    client.force_login(admin)
    for n, text in enumerate(PAYLOADS.values()):
        admin.full_name = text
        admin.save(update_fields=["full_name"])
        person = UserFactory(team=team, full_name=text, email=f"r{n}@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisation:person_role", args=[person.pk]),
                {"role": "team_manager"},
                follow=True,
            )
        assert response.status_code == 200
        findings.add(f"{text}: role changed", response_dangers(response))
    assert len(mail.outbox) == len(PAYLOADS)
    findings.emails("role changes")
    findings.assert_none(2 * len(PAYLOADS))


# Markup each check must report, had a payload arrived as it.
LIVE_MARKUP = [
    "<img src=x onerror=alert(1)>",
    '<a href="java&#9;script:alert(1)">x</a>',
    "<script>alert(1)</script>",
    '<script src="https://evil.example/x.js"></script>',
    '<iframe srcdoc="x"></iframe>',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<meta http-equiv="Refresh" content="0;url=javascript:alert(1)">',
    '<form action="vbscript:x"></form>',
    '<div style="x:expression(1)">',
    '<svg><animate attributeName=href values="javascript:alert(1)"/></svg>',
    "<base href=//evil.example/>",
]


@pytest.mark.parametrize("markup", LIVE_MARKUP)
def test_the_page_check_reports_live_markup(markup):
    assert html_dangers(f"<p>{markup}</p>")


def test_the_page_check_ignores_escaped_text_and_the_courses_own_scripts():
    for text in PAYLOADS.values():
        assert html_dangers(f"<p>{text.replace('<', '&lt;')}</p>") == [], text
    assert html_dangers('<script src="/static/js/autosave.js" defer></script>') == []
    assert html_dangers('<script id="x" type="application/json">"</p>"</script>') == []


def test_the_pdf_check_reports_a_script_link():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Click", link="javascript:alert(1)")

    assert pdf_dangers(bytes(pdf.output())) == [
        "page 1: a link annotation /URI javascript:alert(1)"
    ]


def test_the_email_check_reports_an_html_part():
    message = EmailMultiAlternatives("Subject", "Body", to=["sam@example.org"])
    message.attach_alternative("<img src=x onerror=alert(1)>", "text/html")

    assert len(email_dangers(message)) == 2
