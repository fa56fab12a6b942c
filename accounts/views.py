import contextlib

from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.internal import flows
from allauth.account.utils import get_next_redirect_url
from allauth.account.views import SignupView
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.usersessions.internal.flows.sessions import end_other_sessions, end_sessions
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .access import verified_email_required
from .forms import TeamChooseForm
from .ratelimits import rate_limit_consume
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


def not_offered(request):
    """A page allauth has that this course does not offer (see accounts/urls.py)."""
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def session_list(request):
    """Where the person is signed in; a POST signs out every other session."""
    if request.method == "POST":
        end_other_sessions(request, request.user)
        messages.success(request, "Your other sessions are signed out.")
        return redirect("usersessions_list")
    sessions = list(user_session_of(user=request.user))
    current = request.session.session_key
    for session in sessions:
        session.is_this_browser = session.session_key == current
    return render(
        request,
        "usersessions/usersession_list.html",
        {"sessions": sessions, "session_count": len(sessions)},
    )


@login_required
@require_http_methods(["POST"])
def session_end(request, session_id):
    """Sign out one of the person's own sessions (another browser, say)."""
    session = get_object_or_404(user_session_of(user=request.user), pk=session_id)
    end_sessions(request, [session])
    messages.success(request, "That session is signed out.")
    return redirect("usersessions_list")


class RegistrationView(SignupView):
    """allauth's registration, except that it never signs the new person in: the answer
    is the same "check your email" page whether or not the address already had an
    account (whose owner is emailed instead), so registering reveals nothing. Opening
    the link signs them in; until then they may sign in to read the course only."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if form.account_already_exists:
            # Its owner is told (at most once every few minutes, so this form cannot be
            # used to flood them); the person registering sees what anyone would.
            if rate_limit_consume(self.request, action="account_exists_mail", key=email):
                get_adapter(self.request).send_account_already_exists_mail(email)
            get_adapter(self.request).add_message(
                self.request,
                messages.INFO,
                "account/messages/email_confirmation_sent.txt",
                {"email": email},
            )
            self.request.session.cycle_key()
        else:
            self.user = form.save(self.request)
            # The link is sent and the sign-in waits for it; whatever allauth would
            # answer, the answer is the one below.
            with contextlib.suppress(ImmediateHttpResponse):
                flows.signup.complete_signup(
                    self.request,
                    user=self.user,
                    email_verification=EmailVerificationMethod.MANDATORY,
                    # Only a page the person asked for; otherwise the adapter decides.
                    redirect_url=get_next_redirect_url(self.request),
                )
        return redirect("account_email_verification_sent")


registration = RegistrationView.as_view()
