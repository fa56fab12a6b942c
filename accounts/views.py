from allauth.usersessions.internal.flows.sessions import end_sessions
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .access import verified_email_required
from .forms import TeamChooseForm
from .selectors import user_session_of
from .services import TeamChoiceError, team_choose


@login_required
@verified_email_required
@require_http_methods(["GET", "POST"])
def team_choose_page(request):
    """A new member of an organisation picks their team from its teams."""
    user = request.user
    if user.organisation_id is None or user.team_id is not None:
        return redirect("modules:home")
    form = TeamChooseForm(request.POST or None, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            team_choose(user=user, team=form.cleaned_data["team"])
        except TeamChoiceError as error:
            form.add_error("team", str(error))
        else:
            messages.success(request, f"You are in {form.cleaned_data['team'].name}.")
            return redirect("modules:home")
    status = 400 if form.errors else 200
    return render(
        request,
        "account/team_choose.html",
        {"form": form, "organisation": user.organisation},
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def overview(request):
    return render(request, "account/overview.html")


@login_required
@require_http_methods(["POST"])
def session_end(request, session_id):
    """Sign out one of the person's own sessions (another browser, say)."""
    session = get_object_or_404(user_session_of(user=request.user), pk=session_id)
    end_sessions(request, [session])
    messages.success(request, "That session is signed out.")
    return redirect("usersessions_list")
