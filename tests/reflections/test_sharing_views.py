import html
import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse

from accounts.models import OrganisationDomain, User
from audit.models import AuditEvent
from modules.models import Exercise
from reflections.models import Share
from reflections.selectors.sharing import share_invitations_for
from tests.factories import ExerciseFactory, QuestionFactory, UserFactory
from tests.reflections.conftest import write
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db


def revealed_share(owner, colleague, exercise):
    share = ShareFactory(
        owner=owner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    write(owner, exercise, "OWNER-TEXT")
    write(colleague, exercise, "COLLEAGUE-TEXT")
    return share


def share_start_url(exercise):
    return reverse("reflections:share_start", args=[exercise.number])


def exercise_url(exercise):
    return reverse("reflections:exercise", args=[exercise.number])


# --- Choosing a colleague ---------------------------------------------------------------


def test_share_page_lists_matching_colleagues_to_pick_without_javascript(
    signed_in, colleague, exercise
):
    UserFactory(full_name="Alex Elsewhere")

    page = signed_in.get(share_start_url(exercise), {"q": "alex"}).content.decode()

    assert 'type="radio" name="colleague"' in page
    assert "Alex Jones, Children in Care" in page
    assert "Alex Elsewhere" not in page
    assert "alex@example.org" not in page


def test_share_page_says_when_no_colleague_matches(signed_in, exercise):
    page = signed_in.get(share_start_url(exercise), {"q": "Nobody"}).content.decode()

    assert "No one in your organisation has a name matching “Nobody”" in page


def test_share_page_of_a_solo_exercise_is_not_found(signed_in):
    solo = ExerciseFactory(pairing=Exercise.Pairing.SOLO)

    assert signed_in.get(share_start_url(solo)).status_code == 404


def test_picking_a_colleague_invites_them_and_emails_a_link(
    signed_in, practitioner, colleague, exercise, settings
):
    settings.SITE_URL = "https://course.example.org"
    write(practitioner, exercise, "MY-PRIVATE-THOUGHTS", submitted=False)

    response = signed_in.post(share_start_url(exercise), {"colleague": colleague.pk})

    assert response.status_code == 302
    assert response.url == exercise_url(exercise)
    share = Share.objects.get(owner=practitioner, colleague=colleague, exercise=exercise)
    [email] = mail.outbox
    assert f"https://course.example.org/reflections/invitations/{share.token}/" in email.body
    assert "MY-PRIVATE-THOUGHTS" not in email.body + email.subject


def test_picking_someone_outside_the_organisation_is_refused(signed_in, exercise):
    outsider = UserFactory()

    response = signed_in.post(share_start_url(exercise), {"colleague": outsider.pk})

    assert response.status_code == 400
    assert "Choose a colleague from your organisation." in response.content.decode()
    assert not Share.objects.exists()


def test_a_refused_share_explains_why_on_the_page(signed_in, practitioner, colleague, exercise):
    ShareFactory(owner=colleague, colleague=practitioner, exercise=exercise)

    response = signed_in.post(share_start_url(exercise), {"colleague": colleague.pk})

    assert response.status_code == 400
    assert "Alex Jones has already asked you to compare answers" in response.content.decode()


def test_inviting_by_email_sends_the_invitation(signed_in, practitioner, exercise):
    response = signed_in.post(share_start_url(exercise), {"email": "New@Example.org"})

    assert response.status_code == 302
    share = Share.objects.get(owner=practitioner)
    assert share.invited_email == "new@example.org"
    assert mail.outbox[0].to == ["new@example.org"]


def test_a_mistyped_email_is_explained_and_kept_on_screen(signed_in, exercise):
    response = signed_in.post(share_start_url(exercise), {"email": "not-an-address"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.org" in page
    assert 'value="not-an-address"' in page
    assert 'href="#id_email"' in page
    assert not Share.objects.exists()


def test_share_page_shows_the_current_share_instead_of_the_forms(
    signed_in, practitioner, colleague, exercise
):
    ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)

    page = signed_in.get(share_start_url(exercise)).content.decode()

    assert "You have asked Alex Jones to compare answers with you on this exercise." in page
    assert 'name="colleague"' not in page


# --- Colleague search (JSON) --------------------------------------------------------------


def test_colleague_search_returns_names_and_teams_never_emails(signed_in, colleague):
    UserFactory(full_name="Alex Outside")

    data = signed_in.get(reverse("reflections:colleague_search"), {"q": "ale"}).json()

    assert data == {
        "results": [{"id": colleague.pk, "name": "Alex Jones", "team": "Children in Care"}]
    }


def test_colleague_search_needs_a_signed_in_person(client, colleague):
    response = client.get(reverse("reflections:colleague_search"), {"q": "ale"})

    # JSON the page's script can read, not a redirect to the sign-in page.
    assert response.status_code == 401
    assert response.json()["status"] == "signed_out"
    assert "Alex" not in response.content.decode()


# --- Invitations ----------------------------------------------------------------------------


def invitation_url(share):
    return reverse("reflections:invitation", args=[share.token])


def test_signed_out_invitation_link_leads_to_sign_in_and_registration_keeping_the_link(
    client, practitioner, colleague, exercise
):
    share = ShareFactory(owner=practitioner, invited_email="new@example.org", exercise=exercise)

    response = client.get(invitation_url(share), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert f"{reverse('account_signup')}?next={quote(invitation_url(share), safe='')}" in page


def test_the_invited_colleague_sees_who_invited_them(client, practitioner, colleague, exercise):
    share = ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    client.force_login(colleague)

    page = client.get(invitation_url(share)).content.decode()

    assert "Sam Patel" in page
    assert 'value="accept"' in page


def test_an_invitation_link_is_not_found_for_anyone_else(
    client, practitioner, colleague, team, exercise
):
    share = ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    client.force_login(UserFactory(team=team))

    assert client.get(invitation_url(share)).status_code == 404
    assert client.post(invitation_url(share), {"decision": "accept"}).status_code == 404
    assert Share.objects.get().status == Share.Status.PENDING


def test_accepting_leads_to_the_shared_exercise(client, practitioner, colleague, exercise):
    share = ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    client.force_login(colleague)

    response = client.post(invitation_url(share), {"decision": "accept"})

    assert response.url == exercise_url(exercise)
    share.refresh_from_db()
    assert share.status == Share.Status.ACCEPTED


def test_declining_leads_to_my_reflections(client, practitioner, colleague, exercise):
    share = ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    client.force_login(colleague)

    response = client.post(invitation_url(share), {"decision": "decline"})

    assert response.url == reverse("reflections:mine")
    share.refresh_from_db()
    assert share.status == Share.Status.DECLINED


def test_opening_an_accepted_invitation_again_goes_to_the_exercise(
    client, practitioner, colleague, exercise
):
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    client.force_login(colleague)

    assert client.get(invitation_url(share)).url == exercise_url(exercise)


def test_an_invitee_in_another_organisation_finds_nothing_at_the_link(
    client, practitioner, exercise
):
    outsider = UserFactory(email="far@example.org")
    share = ShareFactory(owner=practitioner, invited_email="far@example.org", exercise=exercise)
    client.force_login(outsider)

    assert client.get(invitation_url(share)).status_code == 404
    assert client.post(invitation_url(share), {"decision": "accept"}).status_code == 404
    assert Share.objects.get().status == Share.Status.PENDING


def test_registering_through_the_link_lands_on_the_invitation_then_the_exercise(
    client, practitioner, team, exercise, password
):
    share = ShareFactory(owner=practitioner, invited_email="new@example.org", exercise=exercise)
    link = invitation_url(share)
    OrganisationDomain.objects.create(organisation=team.organisation, domain="example.org")

    registered = client.post(
        f"{reverse('account_signup')}?next={link}",
        {
            "full_name": "Robin New",
            "email": "new@example.org",
            "job_role": "Social worker",
            "password1": password,
            "password2": password,
            "next": link,
        },
    )
    confirm_path = re.search(r"https://course\.example\.org(/\S+)", mail.outbox[-1].body)[1]
    confirmed = client.post(confirm_path)
    accepted = client.post(link, {"decision": "accept"})

    assert registered.url == reverse("account_email_verification_sent")
    assert confirmed.url == link
    assert accepted.url == exercise_url(exercise)
    share.refresh_from_db()
    assert (share.colleague.full_name, share.status) == ("Robin New", Share.Status.ACCEPTED)
    assert share.colleague.organisation == team.organisation


def test_someone_who_registers_the_invited_address_but_cannot_verify_it_cannot_accept(
    client, practitioner, team, exercise, password
):
    """The takeover a security review found: an outsider registers the address an
    invitation went to. Without opening the link sent to it, they get nothing."""
    share = ShareFactory(
        owner=practitioner, invited_email="new.starter@example.org", exercise=exercise
    )
    OrganisationDomain.objects.create(organisation=team.organisation, domain="example.org")
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Not The Starter",
            "email": "New.Starter@example.org",
            "job_role": "Social worker",
            "password1": password,
            "password2": password,
        },
    )
    outsider = User.objects.get(email="new.starter@example.org")
    client.post(
        reverse("account_login"), {"login": "new.starter@example.org", "password": password}
    )

    page = client.get(invitation_url(share))
    accept = client.post(invitation_url(share), {"decision": "accept"})

    assert page.status_code == accept.status_code == 403
    assert "Sam Patel" not in page.content.decode()
    assert share_invitations_for(user=outsider).count() == 0
    assert outsider.organisation is None
    share.refresh_from_db()
    assert (share.colleague, share.status) == (None, Share.Status.PENDING)


def test_my_reflections_lists_invitations_with_accept_and_decline(
    client, practitioner, colleague, exercise
):
    ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    client.force_login(colleague)

    page = client.get(reverse("reflections:mine")).content.decode()

    assert (
        "Sam Patel</strong> (Children in Care) has asked you to compare answers with them "
        "on reflective exercise" in page
    )
    assert 'value="decline"' in page


# --- The share panel, comparing, ending ------------------------------------------------------


def test_exercise_page_shows_the_partners_answers_once_revealed(
    signed_in, practitioner, colleague, exercise
):
    revealed_share(practitioner, colleague, exercise)

    page = signed_in.get(exercise_url(exercise)).content.decode()

    assert "Alex Jones's answers" in page
    assert "COLLEAGUE-TEXT on first" in page
    assert "COLLEAGUE-TEXT on together" in page


def _steps(page):
    """The three steps of comparing answers as the panel lists them: (text, state)."""
    steps = re.findall(r'<li class="compare-step compare-step-(\w+)"[^>]*>([^<]+)<', page)
    return [(html.unescape(text).strip(), state) for state, text in steps]


def test_exercise_page_shows_the_three_steps_and_the_rule_before_any_share(signed_in, exercise):
    page = signed_in.get(exercise_url(exercise)).content.decode()

    assert '<h2 id="share-panel-heading" class="h4">Compare answers with a colleague</h2>' in page
    assert "Neither of you sees the other's answers until you have both submitted your own." in page
    assert _steps(page) == [
        ("You both answer the questions on your own.", "current"),
        ("You both submit your answers.", "to_do"),
        (
            "You read each other's answers and answer the questions for the pair together.",
            "to_do",
        ),
    ]
    assert page.count('aria-current="step"') == 1


def test_the_steps_wait_for_the_partner_once_the_viewer_has_submitted(
    signed_in, practitioner, colleague, exercise
):
    ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    write(practitioner, exercise, "OWNER-TEXT")

    page = signed_in.get(exercise_url(exercise)).content.decode()

    assert [state for _text, state in _steps(page)] == ["done", "current", "to_do"]
    assert "COLLEAGUE-TEXT" not in page


def test_revealed_answers_come_first_before_the_viewers_own_form(
    signed_in, practitioner, colleague, exercise
):
    revealed_share(practitioner, colleague, exercise)

    page = signed_in.get(exercise_url(exercise)).content.decode()

    assert [state for _text, state in _steps(page)] == ["done", "done", "current"]
    panel = page.index('id="share-panel-heading"')
    assert panel < page.index("Alex Jones's answers") < page.index("compare-rule")
    assert page.index("Alex Jones's answers") < page.index('class="answer-form"')


def test_after_the_partner_ends_the_panel_says_what_happened(
    client, practitioner, colleague, exercise
):
    share = revealed_share(practitioner, colleague, exercise)
    client.force_login(colleague)
    client.post(reverse("reflections:share_end", args=[share.pk]))
    client.force_login(practitioner)

    page = client.get(exercise_url(exercise)).content.decode()

    assert "Alex Jones ended comparing answers on this exercise on" in page
    assert "You keep your own answers" in page
    assert "You are not comparing answers with anyone" not in page


def test_partner_answers_are_escaped(signed_in, practitioner, colleague, exercise):
    ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    write(practitioner, exercise, "mine")
    write(colleague, exercise, "<script>alert(1)</script>")

    page = signed_in.get(exercise_url(exercise)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_share_detail_puts_both_answers_side_by_side(client, practitioner, colleague, exercise):
    share = revealed_share(practitioner, colleague, exercise)
    client.force_login(colleague)

    page = client.get(reverse("reflections:share_detail", args=[share.pk])).content.decode()

    assert page.index("COLLEAGUE-TEXT on first") < page.index("OWNER-TEXT on first")


def test_opening_the_comparison_is_audited_with_ids_only(client, practitioner, colleague, exercise):
    share = revealed_share(practitioner, colleague, exercise)
    client.force_login(colleague)

    client.get(reverse("reflections:share_detail", args=[share.pk]))

    event = AuditEvent.objects.for_target(share).get(action="share.compared_viewed")
    assert (event.actor, event.detail) == (colleague, {})


def test_the_comparison_is_not_audited_before_there_is_anything_to_compare(
    client, practitioner, colleague, exercise
):
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    write(practitioner, exercise, "OWNER-TEXT")
    client.force_login(colleague)

    response = client.get(reverse("reflections:share_detail", args=[share.pk]))

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="share.compared_viewed").exists()


def test_share_detail_shows_no_answers_before_both_submit(
    client, practitioner, colleague, exercise
):
    share = ShareFactory(
        owner=practitioner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )
    write(practitioner, exercise, "OWNER-TEXT")
    client.force_login(colleague)

    page = client.get(reverse("reflections:share_detail", args=[share.pk])).content.decode()

    assert "OWNER-TEXT" not in page
    assert "Sam Patel has submitted; submit your own answers" in page


def test_ending_asks_for_confirmation_first(signed_in, practitioner, colleague, exercise):
    share = revealed_share(practitioner, colleague, exercise)

    page = signed_in.get(reverse("reflections:share_end", args=[share.pk])).content.decode()

    assert "Stop comparing answers on exercise" in page
    assert Share.objects.get().status == Share.Status.ACCEPTED


def test_after_ending_the_partners_answers_are_gone_for_both_at_once(
    client, practitioner, colleague, exercise
):
    share = revealed_share(practitioner, colleague, exercise)
    client.force_login(colleague)

    ended = client.post(reverse("reflections:share_end", args=[share.pk]))

    assert ended.url == exercise_url(exercise)
    for person, partner_text in ((colleague, "OWNER-TEXT"), (practitioner, "COLLEAGUE-TEXT")):
        client.force_login(person)
        assert client.get(reverse("reflections:share_detail", args=[share.pk])).status_code == 404
        assert client.get(reverse("reflections:share_end", args=[share.pk])).status_code == 404
        assert partner_text not in client.get(exercise_url(exercise)).content.decode()


def test_share_urls_are_not_found_for_a_practitioner_outside_the_share(
    client, practitioner, colleague, team, exercise
):
    share = revealed_share(practitioner, colleague, exercise)
    client.force_login(UserFactory(team=team))

    for name in ("reflections:share_detail", "reflections:share_end"):
        assert client.get(reverse(name, args=[share.pk])).status_code == 404
    assert client.post(reverse("reflections:share_end", args=[share.pk])).status_code == 404
    assert Share.objects.get().status == Share.Status.ACCEPTED


# --- Query counts ------------------------------------------------------------------------------


def more_people_and_shares(team, exercise, colleague, count=4):
    for _ in range(count):
        other = UserFactory(team=team, full_name="Alex Extra")
        ShareFactory(owner=other, colleague=colleague, exercise=exercise)
        QuestionFactory(exercise=exercise)


@pytest.mark.parametrize("extra", [0, 4])
def test_share_page_queries_do_not_grow(
    signed_in, colleague, team, exercise, extra, django_assert_max_num_queries
):
    more_people_and_shares(team, exercise, colleague, extra)

    # One of them looks for a share that ended after it was revealed (pair questions
    # stay open to their owner).
    with django_assert_max_num_queries(8):
        response = signed_in.get(share_start_url(exercise), {"q": "alex"})

    assert response.status_code == 200
    assert "Alex Jones, Children in Care" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 4])
def test_inviting_queries_do_not_grow(
    signed_in, colleague, team, exercise, extra, django_assert_max_num_queries
):
    more_people_and_shares(team, exercise, UserFactory(team=team), extra)

    # One of them reads how many invitations the sender has sent today (the daily limit),
    # and one marks the sender's invitations that have expired (so the pair is free).
    # Seven queue and send the email (tests run each task at once: the worker's queries
    # are counted here too).
    with django_assert_max_num_queries(23):
        response = signed_in.post(share_start_url(exercise), {"colleague": colleague.pk})
    assert response.status_code == 302
    assert response.url == exercise_url(exercise)
    assert Share.objects.filter(colleague=colleague).exists()


@pytest.mark.parametrize("extra", [0, 12])
def test_colleague_search_queries_do_not_grow(
    signed_in, colleague, team, extra, django_assert_max_num_queries
):
    UserFactory.create_batch(extra, team=team, full_name="Alex Extra")

    with django_assert_max_num_queries(3):
        response = signed_in.get(reverse("reflections:colleague_search"), {"q": "alex"})

    assert response.status_code == 200
    names = [person["name"] for person in response.json()["results"]]
    assert names == (["Alex Extra"] * extra + ["Alex Jones"])[:10]


@pytest.mark.parametrize("extra", [0, 4])
def test_invitation_page_and_accept_queries_do_not_grow(
    client, practitioner, colleague, team, exercise, extra, django_assert_max_num_queries
):
    share = ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    more_people_and_shares(team, exercise, colleague, extra)
    client.force_login(colleague)

    with django_assert_max_num_queries(4):
        response = client.get(invitation_url(share))
    assert response.status_code == 200
    assert "Compare answers with a colleague on exercise" in response.content.decode()
    # 19: accepting also checks whether it reveals the answers (share.revealed), and
    # tells the sender: an email queued and sent (tests run the task at once) and a notice.
    with django_assert_max_num_queries(19):
        response = client.post(invitation_url(share), {"decision": "accept"})
    assert response.status_code == 302
    assert response.url == exercise_url(exercise)
    assert Share.objects.get(pk=share.pk).status == Share.Status.ACCEPTED


@pytest.mark.parametrize("extra", [0, 4])
def test_share_detail_and_end_queries_do_not_grow(
    client, practitioner, colleague, team, exercise, extra, django_assert_max_num_queries
):
    share = revealed_share(practitioner, colleague, exercise)
    more_people_and_shares(team, exercise, colleague, extra)
    client.force_login(colleague)
    detail = reverse("reflections:share_detail", args=[share.pk])
    end = reverse("reflections:share_end", args=[share.pk])

    # 12: opening the comparison is audited (share.compared_viewed).
    with django_assert_max_num_queries(12):
        response = client.get(detail)
    assert response.status_code == 200
    assert "OWNER-TEXT on first" in response.content.decode()
    with django_assert_max_num_queries(4):
        response = client.get(end)
    assert response.status_code == 200
    assert "Stop comparing answers on exercise" in response.content.decode()
    # 15: ending tells the partner (an email queued and sent, and a notice).
    with django_assert_max_num_queries(15):
        response = client.post(end)
    assert response.status_code == 302
    assert response.url == exercise_url(exercise)
    assert Share.objects.get(pk=share.pk).status == Share.Status.ENDED


@pytest.mark.parametrize("extra", [0, 4])
def test_invitations_panel_runs_one_query(
    practitioner, colleague, team, exercise, extra, django_assert_num_queries
):
    ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    more_people_and_shares(team, exercise, colleague, extra)
    template = Template('{% include "reflections/_invitations_panel.html" %}')

    with django_assert_num_queries(1):
        invitations = list(share_invitations_for(user=colleague))
        html = template.render(Context({"invitations": invitations, "csrf_token": "x"}))
    assert html.count('value="accept"') == 1 + extra
