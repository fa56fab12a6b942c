import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from modules.models import Lesson, LessonProgress
from reflections.cpd import CpdRecord
from reflections.models import Answer, ExerciseResponse, Share, answer_text_encode
from reflections.pdf import cpd_record_pdf
from reflections.selectors.records import cpd_record
from tests.factories import UserFactory

from .records_data import accepted_share, answer_everything, commitment, complete_lessons

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def owner(course_content, practitioner, colleague):
    answer_everything(practitioner, "MINE")
    answer_everything(colleague, "THEIRS")
    accepted_share(practitioner, colleague, number=1)
    row = commitment(practitioner, due_in=0, review_in=0, text="MY-COMMITMENT")
    row.review_outcome = "MY-REVIEW"
    row.reviewed_at = timezone.now()
    row.save()
    commitment(colleague, text="THEIR-COMMITMENT")
    complete_lessons(practitioner, 2)
    return practitioner


def test_record_holds_the_owners_answers_by_stage(owner):
    record = cpd_record(user=owner)

    first = record.exercises[0]
    assert next(a.text for a in first.individual) == "MINE individual-responsibilities"
    assert [a.text for a in first.pair] == ["MINE compare-answers", "MINE what-to-find-out"]


def test_record_names_the_colleague_from_an_accepted_share(owner):
    record = cpd_record(user=owner)

    assert next((e.exercise.number, e.partners) for e in record.peer_exercises) == (
        1,
        ["Alex Jones"],
    )


def test_record_keeps_a_colleague_from_a_share_that_ended_after_acceptance(owner):
    Share.objects.update(status=Share.Status.ENDED)

    assert cpd_record(user=owner).exercises[0].partners == ["Alex Jones"]


def test_record_ignores_a_declined_share(owner):
    Share.objects.update(status=Share.Status.DECLINED)

    assert cpd_record(user=owner).exercises[0].partners == []


def test_time_spent_adds_completed_lessons_and_submitted_exercises(owner):
    record = cpd_record(user=owner)

    lessons = sum(Lesson.objects.order_by("order").values_list("minutes", flat=True)[:2])
    exercises = sum(entry.exercise.minutes for entry in record.exercises)
    assert record.minutes == lessons + exercises


def test_time_spent_reads_as_an_estimate_in_hours_and_minutes():
    record = CpdRecord(None, None, [], [], [], None, None, minutes=125)

    assert record.time_spent == "About 2 hours 5 minutes"


def test_record_holds_the_commitment_and_its_review(owner):
    [item] = cpd_record(user=owner).commitments

    assert (item.text, item.review_outcome) == ("MY-COMMITMENT", "MY-REVIEW")


def test_record_runs_a_fixed_number_of_queries(owner, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        record = cpd_record(user=owner)
    assert [e.partners for e in record.exercises[:3]] == [["Alex Jones"], [], []]
    for number in (2, 3):
        accepted_share(owner, UserFactory(full_name=f"Partner {number}"), number=number)
    answer_everything(UserFactory(), "MORE", versions=3)

    with django_assert_max_num_queries(9):
        record = cpd_record(user=owner)
    assert [e.partners for e in record.exercises[:3]] == [
        ["Alex Jones"],
        ["Partner 2"],
        ["Partner 3"],
    ]
    assert record.exercises[0].individual[0].text == "MINE individual-responsibilities"


def test_pdf_holds_the_headings_and_the_owners_answers_not_the_colleagues(owner):
    text = pdf_text(cpd_record_pdf(cpd_record(user=owner)))

    for heading in (
        "Type of activity",
        "Description and relevance",
        "Dates",
        "Time spent",
        "What I learnt",
        "Impact on my practice",
        "Reflection with a peer",
    ):
        assert heading in text
    assert "MINE anything-surprising" in text
    assert "MINE compare-answers" in text
    assert "MY-COMMITMENT" in text
    assert "MY-REVIEW" in text
    assert "Alex Jones" in text
    assert "THEIRS" not in text
    assert "THEIR-COMMITMENT" not in text


@pytest.mark.parametrize(
    "typed",
    [
        "Emoji 😀🙈 and a flag 🇬🇧",
        "עברית מימין לשמאל and العربية",
        "Control\x00chars\x07 and a tab\tand \u202e override",
        "x" * 3000,
        "中文 and ελληνικά and кириллица",
    ],
)
def test_pdf_is_made_whatever_the_text(owner, typed):
    Answer.objects.filter(response__user=owner).update(text=answer_text_encode(typed))

    data = cpd_record_pdf(cpd_record(user=owner))

    assert data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2


def test_pdf_keeps_accented_and_typographic_text(owner):
    Answer.objects.filter(response__user=owner).update(text="Zoë’s café — “quoted”")

    assert "Zoë’s café — “quoted”" in pdf_text(cpd_record_pdf(cpd_record(user=owner)))


# --- The page and the download -------------------------------------------------------------


def test_page_shows_the_owners_record_and_never_the_colleagues_answers(client, owner):
    client.force_login(owner)

    response = client.get(reverse("reflections:cpd_record"))

    page = response.content.decode()
    assert "MINE anything-surprising" in page
    assert "Alex Jones" in page
    assert "THEIRS" not in page
    assert "THEIR-COMMITMENT" not in page
    assert "no-store" in response["Cache-Control"]


def test_page_escapes_the_practitioners_text(client, owner):
    Answer.objects.filter(response__user=owner).update(text="<script>alert(1)</script>")
    client.force_login(owner)

    page = client.get(reverse("reflections:cpd_record")).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_download_is_an_attachment_that_is_never_stored(client, owner):
    client.force_login(owner)

    response = client.get(reverse("reflections:cpd_record_pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="cpd-record-')
    assert "no-store" in response["Cache-Control"]
    assert "MINE anything-surprising" in pdf_text(response.content)


def test_download_is_audited_with_ids_only(client, owner):
    client.force_login(owner)

    client.get(reverse("reflections:cpd_record_pdf"))

    event = AuditEvent.objects.get(action="account.cpd_record_exported")
    assert (event.actor, event.target_id, event.detail) == (owner, str(owner.pk), {"format": "pdf"})


def test_the_printable_page_is_not_audited_as_an_export(client, owner):
    client.force_login(owner)

    response = client.get(reverse("reflections:cpd_record"))

    assert response.status_code == 200
    assert "MY-COMMITMENT" in response.content.decode()
    assert not AuditEvent.objects.filter(action="account.cpd_record_exported").exists()


@pytest.mark.parametrize("role", ["colleague", "another", "manager", "trainer", "superuser"])
def test_everyone_else_gets_only_their_own_record(client, owner, role, request):
    other = {
        "colleague": lambda: request.getfixturevalue("colleague"),
        "another": lambda: UserFactory(),
        "manager": lambda: request.getfixturevalue("manager"),
        "trainer": lambda: request.getfixturevalue("trainer"),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True, role="administrator"),
    }[role]()
    client.force_login(other)

    page = client.get(reverse("reflections:cpd_record")).content.decode()
    pdf = pdf_text(client.get(reverse("reflections:cpd_record_pdf")).content)

    assert "MINE" not in page
    assert "MY-COMMITMENT" not in page
    assert "MY-REVIEW" not in page
    assert "MINE" not in pdf
    assert "MY-COMMITMENT" not in pdf
    assert html.escape(other.full_name) in page


def test_signed_out_visitors_are_sent_to_sign_in(client, course_content):
    for name in ("cpd_record", "cpd_record_pdf", "data_export", "account_delete"):
        response = client.get(reverse(f"reflections:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["cpd_record", "cpd_record_pdf"])
def test_page_and_download_run_a_fixed_number_of_queries(
    client, owner, name, django_assert_max_num_queries
):
    def shown(response):
        assert response.status_code == 200
        if name == "cpd_record_pdf":
            return pdf_text(response.content)
        return response.content.decode()

    client.force_login(owner)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(f"reflections:{name}"))
    assert "MY-COMMITMENT" in shown(response)
    answer_everything(UserFactory(), "MORE", versions=3)
    accepted_share(owner, UserFactory(full_name="Jo Second"), number=2)

    with django_assert_max_num_queries(14):
        response = client.get(reverse(f"reflections:{name}"))
    assert "Jo Second" in shown(response)
    assert "MORE" not in shown(response)


def test_the_record_says_when_the_course_was_completed_by_the_one_definition(owner, signed_in):
    # Every exercise answered but not submitted, two lessons complete: not yet completed.
    assert cpd_record(user=owner).course_completed_at is None
    page = signed_in.get(reverse("reflections:cpd_record")).content.decode()
    assert '<dt class="col-sm-4">Course completed</dt><dd class="col-sm-8">Not yet</dd>' in page

    done = timezone.now().replace(year=2026, month=3, day=4, hour=12)
    ExerciseResponse.objects.filter(user=owner).update(submitted_at=done)
    LessonProgress.objects.filter(user=owner).delete()
    for lesson in Lesson.objects.all():
        LessonProgress.objects.create(
            user=owner, lesson=lesson, last_viewed_at=done, completed_at=done
        )

    record = cpd_record(user=owner)
    assert record.course_completed_at == done
    page = signed_in.get(reverse("reflections:cpd_record")).content.decode()
    assert 'Course completed</dt><dd class="col-sm-8">4 March 2026</dd>' in page
    assert "Course completed: 4 March 2026." in pdf_text(cpd_record_pdf(record))
