"""The CPD record PDF sets its headings in Noto Sans Bold: the variable font's real bold
weight, embedded as a font of its own, not the regular outlines drawn thicker."""

import io

import pytest
from pypdf import PdfReader

from reflections.pdf import cpd_record_pdf
from reflections.selectors.records import cpd_record

pytestmark = pytest.mark.django_db


def embedded_fonts(data):
    """{base font name: embedded font file bytes} over every page."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            file = descriptor.get_object()["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"]).split("+", 1)[-1]] = file
    return fonts


def test_headings_use_the_bold_weight_embedded_as_a_separate_font(course_content, practitioner):
    data = cpd_record_pdf(cpd_record(user=practitioner))

    fonts = embedded_fonts(data)
    assert set(fonts) == {"NotoSans", "NotoSansBold"}
    assert fonts["NotoSansBold"] != fonts["NotoSans"]


def test_no_text_is_drawn_as_an_outline(course_content, practitioner):
    data = cpd_record_pdf(cpd_record(user=practitioner))

    for page in PdfReader(io.BytesIO(data)).pages:
        assert b" 2 Tr" not in page.get_contents().get_data()  # fill-and-stroke text mode
