"""The team table as a CSV file for a spreadsheet: UTF-8 with a byte order mark (so
Excel reads the names right), ISO dates, and no cell a spreadsheet would run as a
formula."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime, tzinfo

from django.utils import timezone

# A spreadsheet treats a cell starting with one of these as a formula (or the start of
# one); such a cell is written with a leading apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = [
    "Name",
    "Job role",
    "Lessons completed",
    "Lessons in the course",
    "Exercises submitted",
    "Exercises in the course",
    "Percentage complete",
    "Status",
    "Date started",
    "Last activity",
    "Date completed",
]


def cell_neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _date(moment: datetime | None, zone: tzinfo) -> str:
    """The day of `moment` where the course is (`timezone.localtime`, with the zone
    looked up once for the whole file)."""
    return moment.astimezone(zone).date().isoformat() if moment else ""


def team_csv_text(*, members: Iterable, totals: tuple[int, int], status_labels) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    lessons, exercises = totals
    zone = timezone.get_current_timezone()
    for member in members:
        # The name and job role are the only cells people type; every other cell is a
        # number, a status label or an ISO date, none of which starts like a formula.
        writer.writerow(
            [
                cell_neutralise(member.full_name),
                cell_neutralise(member.job_role),
                member.lessons_completed,
                lessons,
                member.exercises_submitted,
                exercises,
                member.percent_done,
                status_labels[member.completion_status],
                _date(member.started_at, zone),
                _date(member.last_activity, zone),
                _date(member.completed_at, zone),
            ]
        )
    return "\ufeff" + buffer.getvalue()
