"""Printing: a lesson as a PDF (Chromium's print to PDF, with the print stylesheet) has
the course's name and the date on its first page, and starts its text there; an address
is not printed twice; an exercise printed from its page leaves room to write."""

import unicodedata
from io import BytesIO

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)

COURSE_TITLE = "Child Sexual Exploitation: awareness, identification, support and prevention"
# A long call-out (Box 5) comes straight after the opening paragraph: kept whole, it
# would go to page two and leave page one nearly blank.
LESSON = "/lessons/tips-for-direct-work/"
REFERENCES = "/lessons/references-and-further-resources/"
AFTER_CONTENT = "el => getComputedStyle(el, '::after').content"


def pdf_pages(page, path):
    page.goto(path)
    reader = PdfReader(BytesIO(page.pdf(format="A4")))
    # NFKC: the PDF's text has ligatures ("ﬁ") where the page has two letters.
    return [
        " ".join(unicodedata.normalize("NFKC", p.extract_text() or "").split())
        for p in reader.pages
    ]


def test_a_printed_lesson_has_the_course_name_and_date_and_no_blank_first_page(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)

    pages = pdf_pages(page, LESSON)

    assert len(pages) > 1
    first = pages[0]
    assert COURSE_TITLE in first
    assert f"Printed on {date_format(timezone.localdate(), 'j F Y')}" in first
    assert "Tips for direct work" in first
    # The first page is filled with the lesson's text, not left half blank by a box
    # pushed to the next page.
    assert len(first.split()) > 250, first
    # Navigation is not printed.
    assert "Skip to main content" not in " ".join(pages)
    assert "Course outline" not in " ".join(pages)


def test_a_link_whose_text_is_its_address_is_printed_once(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(REFERENCES)
    page.emulate_media(media="print")

    address_links = page.locator(".lesson-body a.url-text")
    named_links = page.locator(".lesson-body a[href^=http]:not(.url-text)")

    assert address_links.count() > 0
    assert address_links.first.evaluate(AFTER_CONTENT) in ("none", "normal")
    if named_links.count():
        assert named_links.first.evaluate(AFTER_CONTENT).startswith('" ("')


def test_an_exercise_printed_from_its_page_leaves_room_to_write(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    page.goto("/reflections/exercises/1/")
    page.emulate_media(media="print")

    boxes = page.locator("textarea.answer-text")
    assert boxes.count() > 0
    for box in boxes.all():
        # 9 cm is about 340 CSS pixels.
        assert box.bounding_box()["height"] >= 330
    assert page.get_by_role("button").filter(visible=True).count() == 0
    assert page.locator(".print-header").is_visible()
