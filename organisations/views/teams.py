"""The organisation's teams: list with member counts, add, rename."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from ..forms import TeamNameForm
from ..selectors import teams_of, teams_with_counts
from ..services import OrganisationAdminError, team_create, team_rename
from . import admin_only, found_or_404


@admin_only
@require_http_methods(["GET", "POST"])
def teams(request):
    form = TeamNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create(admin=request.user, name=form.cleaned_data["name"])
        except OrganisationAdminError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f'Team "{team.name}" added.')
            return redirect("organisation:teams")
    context = {"teams": teams_with_counts(admin=request.user), "form": form}
    status = 400 if form.errors else 200
    return render(request, "organisations/teams.html", context, status=status)


@admin_only
@require_http_methods(["GET", "POST"])
def team_rename_page(request, team_id):
    team = found_or_404(teams_of(admin=request.user).get, pk=team_id)
    form = TeamNameForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        try:
            team = team_rename(admin=request.user, team=team, name=form.cleaned_data["name"])
        except OrganisationAdminError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f'The team is now called "{team.name}".')
            return redirect("organisation:teams")
    status = 400 if form.errors else 200
    context = {"team": team, "form": form}
    return render(request, "organisations/team_rename.html", context, status=status)


urlpatterns = [
    path("teams/", teams, name="teams"),
    path("teams/<int:team_id>/rename/", team_rename_page, name="team_rename"),
]
