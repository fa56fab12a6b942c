"""The CPD record and the certificate as PDFs, each drawn from what its printable page
shows (`CpdRecord`; the `Certificate` and the course).

Text is set in Noto Sans, which comes from PyPI (the `fontpkg-noto-sans` package), so
no system fonts are needed. Its file is a variable font: headings use its real bold
weight (the `wght` axis at 700), embedded as a font of its own. Where the system has
DejaVu Sans it is added as a fallback for scripts Noto Sans lacks (Hebrew, Arabic...).
A character no font has is printed as U+FFFD, so any text at all (emoji, right-to-left,
control characters) makes a PDF.
"""

import functools
import logging
import re
import tempfile
import unicodedata
from pathlib import Path

from django.utils import timezone
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from modules.formats import day_in_words, minutes_in_words

try:
    import fontpkg_noto_sans
except ImportError:  # pragma: no cover - it is in requirements/base.txt
    fontpkg_noto_sans = None

logger = logging.getLogger(__name__)

FAMILY = "body"
FALLBACK_FAMILY = "fallback"
BOLD = "B"
BOLD_WEIGHT = 700  # Noto Sans Bold, on the variable font's `wght` axis
# What bold headings may hold: Latin, punctuation, currency. Anything else in a heading
# is drawn from the regular weight (see `set_fallback_fonts` below).
BOLD_CHARACTERS = "".join(
    chr(code)
    for start, end in ((0x20, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0xFFFD, 0xFFFD))
    for code in range(start, end + 1)
)
REPLACEMENT = "\ufffd"
SYSTEM_FALLBACKS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def _packaged_font():
    if fontpkg_noto_sans is None:  # pragma: no cover
        return None
    path = fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf"
    return path if path.exists() else None


@functools.cache
def _font_files():
    """(main font, fallback font or None): paths, or (None, None) for the built-in font."""
    system = next((path for path in SYSTEM_FALLBACKS if path.exists()), None)
    main = _packaged_font()
    if main is None:
        logger.warning("Noto Sans is not installed; the CPD record PDF uses another font")
        return system, None
    return main, system


@functools.cache
def _bold_font_file(variable_font: Path) -> Path:
    """The variable font at its bold weight, as a static font file of its own.

    What `add_font(..., variations={"wght": 700})` does, done once per process and for
    the characters of BOLD_CHARACTERS only: instancing the whole font takes many
    seconds, and fpdf2 would redo it for every PDF.
    """
    font = TTFont(variable_font)
    options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=BOLD_CHARACTERS)
    subsetter.subset(font)
    instancer.instantiateVariableFont(
        font, {"wght": BOLD_WEIGHT}, inplace=True, static=True, updateFontNames=True
    )
    path = Path(tempfile.mkdtemp(prefix="cpd-record-font-")) / "NotoSans-Bold.ttf"
    font.save(path)
    return path


def _bold_font(main: Path) -> Path:
    path = _bold_font_file(main)
    if not path.exists():  # the temporary directory was cleaned up meanwhile
        _bold_font_file.cache_clear()
        path = _bold_font_file(main)
    return path


class RecordPDF(FPDF):
    def __init__(self, *, footer_text):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.covered = None  # code points the loaded fonts can draw; None: Latin-1 only
        main, fallback = _font_files()
        if main is None:
            self.family = "helvetica"
            return
        self.family = FAMILY
        self.add_font(FAMILY, fname=str(main))
        if main == _packaged_font():
            self.add_font(FAMILY, BOLD, fname=str(_bold_font(main)))
        else:  # a static system font: its regular file stands in for bold
            self.add_font(FAMILY, BOLD, fname=str(main))
        self.covered = set(self.fonts[FAMILY].cmap)
        fallbacks = [FAMILY]
        if fallback is not None:
            self.add_font(FALLBACK_FAMILY, fname=str(fallback))
            self.covered |= set(self.fonts[FALLBACK_FAMILY].cmap)
            fallbacks.append(FALLBACK_FAMILY)
        # A character the bold font lacks comes from the regular weight, then from the
        # fallback font; in regular text, from the fallback font.
        self.set_fallback_fonts(fallbacks, exact_match=False)

    def clean(self, text):
        """`text` made safe to draw: every character is one some loaded font has."""
        text = unicodedata.normalize("NFC", str(text or ""))
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        text = _CONTROL.sub("", text)
        if self.covered is None:
            return text.encode("latin-1", "replace").decode("latin-1")
        return "".join(c if c == "\n" or ord(c) in self.covered else REPLACEMENT for c in text)

    def footer(self):
        self.set_y(-13)
        self.set_font(self.family, size=8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 4, self.clean(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    # Drawing helpers ---------------------------------------------------------------

    def heading(self, text, size=14):
        if self.will_page_break(size + 12):
            self.add_page()
        self.ln(3)
        self.set_font(self.family, BOLD, size=size)
        self.multi_cell(
            0, size * 0.5, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)

    def para(self, text, size=10.5, muted=False):
        self.set_font(self.family, size=size)
        if muted:
            self.set_text_color(70, 70, 70)
        self.multi_cell(
            0, size * 0.5, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_text_color(0, 0, 0)
        self.ln(1.5)

    def centred(self, text, size=11, bold=False, muted=False):
        self.set_font(self.family, BOLD if bold else "", size=size)
        if muted:
            self.set_text_color(70, 70, 70)
        self.multi_cell(
            0, size * 0.55, self.clean(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_text_color(0, 0, 0)
        self.ln(size * 0.35)

    def field(self, label, value):
        self.para(label, size=9.5, muted=True)
        self.para(value or "Not answered.")


def _date(moment):
    return day_in_words(moment) if moment else "None yet"


def _day(day):
    return day_in_words(day) if day else ""


def cpd_record_pdf(record) -> bytes:
    """The PDF of `record` (a `reflections.cpd.CpdRecord`)."""
    pdf = RecordPDF(footer_text=f"CPD record of {record.user.full_name}")
    pdf.set_title(f"CPD record: {record.course_title}")
    pdf.set_author(pdf.clean(record.user.full_name))
    pdf.add_page()
    _title(pdf, record)
    _activity(pdf, record)
    _learning(pdf, record)
    _impact(pdf, record)
    _peer(pdf, record)
    return bytes(pdf.output())


def _title(pdf, record):
    pdf.heading("Continuing professional development record", size=18)
    pdf.para(record.course_title, size=12)
    user = record.user
    who = ", ".join(
        part
        for part in (
            user.full_name,
            user.job_role,
            user.organisation.name if user.organisation_id else "",
        )
        if part
    )
    pdf.para(f"{who}. Made on {day_in_words(timezone.localdate())}.", muted=True)


def _activity(pdf, record):
    pdf.heading("Type of activity")
    pdf.para(record.activity_type)
    pdf.heading("Description and relevance")
    pdf.para(record.description)
    if getattr(record.course, "source_citation", ""):
        pdf.para(f"Adapted from: {record.course.source_citation}", size=9.5, muted=True)
    lessons = record.completed_lessons
    pdf.para(f"Lessons completed ({len(lessons)}):", size=10.5)
    for lesson in lessons:
        pdf.para(f"•  {lesson.title} ({lesson.minutes} minutes)", size=10)
    pdf.heading("Dates")
    pdf.para(
        "Course completed: "
        + (_date(record.course_completed_at) if record.course_completed_at else "not yet")
        + ". "
        f"First activity: {_date(record.first_activity)}. "
        f"Last activity: {_date(record.last_activity)}."
    )
    pdf.heading("Time spent")
    pdf.para(
        f"{record.time_spent}. This is an estimate: the reading time of the lessons completed "
        "and the suggested time of the exercises submitted."
    )


def _learning(pdf, record):
    pdf.heading("What I learnt")
    pdf.para("My own answers to the course's reflective exercises.", muted=True)
    for entry in record.exercises:
        pdf.heading(f"Reflective exercise {entry.exercise.number}: {entry.exercise.title}", 12)
        for answer in entry.individual:
            if answer.question.kind == "commitment":
                continue
            pdf.field(answer.question.text_markdown, answer.text)


def _impact(pdf, record):
    pdf.heading("Impact on my practice")
    if not record.commitments:
        pdf.para("No commitment recorded yet (reflective exercise 4).")
    for commitment in record.commitments:
        pdf.field("What I will do", commitment.text)
        pdf.para(
            f"By {_day(commitment.due_on)}. Review of my progress: {_day(commitment.review_on)}."
        )
        if commitment.reviewed_at:
            pdf.field(
                f"How it went (reviewed {_date(commitment.reviewed_at)})", commitment.review_outcome
            )
        else:
            pdf.para("Not reviewed yet.", muted=True)


def _peer(pdf, record):
    pdf.heading("Reflection with a peer")
    entries = record.peer_exercises
    if not entries:
        pdf.para("No exercise discussed with a colleague yet.")
    for entry in entries:
        pdf.heading(f"Reflective exercise {entry.exercise.number}: {entry.exercise.title}", 12)
        names = ", ".join(entry.partners) if entry.partners else "No colleague recorded"
        pdf.para(f"Discussed with: {names}.")
        for answer in entry.pair:
            pdf.field(answer.question.text_markdown, answer.text)


def certificate_pdf(*, certificate, course_title, source_citation, verify_url) -> bytes:
    """The PDF of `certificate` (a `reflections.models.Certificate`): what its printable
    page shows, with the address where anyone can check its code."""
    name = certificate.user.full_name
    pdf = RecordPDF(footer_text=f"Certificate {certificate.code_grouped}")
    pdf.set_title(f"Certificate of completion: {course_title}")
    pdf.set_author(pdf.clean(name))
    pdf.add_page()
    pdf.ln(20)
    pdf.centred("Certificate of completion", size=26, bold=True)
    pdf.ln(6)
    pdf.centred("This is to certify that", size=12, muted=True)
    pdf.centred(name, size=22, bold=True)
    pdf.centred("has completed the course", size=12, muted=True)
    pdf.centred(course_title, size=16, bold=True)
    if source_citation:
        pdf.centred(f"Adapted from: {source_citation}", size=9.5, muted=True)
    pdf.ln(6)
    pdf.centred(f"Completed on {day_in_words(certificate.completed_on)}", size=12)
    pdf.centred(f"CPD time: about {minutes_in_words(certificate.cpd_minutes)}", size=12)
    pdf.ln(14)
    pdf.centred("Verification code", size=10, muted=True)
    pdf.centred(certificate.code_grouped, size=18, bold=True)
    pdf.centred(f"Check this certificate at {verify_url}", size=10, muted=True)
    return bytes(pdf.output())
