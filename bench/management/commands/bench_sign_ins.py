"""Sign in the benchmark's people and say what to request (bench/run reads the files).

Writes into --out:
- practitioners.tsv and managers.tsv: one line per load-generator connection, each its
  own session: user id, Cookie header, CSRF token, and (practitioners) the version of
  the answer the autosave target saves, which the next save must be based on;
- check.tsv: one more practitioner, for the one-request checks before the load (so they
  never change a version a connection relies on);
- targets.tsv: name, who (practitioner or manager), method, path, and a string the reply
  must contain;
- floor_bytes: the size of the longest lesson page, which the floor's body copies.

With --refresh-versions only the version column of practitioners.tsv and check.tsv is
read again from the database (bench/run does this before each autosave run).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from bench.seed import (
    MANAGER_EMAIL,
    answer_version_prepare,
    practitioners_for_load,
    sign_in_create,
)
from bench.urls import FLOOR_MARKER
from modules.models import Exercise, Lesson, Question
from reflections.models import Answer

# The exercise page and the autosave: exercise 1 is done in pairs, so its page also
# looks up the practitioner's colleague; the autosave saves its first individual answer.
EXERCISE_NUMBER = 1
STATIC_FILE = "css/course.css"


def _write(path: Path, rows) -> None:
    """Tab-separated, unquoted (no field holds a tab or a line break)."""
    path.write_text("".join("\t".join(str(cell) for cell in row) + "\n" for row in rows))


def _autosave_question() -> Question:
    return (
        Question.objects.current()
        .filter(exercise__number=EXERCISE_NUMBER, stage=Question.Stage.INDIVIDUAL)
        .select_related("exercise")
        .order_by("order")
        .first()
    )


class Command(BaseCommand):
    help = "Sign in the benchmark's people; write the sessions and targets for bench/run."

    def add_arguments(self, parser):
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--refresh-versions", action="store_true")

    def handle(self, *args, connections, out, refresh_versions, **options):
        question = _autosave_question()
        if refresh_versions:
            for name in ("practitioners.tsv", "check.tsv"):
                self._refresh_versions(out / name, question)
            return
        out.mkdir(parents=True, exist_ok=True)
        people = practitioners_for_load(connections + 1)
        rows = []
        for person in people:
            sign_in = sign_in_create(person)
            version = answer_version_prepare(person, question)
            rows.append([person.pk, sign_in.cookie, sign_in.csrf_token, version])
        _write(out / "practitioners.tsv", rows[:-1])
        _write(out / "check.tsv", rows[-1:])
        manager = User.objects.get(email=MANAGER_EMAIL)
        managers = []
        for _ in range(connections):
            sign_in = sign_in_create(manager, second_factor=True)
            managers.append([manager.pk, sign_in.cookie, sign_in.csrf_token, 0])
        _write(out / "managers.tsv", managers)
        longest = max(Lesson.objects.all(), key=lambda lesson: len(lesson.body_html))
        _write(out / "targets.tsv", self._targets(manager, question, longest))
        (out / "floor_bytes").write_text(str(self._page_bytes(people[-1], longest)))
        self.stdout.write(f"Signed in {connections} practitioners and {connections} managers.")

    def _page_bytes(self, person: User, lesson: Lesson) -> int:
        """The size of `lesson`'s page as `person` sees it: the floor's body is made as
        large (bench/urls.py)."""
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.force_login(person)
        response = client.get(lesson.get_absolute_url())
        if response.status_code != 200:
            raise CommandError(f"The longest lesson answered {response.status_code}.")
        return len(response.content)

    def _targets(self, manager, question, longest):
        exercise = Exercise.objects.get(number=EXERCISE_NUMBER)
        team = manager.managed_teams.get()
        autosave = reverse(
            "reflections:autosave", kwargs={"number": EXERCISE_NUMBER, "key": question.key}
        )
        return [
            ["floor", "practitioner", "GET", reverse("benchmark_floor"), FLOOR_MARKER],
            ["static file", "practitioner", "GET", static(STATIC_FILE), "{"],
            ["course home", "practitioner", "GET", reverse("modules:home"), "Course home"],
            [
                "longest lesson",
                "practitioner",
                "GET",
                longest.get_absolute_url(),
                escape(longest.title),
            ],
            [
                "exercise page",
                "practitioner",
                "GET",
                reverse("reflections:exercise", kwargs={"number": EXERCISE_NUMBER}),
                escape(exercise.title),
            ],
            ["autosave", "practitioner", "POST", autosave, '"status": "saved"'],
            [
                "manager dashboard",
                "manager",
                "GET",
                reverse("team_progress:dashboard"),
                escape(team.name),
            ],
            [
                "team page (500)",
                "manager",
                "GET",
                reverse("team_progress:team", kwargs={"team_id": team.pk}),
                escape(team.name),
            ],
            [
                "team CSV (500)",
                "manager",
                "GET",
                reverse("team_progress:team_csv", kwargs={"team_id": team.pk}),
                "Percentage complete",
            ],
        ]

    def _refresh_versions(self, path: Path, question: Question) -> None:
        rows = [line.split("\t") for line in path.read_text().splitlines()]
        versions = dict(
            Answer.objects.filter(
                question=question, response__user_id__in=[row[0] for row in rows]
            ).values_list("response__user_id", "version")
        )
        for row in rows:
            row[3] = versions.get(int(row[0]), 0)
        _write(path, rows)
