"""Inviting one person, and withdrawing an invitation not yet accepted."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import InviteForm
from ..selectors import invitations_of, teams_of
from ..services import OrganisationAdminError, staff_invitation_send, staff_invitation_withdraw
from . import admin_only, found_or_404


@admin_only
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InviteForm(request.POST or None, teams=teams_of(admin=request.user).order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = staff_invitation_send(admin=request.user, **form.cleaned_data)
        except OrganisationAdminError as error:
            form.add_error(None, str(error))
        else:
            # The same words whether or not the address has an account somewhere.
            messages.success(
                request,
                f"Invitation saved. The email to {invitation.email} is queued and will be sent "
                "shortly.",
            )
            return redirect("organisation:members")
    status = 400 if form.errors else 200
    context = {"form": form, "invitation_days": settings.STAFF_INVITATION_DAYS}
    return render(request, "organisations/invite.html", context, status=status)


@admin_only
@require_POST
def invitation_withdraw(request, invitation_id):
    invitation = found_or_404(invitations_of(admin=request.user).unaccepted().get, pk=invitation_id)
    try:
        staff_invitation_withdraw(admin=request.user, invitation=invitation)
    except OrganisationAdminError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("organisation:members")


urlpatterns = [
    path("invite/", invite, name="invite"),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        invitation_withdraw,
        name="invitation_withdraw",
    ),
]
