"""The hostile payloads (tests/security/xss_payloads.py) planted all at once in a lesson,
an exercise, a practitioner's answers and name, and their team's and organisation's
names, then read in Chromium by the practitioner, their partner, their manager and a
trainer (the editor's live preview included).

Every payload, if it ran, would open a dialog (`alert(1)`) or set `window.__xss`; the
page would also report a Content-Security-Policy violation for any inline handler or
script it blocked. A page passes only with no dialog, no canary and no violation.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from modules.models import Exercise, Question
from modules.rendering import MarkdownContentError, render_markdown
from reflections.models import ExerciseResponse, Share
from tests.factories import (
    ExerciseFactory,
    LessonFactory,
    OrganisationFactory,
    QuestionFactory,
    TeamFactory,
    UserFactory,
    second_factor_for,
)
from tests.reflections.factories import ShareFactory
from tests.security.xss_payloads import PAYLOADS, STORABLE

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every CSP violation the page reports, from before its first script runs.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}: ${event.sample}`
  );
});
"""


def _accepted(texts):
    """As many of `texts` as one lesson can hold together: a few are refused (alone, or
    after an unclosed element earlier in the lesson) because they would lose words."""
    kept = []
    for text in texts:
        try:
            render_markdown("Opening.\n\n" + "\n\n".join([*kept, text]) + "\n\nClosing.")
        except MarkdownContentError:
            continue
        kept.append(text)
    return kept


@pytest.fixture
def planted(db):
    organisation = OrganisationFactory(name=PAYLOADS["img onerror"], slug="hostile")
    team = TeamFactory(organisation=organisation, name=PAYLOADS["svg onload"])
    practitioner = UserFactory(
        team=team, full_name=PAYLOADS["attribute breakout double"], job_role=PAYLOADS["script"]
    )
    colleague = UserFactory(team=team, full_name=PAYLOADS["details ontoggle"])
    manager = UserFactory(team=team, full_name="Priya Shah", role="team_manager")
    team.managers.add(manager)
    trainer = UserFactory(team=team, full_name="Morgan Lee", role="trainer")
    for user in (manager, trainer):
        second_factor_for(user)

    markdown = _accepted(STORABLE.values())
    body = "Opening.\n\n" + "\n\n".join(markdown) + "\n\nClosing."
    lesson = LessonFactory(slug="hostile", title="Hostile", body_markdown=body)
    exercise = ExerciseFactory(
        number=1, lesson=lesson, intro_markdown=markdown[0], pairing=Exercise.Pairing.PAIR
    )
    answers = list(PAYLOADS.values())
    for order in range(1, len(answers) + 1):
        QuestionFactory(
            exercise=exercise,
            key=f"q{order}",
            order=order,
            text_markdown=markdown[order % len(markdown)],
            stage=Question.Stage.INDIVIDUAL,
        )
    now = timezone.now()
    for user, texts in ((practitioner, answers), (colleague, answers[::-1])):
        response = ExerciseResponse.objects.create(user=user, exercise=exercise, submitted_at=now)
        for question, text in zip(exercise.questions.order_by("order"), texts, strict=True):
            response.answers.create(question=question, text=text)
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    return {
        "practitioner": practitioner, "colleague": colleague, "manager": manager,
        "trainer": trainer, "team": team, "lesson": lesson, "exercise": exercise,
        "share": share, "markdown": markdown,
    }  # fmt: skip


def _watched_page(new_context, user):
    context = new_context(user)
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page, dialogs


def _visit(page, path, findings):
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, (path, response.status)
    page.wait_for_load_state("load")
    # Focus and hover run handlers a payload might hang on the page: give them a moment.
    page.mouse.move(200, 300)
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    _collect(page, path, findings)


def _collect(page, where, findings):
    if page.evaluate("() => window.__xss !== undefined"):
        findings.append(f"{where}: window.__xss was set")
    findings.extend(f"{where}: {v}" for v in page.evaluate("() => window.__violations"))


def test_no_payload_runs_for_anyone_who_reads_it(planted, new_context):
    findings, all_dialogs = [], []
    exercise, lesson = planted["exercise"], planted["lesson"]
    visits = {
        "practitioner": [
            f"/lessons/{lesson.slug}/",
            f"/reflections/exercises/{exercise.number}/",
            "/reflections/",
            f"/reflections/exercises/{exercise.number}/answers/q1/history/",
        ],
        "colleague": [f"/reflections/shares/{planted['share'].pk}/"],
        "manager": [
            f"/team-progress/teams/{planted['team'].pk}/",
            f"/team-progress/teams/{planted['team'].pk}/members/{planted['practitioner'].pk}/",
        ],
    }
    for role, paths in visits.items():
        page, dialogs = _watched_page(new_context, planted[role])
        for path in paths:
            _visit(page, path, findings)
        all_dialogs += dialogs

    # The colleague search draws the names the server sends into a list as you type.
    other = ExerciseFactory(number=2, lesson=lesson, pairing=Exercise.Pairing.PAIR)
    QuestionFactory(exercise=other, key="first", order=1)
    for n, text in enumerate(list(PAYLOADS.values())[:20]):
        UserFactory(team=planted["team"], full_name=f"Ann {text}", email=f"ann{n}@example.org")
    page, dialogs = _watched_page(new_context, planted["colleague"])
    _visit(page, f"/reflections/exercises/{other.number}/share/", findings)
    page.get_by_role("combobox", name="Colleague's name").press_sequentially("Ann", delay=50)
    expect(page.get_by_role("option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    _collect(page, "the colleague search", findings)
    all_dialogs += dialogs

    # The trainer's editor draws its live preview from the server's sanitised HTML.
    page, dialogs = _watched_page(new_context, planted["trainer"])
    _visit(page, f"/course-editing/lessons/{lesson.slug}/edit/", findings)
    editor = page.get_by_label("Lesson text (Markdown)")
    editor.fill("Preview.\n\n" + "\n\n".join(planted["markdown"]) + "\n\nEnd of preview.")
    expect(page.locator(".markdownx-preview").get_by_text("End of preview.")).to_be_visible()
    page.wait_for_timeout(300)
    _collect(page, "the editor's preview", findings)
    all_dialogs += dialogs

    assert all_dialogs == []
    assert findings == []
