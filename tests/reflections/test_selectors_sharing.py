import pytest

from modules.models import Exercise
from reflections.models import Share
from reflections.selectors.answers import own_response_get
from reflections.selectors.sharing import (
    ShareState,
    _may_concern,
    colleague_search,
    exercise_sharing,
    partner_answers_visible,
    share_comparison,
    share_get_for_invitee,
    share_get_for_participant,
    share_invitations_for,
)
from tests.factories import ExerciseFactory, QuestionFactory, TeamFactory, UserFactory
from tests.reflections.conftest import write
from tests.reflections.factories import ShareFactory

pytestmark = pytest.mark.django_db


def accepted(owner, colleague, exercise):
    return ShareFactory(
        owner=owner, colleague=colleague, exercise=exercise, status=Share.Status.ACCEPTED
    )


def test_without_a_share_only_the_viewer_reads_their_answers(practitioner, exercise):
    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)

    assert sharing.state == ShareState.NONE
    assert sharing.readers_label == "Only you"
    assert not sharing.revealed


def test_a_solo_exercise_is_not_shareable(practitioner):
    solo = ExerciseFactory(pairing=Exercise.Pairing.SOLO)

    assert exercise_sharing(viewer=practitioner, exercise=solo).shareable is False


def test_a_pending_share_reveals_nothing(practitioner, colleague, exercise):
    ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex")

    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)

    assert sharing.state == ShareState.INVITED
    assert not sharing.revealed
    assert sharing.partner_answers == {}


def test_an_accepted_share_reveals_nothing_until_both_submit(practitioner, colleague, exercise):
    accepted(practitioner, colleague, exercise)
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex", submitted=False)

    for viewer in (practitioner, colleague):
        sharing = exercise_sharing(viewer=viewer, exercise=exercise)
        assert sharing.state == ShareState.WAITING
        assert sharing.partner_answers == {}
        assert sharing.readers_label == "Only you"
        assert not sharing.revealed


def test_once_both_submit_each_reads_the_others_answers(practitioner, colleague, exercise):
    accepted(practitioner, colleague, exercise)
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex")

    sharing = exercise_sharing(viewer=practitioner, exercise=exercise)

    assert sharing.state == ShareState.REVEALED
    assert sharing.revealed
    assert sharing.readers_label == "You and Alex Jones"
    assert [a.typed_text for a in sharing.partner_answer_list] == [
        "Alex on first",
        "Alex on second",
        "Alex on together",
    ]
    other_side = exercise_sharing(viewer=colleague, exercise=exercise)
    assert other_side.partner_answer_list[0].typed_text == "Sam on first"


def test_an_ended_share_reveals_nothing(practitioner, colleague, exercise):
    share = accepted(practitioner, colleague, exercise)
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex")
    share.status = Share.Status.ENDED
    share.save()

    sharing = exercise_sharing(viewer=colleague, exercise=exercise)

    assert (sharing.share, sharing.partner_answers) == (None, {})
    assert not partner_answers_visible(viewer=colleague, share=share)
    assert share_comparison(viewer=colleague, share=share) == []


def test_a_share_of_one_exercise_reveals_nothing_of_another(practitioner, colleague, exercise):
    other = ExerciseFactory(pairing=Exercise.Pairing.OPTIONAL)
    QuestionFactory(exercise=other)
    accepted(practitioner, colleague, exercise)
    for item in (exercise, other):
        write(practitioner, item, "Sam")
        write(colleague, item, "Alex")

    assert exercise_sharing(viewer=colleague, exercise=other).partner_answers == {}


def test_share_comparison_puts_answers_side_by_side(practitioner, colleague, exercise):
    share = accepted(practitioner, colleague, exercise)
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex")

    rows = share_comparison(viewer=colleague, share=share)

    assert next((r.own_answer.typed_text, r.partner_answer.typed_text) for r in rows) == (
        "Alex on first",
        "Sam on first",
    )


def test_invitations_are_listed_for_the_invited_colleague_only(
    practitioner, colleague, team, exercise
):
    share = ShareFactory(owner=practitioner, colleague=colleague, exercise=exercise)

    assert list(share_invitations_for(user=colleague)) == [share]
    assert list(share_invitations_for(user=practitioner)) == []
    assert list(share_invitations_for(user=UserFactory(team=team))) == []


def test_an_email_invitation_is_listed_once_its_address_registers_in_the_organisation(
    practitioner, team, exercise
):
    share = ShareFactory(owner=practitioner, invited_email="new@example.org", exercise=exercise)
    newcomer = UserFactory(team=team, email="new@example.org")
    elsewhere = UserFactory(team=team, email="someone@example.org")

    assert list(share_invitations_for(user=newcomer)) == [share]
    assert list(share_invitations_for(user=elsewhere)) == []


def test_an_email_invitation_is_not_listed_for_the_address_in_another_organisation(
    practitioner, exercise
):
    ShareFactory(owner=practitioner, invited_email="far@example.org", exercise=exercise)
    far = UserFactory(email="far@example.org")

    assert list(share_invitations_for(user=far)) == []


def test_share_get_for_participant_refuses_anyone_else(practitioner, colleague, team, exercise):
    share = accepted(practitioner, colleague, exercise)

    assert share_get_for_participant(user=colleague, share_id=share.pk) == share
    with pytest.raises(Share.DoesNotExist):
        share_get_for_participant(user=UserFactory(team=team), share_id=share.pk)


def test_share_get_for_invitee_needs_the_invited_address(practitioner, team, exercise):
    share = ShareFactory(owner=practitioner, invited_email="new@example.org", exercise=exercise)

    invitee = UserFactory(team=team, email="new@example.org")
    assert share_get_for_invitee(user=invitee, token=share.token) == share
    with pytest.raises(Share.DoesNotExist):
        share_get_for_invitee(user=UserFactory(team=team), token=share.token)


def test_colleague_search_finds_active_people_in_the_organisation_by_name(
    practitioner, colleague, team
):
    UserFactory(team=team, full_name="Alexandra Gone", is_active=False)
    UserFactory(full_name="Alex Elsewhere")

    found = colleague_search(viewer=practitioner, query="alex")

    assert list(found) == [colleague]
    assert list(colleague_search(viewer=practitioner, query="Sam")) == []
    assert list(colleague_search(viewer=practitioner, query="  ")) == []


def test_colleague_search_lists_the_viewers_own_team_first(practitioner, team):
    elsewhere = TeamFactory(organisation=team.organisation, name="Another team")
    anna = UserFactory(team=elsewhere, full_name="Anna Able")
    bea = UserFactory(team=team, full_name="Bea Able")
    cat = UserFactory(team=elsewhere, full_name="Cat Able")
    dee = UserFactory(team=team, full_name="Dee Able")

    assert list(colleague_search(viewer=practitioner, query="able")) == [bea, dee, anna, cat]


def test_colleague_search_by_someone_without_a_team_is_by_name(practitioner, team):
    loner = UserFactory(team=None, organisation=team.organisation)
    bea = UserFactory(team=team, full_name="Bea Able")
    anna = UserFactory(team=TeamFactory(organisation=team.organisation), full_name="Anna Able")

    assert list(colleague_search(viewer=loner, query="able")) == [anna, bea]


def test_colleague_search_returns_at_most_ten(practitioner, team):
    UserFactory.create_batch(12, team=team, full_name="Chris Example")

    assert len(colleague_search(viewer=practitioner, query="chris")) == 10


def test_exercise_sharing_runs_a_fixed_number_of_queries(
    practitioner, colleague, team, exercise, django_assert_max_num_queries
):
    accepted(practitioner, colleague, exercise)
    write(practitioner, exercise, "Sam")
    write(colleague, exercise, "Alex")
    for _ in range(3):
        ShareFactory(owner=UserFactory(team=team), colleague=practitioner, exercise=exercise)
        QuestionFactory(exercise=exercise)

    # Whether any share concerns them, invitations, their share, who submitted, answers.
    with django_assert_max_num_queries(5):
        sharing = exercise_sharing(viewer=practitioner, exercise=exercise)
        orders = [answer.question.order for answer in sharing.partner_answer_list]
        teams = [invitation.owner.team for invitation in sharing.invitations]

    assert orders == [1, 2, 3]
    assert next(a.text for a in sharing.partner_answer_list) == "Alex on first"
    assert teams == [team] * 3


def test_exercise_sharing_is_one_query_when_no_share_concerns_the_viewer(
    practitioner, colleague, team, exercise, django_assert_num_queries
):
    accepted(UserFactory(team=team), colleague, exercise)  # other people's share
    ShareFactory(owner=colleague, invited_email="someone@example.org", exercise=exercise)

    with django_assert_num_queries(1):
        sharing = exercise_sharing(viewer=practitioner, exercise=exercise)

    assert (sharing.state, sharing.invitations, sharing.ended_share) == (ShareState.NONE, [], None)
    assert sharing.shareable


def test_an_invitation_to_an_address_of_the_viewer_concerns_them(practitioner, colleague, exercise):
    ShareFactory(
        owner=colleague, colleague=None, invited_email=practitioner.email, exercise=exercise
    )

    assert [
        share.owner
        for share in exercise_sharing(viewer=practitioner, exercise=exercise).invitations
    ] == [colleague]


# --- Read with the person's own work (the exercise page) -----------------------------------


def _concerns(user, exercise):
    """Whether a share concerns `user`, as the exercise page reads it with their work,
    beside the sharing selector's own answer."""
    from_own_work = own_response_get(user=user, exercise=exercise).share_may_concern
    return from_own_work, _may_concern(user=user, exercise=exercise)


def test_read_with_the_own_work_no_share_of_other_people_concerns_the_viewer(
    practitioner, colleague, team, exercise
):
    accepted(UserFactory(team=team), colleague, exercise)
    ShareFactory(owner=colleague, invited_email="someone@example.org", exercise=exercise)
    accepted(practitioner, colleague, ExerciseFactory(number=8))  # another exercise's

    assert _concerns(practitioner, exercise) == (False, False)


@pytest.mark.parametrize("role", ["owner", "colleague", "invited by address"])
def test_read_with_the_own_work_a_share_concerns_the_viewer_as_the_selector_says(
    practitioner, colleague, exercise, role
):
    if role == "owner":
        accepted(practitioner, colleague, exercise)
    elif role == "colleague":
        ShareFactory(owner=colleague, colleague=practitioner, exercise=exercise)
    else:
        ShareFactory(
            owner=colleague, colleague=None, invited_email=practitioner.email, exercise=exercise
        )
    write(practitioner, exercise, "Sam", submitted=False)

    assert _concerns(practitioner, exercise) == (True, True)


def test_told_no_share_concerns_the_viewer_the_selector_asks_nothing(
    practitioner, colleague, exercise, django_assert_num_queries
):
    with django_assert_num_queries(0):
        sharing = exercise_sharing(viewer=practitioner, exercise=exercise, may_concern=False)

    assert sharing == exercise_sharing(viewer=practitioner, exercise=exercise)


def test_told_a_share_may_concern_the_viewer_the_rules_still_decide(
    practitioner, colleague, team, exercise
):
    accepted(UserFactory(team=team), colleague, exercise)  # other people's share

    sharing = exercise_sharing(viewer=practitioner, exercise=exercise, may_concern=True)

    assert (sharing.share, sharing.partner, sharing.partner_answers) == (None, None, {})
