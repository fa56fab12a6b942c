"""The end of the course in a real browser: the last lesson leads to the course-completed
page, the certificate prints and downloads, and its code checks out on the public verify
page (found, not found, revoked). Every page has no axe-core violations."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from modules.models import Lesson
from reflections.models import Certificate
from reflections.services.certificates import certificate_revoke
from tests.reflections.factories import CertificateFactory
from tests.reflections.records_data import answer_everything, complete_lessons

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def almost_done(course_content, practitioner):
    """Every exercise submitted and every lesson but the last complete."""
    answer_everything(practitioner, "MINE")
    complete_lessons(practitioner, Lesson.objects.count() - 1)
    return practitioner


def test_the_last_lesson_leads_to_the_completed_page_and_a_certificate_that_verifies(
    almost_done, new_page, new_context, assert_accessible
):
    page = new_page(almost_done)
    last = Lesson.objects.order_by("-order").first()
    page.goto(last.get_absolute_url())
    page.get_by_role("button", name="Mark complete and continue").click()

    expect(page).to_have_url("/reflections/completed/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have completed the course")
    expect(page.get_by_text("Reflective exercises submitted")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Your certificate of completion").click()
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    expect(page.locator(".certificate").get_by_text("Sam Patel", exact=True)).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text().split())
    code = Certificate.objects.get(user=almost_done).code_grouped
    assert code in text
    assert "Sam Patel" in text

    page.goto("/")
    expect(page.get_by_text("Completed on")).to_be_visible()

    # Someone else, not signed in, types the code from the paper.
    public = new_context().new_page()
    public.goto("/verify/")
    assert_accessible(public)
    public.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    public.get_by_role("button", name="Check the code").click()
    expect(public.get_by_role("heading", name="Certificate found")).to_be_visible()
    expect(public.get_by_text("Sam Patel")).to_be_visible()
    assert_accessible(public)


def test_the_verify_page_not_found_revoked_and_mistyped_are_accessible(
    practitioner, administrator, new_page, assert_accessible
):
    certificate = CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")
    certificate_revoke(certificate=certificate, actor=administrator)
    page = new_page()

    page.goto("/verify/ZZZZZZZZZZZZZZZZ/")
    expect(page.get_by_role("heading", name="Certificate not found")).to_be_visible()
    assert_accessible(page)

    page.goto("/verify/K7QF-9M2X-PD4R-8T3H/")
    expect(page.get_by_role("heading", name="Certificate revoked")).to_be_visible()
    expect(page.get_by_text("Sam Patel")).to_be_visible()
    assert_accessible(page)

    page.goto("/verify/?code=" + "A" * 41)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
