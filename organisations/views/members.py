"""The members list, and one member's page: team, managed teams, role, deactivation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms import ManagedTeamsForm, MemberRoleForm, MembersFilterForm, MemberTeamForm
from ..selectors import (
    inactive_cutoff,
    member_get,
    member_is_platform_person,
    members_page,
    teams_of,
)
from ..services import (
    OrganisationAdminError,
    member_deactivate,
    member_managed_teams_set,
    member_reactivate,
    member_role_set,
    member_team_set,
)
from . import admin_only, found_or_404


@admin_only
@require_GET
def members(request):
    teams = teams_of(admin=request.user).order_by("name")
    form = MembersFilterForm(request.GET or None, teams=teams)
    filters = form.filters() if form.is_bound else {}
    page, rows = members_page(
        admin=request.user, **filters, page_number=request.GET.get("page") or 1
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": any(filters.values()),
        "inactive_days": settings.ACCOUNT_INACTIVE_FLAG_DAYS,
    }
    return render(request, "organisations/members.html", context)


def _person(request, person_id):
    return found_or_404(member_get, admin=request.user, person_id=person_id)


def _person_page(request, person, *, forms=None, error=None, status=200):
    teams = teams_of(admin=request.user).order_by("name")
    managed = [
        team
        for team in person.managed_teams.all()
        if team.organisation_id == person.organisation_id
    ]
    forms = forms or {}
    context = {
        "person": person,
        "platform_person": member_is_platform_person(person=person),
        "inactive": (person.last_login or person.date_joined) < inactive_cutoff(),
        "inactive_days": settings.ACCOUNT_INACTIVE_FLAG_DAYS,
        "is_self": person.pk == request.user.pk,
        "managed_teams": managed,
        "team_form": forms.get("team")
        or MemberTeamForm(initial={"team": person.team}, teams=teams),
        "managed_form": forms.get("managed")
        or ManagedTeamsForm(initial={"teams": managed}, teams=teams),
        "role_form": forms.get("role") or MemberRoleForm(initial={"role": person.role}),
        "error": error,
    }
    return render(request, "organisations/person.html", context, status=status)


@admin_only
@require_GET
def person(request, person_id):
    return _person_page(request, _person(request, person_id))


def _person_change(request, person_id, *, key, form, change, done):
    """Apply one form's change to a member: back to their page with a message, or the
    page again with what went wrong (400)."""
    person = _person(request, person_id)
    if form.is_valid():
        try:
            change(person, form.cleaned_data)
        except OrganisationAdminError as error:
            return _person_page(request, person, error=str(error), status=400)
        messages.success(request, done(person))
        return redirect("organisation:person", person_id=person.pk)
    return _person_page(request, person, forms={key: form}, status=400)


@admin_only
@require_POST
def person_team(request, person_id):
    form = MemberTeamForm(request.POST, teams=teams_of(admin=request.user))
    return _person_change(
        request,
        person_id,
        key="team",
        form=form,
        change=lambda person, data: member_team_set(
            admin=request.user, person=person, team=data["team"]
        ),
        done=lambda person: f"{person.full_name}'s team is changed.",
    )


@admin_only
@require_POST
def person_managed_teams(request, person_id):
    form = ManagedTeamsForm(request.POST, teams=teams_of(admin=request.user))
    return _person_change(
        request,
        person_id,
        key="managed",
        form=form,
        change=lambda person, data: member_managed_teams_set(
            admin=request.user, person=person, teams=data["teams"]
        ),
        done=lambda person: f"The teams {person.full_name} manages are changed.",
    )


@admin_only
@require_POST
def person_role(request, person_id):
    return _person_change(
        request,
        person_id,
        key="role",
        form=MemberRoleForm(request.POST),
        change=lambda person, data: member_role_set(
            admin=request.user, person=person, role=data["role"]
        ),
        done=lambda person: f"{person.full_name}'s role is changed.",
    )


@admin_only
@require_http_methods(["GET", "POST"])
def person_deactivate(request, person_id):
    """A page that says what deactivating does; its button deactivates."""
    person = _person(request, person_id)
    error = None
    if request.method == "POST":
        try:
            member_deactivate(admin=request.user, person=person)
        except OrganisationAdminError as error_raised:
            error = str(error_raised)
        else:
            return _deactivated(request, person)
    context = {"person": person, "error": error, "is_self": person.pk == request.user.pk}
    status = 400 if error else 200
    return render(request, "organisations/person_deactivate.html", context, status=status)


def _deactivated(request, person):
    if person.pk == request.user.pk:
        # Their own session is gone from the store: end it here too, so this response
        # does not try to save it.
        logout(request)
        messages.success(request, "Your account is deactivated and signed out everywhere.")
        return redirect("account_login")
    messages.success(request, f"{person.full_name} is deactivated and signed out everywhere.")
    return redirect("organisation:person", person_id=person.pk)


@admin_only
@require_POST
def person_reactivate(request, person_id):
    person = _person(request, person_id)
    try:
        member_reactivate(admin=request.user, person=person)
    except OrganisationAdminError as error:
        return _person_page(request, person, error=str(error), status=400)
    messages.success(request, f"{person.full_name} can sign in again.")
    return redirect(reverse("organisation:person", kwargs={"person_id": person.pk}))


urlpatterns = [
    path("", members, name="members"),
    path("people/<int:person_id>/", person, name="person"),
    path("people/<int:person_id>/team/", person_team, name="person_team"),
    path(
        "people/<int:person_id>/managed-teams/", person_managed_teams, name="person_managed_teams"
    ),
    path("people/<int:person_id>/role/", person_role, name="person_role"),
    path("people/<int:person_id>/deactivate/", person_deactivate, name="person_deactivate"),
    path("people/<int:person_id>/reactivate/", person_reactivate, name="person_reactivate"),
]
