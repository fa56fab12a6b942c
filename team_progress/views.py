"""The team managers' pages: every read goes through team_progress.selectors, which
decides who may see what; every page about a team or a person is in the audit trail."""

from datetime import date, datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.access import verified_email_required
from audit.logs import EXPORT, security_event
from audit.services import audit_record
from modules.selectors import course_for_request
from reflections.progress import CompletionStatus, course_totals, percent_complete

from . import selectors, services
from .csv_export import team_csv_text
from .forms import MembersFilterForm, NudgeForm


def manager_page(view):
    """Signed in and verified; GET only; never cached (the pages name people)."""

    @login_required
    @verified_email_required
    @never_cache
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


def _team_or_404(request, team_id):
    try:
        return selectors.team_get(manager=request.user, team_id=team_id)
    except ObjectDoesNotExist:
        audit_record(action="team_progress.refused", actor=request.user, team_id=team_id)
        raise Http404("Not one of your teams.") from None


@manager_page
def dashboard(request):
    context = {
        "summaries": selectors.team_summaries(
            manager=request.user, course=course_for_request(request)
        ),
        "inactive_days": settings.TEAM_INACTIVE_DAYS,
    }
    return render(request, "team_progress/dashboard.html", context)


def _filtered_members(request, team):
    form = MembersFilterForm(request.GET or None)
    filters = form.filters()
    return form, filters, selectors.team_table(team=team, **filters)


@manager_page
def team_detail(request, team_id):
    team = _team_or_404(request, team_id)
    form, filters, table = _filtered_members(request, team)
    page = selectors.team_members_page(
        members=table.members, page_number=request.GET.get("page") or 1
    )
    audit_record(action="team_progress.team_viewed", actor=request.user, target=team)
    lessons, exercises = table.totals
    context = {
        "team": team,
        "form": form,
        "page": page,
        "rows": _with_days(page, team=team),
        "sort": filters["sort"],
        "descending": filters["descending"],
        "filtered": bool(filters["status"] or filters["query"]),
        "lessons_total": lessons,
        "exercises_total": exercises,
        "show_job_role": any(member.job_role for member in page),
        "columns": _sortable_columns(request, filters),
        "any_to_nudge": any(member.may_nudge for member in page),
        "inactive_days": settings.TEAM_INACTIVE_DAYS,
        "nudge_days": settings.NUDGE_INTERVAL_DAYS,
    }
    return render(request, "team_progress/team.html", context)


# Stands for the member's id in their page's address, reversed once for the whole table.
_ANY_MEMBER = 987_654_321_987


def _with_days(members, *, team) -> list[tuple]:
    """Each member of the page with the address of their page and the table's four dates
    as it shows them ("4 Nov 2026", or empty): the address is reversed once and each day
    formatted once, however many rows there are."""
    before, _marker, after = reverse(
        "team_progress:member", args=[team.pk, _ANY_MEMBER]
    ).rpartition(str(_ANY_MEMBER))
    labels: dict[date, str] = {}
    zone = timezone.get_current_timezone()

    def day(moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(zone).date()  # timezone.localtime, the zone read once
        if local not in labels:
            labels[local] = date_format(local, "j M Y")
        return labels[local]

    return [
        (
            member,
            f"{before}{member.pk}{after}",
            day(member.started_at),
            day(member.last_activity),
            day(member.completed_at),
            day(member.last_nudged_at),
        )
        for member in members
    ]


# The member table's sortable columns: (sort key, heading).
COLUMNS = [
    ("name", "Name"),
    ("job_role", "Job role"),
    ("lessons", "Lessons completed"),
    ("exercises", "Exercises submitted"),
    ("percent", "Percentage complete"),
    ("started", "Date started"),
    ("last_activity", "Last activity"),
    ("completed", "Date completed"),
]


def _sortable_columns(request, filters) -> list[dict]:
    """Each column's heading, its aria-sort when the table is sorted by it, and the
    order a link on it asks for (the other way round when it is the sorted column)."""
    columns = []
    for key, label in COLUMNS:
        sorted_here = filters["sort"] == key
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if filters["descending"] else "ascending")
                if sorted_here
                else "",
                "next_order": "asc"
                if sorted_here and filters["descending"]
                else ("desc" if sorted_here else "asc"),
            }
        )
    return columns


@manager_page
def team_csv(request, team_id):
    team = _team_or_404(request, team_id)
    _form, filters, table = _filtered_members(request, team)
    audit_record(
        action="team_progress.csv_downloaded",
        actor=request.user,
        target=team,
        status=filters["status"],
    )
    security_event(EXPORT, kind="team_csv", team_id=team.pk)
    text = team_csv_text(
        members=table.members, totals=table.totals, status_labels=selectors.STATUS_LABELS
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-progress.csv"'
    return response


@manager_page
def member_detail(request, team_id, member_id):
    team = _team_or_404(request, team_id)
    try:
        member = selectors.member_get(manager=request.user, team=team, member_id=member_id)
    except ObjectDoesNotExist:
        audit_record(
            action="team_progress.refused", actor=request.user, team_id=team_id, member_id=member_id
        )
        raise Http404("Not in your team.") from None
    audit_record(
        action="team_progress.member_viewed", actor=request.user, target=member, team_id=team.pk
    )
    lessons, exercises = course_totals()
    context = {
        "team": team,
        "progress": selectors.member_progress(member=member),
        "member": member,
        "status_label": CompletionStatus.LABELS[member.completion_status],
        "percent": percent_complete(
            lessons_completed=member.lessons_completed,
            exercises_submitted=member.exercises_submitted,
            totals=(lessons, exercises),
        ),
        "lessons_total": lessons,
        "exercises_total": exercises,
        "nudge_note": selectors.nudge_note(member),
        "inactive_days": settings.TEAM_INACTIVE_DAYS,
        "nudge_days": settings.NUDGE_INTERVAL_DAYS,
    }
    return render(request, "team_progress/member.html", context)


@login_required
@verified_email_required
@require_POST
def nudge(request, team_id):
    """Send reminders to the people ticked, then back to the page they were ticked on."""
    team = _team_or_404(request, team_id)
    form = NudgeForm(request.POST)
    valid = form.is_valid()
    back = form.back_url(
        team_url=reverse("team_progress:team", args=[team.pk]),
        member_url=lambda member_id: reverse("team_progress:member", args=[team.pk, member_id]),
    )
    if not valid:
        messages.error(request, form.error_text())
        return redirect(back)
    member_ids = form.cleaned_data["member"]
    try:
        result = services.nudges_send(manager=request.user, team=team, member_ids=member_ids)
    except services.NudgeRefused as refused:
        audit_record(
            action="team_progress.refused",
            actor=request.user,
            team_id=team.pk,
            member_ids=refused.member_ids,
        )
        raise Http404("Not in your team.") from None
    _nudge_messages(request, result)
    return redirect(back)


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _nudge_messages(request, result) -> None:
    if result.sent:
        who = result.sent[0].full_name if len(result.sent) == 1 else _people(len(result.sent))
        messages.success(request, f"Reminder sent to {who}.")
    if result.not_due:
        messages.warning(
            request,
            f"No reminder sent to {_people(len(result.not_due))}: someone reminded them in "
            f"the last {settings.NUDGE_INTERVAL_DAYS} days, or they have been active in the "
            "course since the page was shown.",
        )
