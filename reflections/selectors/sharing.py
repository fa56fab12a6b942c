"""Who may see which share, invitation or answer of a colleague. Views, services and
templates only ask; nothing else decides.

A share lets two colleagues in one organisation read each other's answers to one
exercise once both have accepted and both have submitted (the reveal rule,
`_is_revealed`). Nobody else reads a practitioner's answers: not another practitioner,
a team manager, a trainer or an administrator.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from accounts.models import User
from modules.compiled_queries import Compiled
from modules.models import Exercise, Question

from ..models import Answer, ExerciseResponse, Share, ShareQuerySet

COLLEAGUE_SEARCH_LIMIT = 10


class ShareState:
    NONE = "none"  # no share of this exercise yet
    INVITED = "invited"  # the viewer asked; waiting for a reply
    WAITING = "waiting"  # both in; not both submitted yet
    REVEALED = "revealed"  # both submitted: each reads the other's answers


# --- The reveal rule ----------------------------------------------------------------------


def _submitted_user_ids(*, exercise_id: int, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` have submitted their own answers to the exercise (one query)."""
    responses = ExerciseResponse.objects.submitted().filter(
        exercise_id=exercise_id, user_id__in=list(user_ids)
    )
    return set(responses.values_list("user_id", flat=True))


def _is_revealed(*, share: Share, submitted: set[int]) -> bool:
    """The reveal rule: the share is accepted and live, and both partners are among the
    people who have `submitted` the exercise."""
    return (
        share.status == Share.Status.ACCEPTED
        and share.colleague_id is not None
        and {share.owner_id, share.colleague_id} <= submitted
    )


def partner_answers_visible(*, viewer: User, share: Share | None) -> bool:
    """Whether `viewer` may read their partner's answers through `share` (one query)."""
    if share is None or share.status != Share.Status.ACCEPTED or share.colleague_id is None:
        return False
    pair = {share.owner_id, share.colleague_id}
    if viewer.pk not in pair:
        return False
    submitted = _submitted_user_ids(exercise_id=share.exercise_id, user_ids=pair)
    return _is_revealed(share=share, submitted=submitted)


# --- Pair questions -----------------------------------------------------------------------


def pair_questions_rule(*, revealed: bool, ended_after_reveal: bool) -> bool:
    """The one rule for when a practitioner answers an exercise's pair questions: once
    their share is revealed, and still after it ends if it had been revealed. What they
    wrote with their colleague is their own words: ending the share stops each reading
    the other's answers, never their owner editing them."""
    return revealed or ended_after_reveal


def share_ended_after_reveal(*, user: User, exercise: Exercise) -> Share | None:
    """The newest share of `exercise` that `user` was in and that ended after both
    partners had submitted (so it had been revealed), with who ended it; None if there is
    none (one query)."""

    def submitted_before_end(person: str) -> Exists:
        return Exists(
            ExerciseResponse.objects.filter(
                exercise=exercise, user=OuterRef(person), submitted_at__lte=OuterRef("ended_at")
            )
        )

    return (
        Share.objects.filter(exercise=exercise, status=Share.Status.ENDED, colleague__isnull=False)
        .involving(user)
        .filter(submitted_before_end("owner"), submitted_before_end("colleague"))
        .select_related("ended_by")
        .order_by("-ended_at")
        .first()
    )


def pair_questions_open(*, user: User, exercise: Exercise) -> bool:
    """Whether `user` may answer `exercise`'s pair questions (`pair_questions_rule`; two or
    three queries)."""
    share = share_get_engaged(user=user, exercise=exercise)
    revealed = partner_answers_visible(viewer=user, share=share)
    ended = not revealed and share_ended_after_reveal(user=user, exercise=exercise) is not None
    return pair_questions_rule(revealed=revealed, ended_after_reveal=ended)


def question_is_open(*, question: Question, pair_questions_open: bool) -> bool:
    """Individual questions are always open; pair questions as `pair_questions_rule` says."""
    return question.stage == Question.Stage.INDIVIDUAL or pair_questions_open


def _ended_by_words(share: Share, user: User) -> str:
    if share.ended_by_id == user.pk:
        return "You"
    return share.ended_by.full_name if share.ended_by else "Your colleague"


def pair_question_closed_reason(*, user: User, exercise: Exercise) -> str:
    """Why `user` cannot answer `exercise`'s pair questions now, in plain words (one
    query): a share that ended before it was revealed, or one not revealed yet."""
    ended = (
        Share.objects.filter(exercise=exercise, status=Share.Status.ENDED)
        .involving(user)
        .select_related("ended_by")
        .order_by("-ended_at")
        .first()
    )
    if ended is not None and not Share.objects.engaging(user).filter(exercise=exercise).exists():
        return (
            f"{_ended_by_words(ended, user)} ended comparing answers, so this question is "
            "closed; copy your text if you want to keep it."
        )
    return (
        "This question opens once you and your colleague have both submitted your own "
        "answers; copy your text if you want to keep it."
    )


# --- One exercise's share, as its pages show it --------------------------------------------


@dataclass(frozen=True)
class CompareStep:
    """One of the three steps of comparing answers, and where the viewer is in it."""

    DONE = "done"
    CURRENT = "current"
    TO_DO = "to_do"
    LABELS: ClassVar[dict[str, str]] = {DONE: "Done", CURRENT: "Now", TO_DO: "Not yet"}

    number: int
    text: str
    state: str

    @property
    def state_label(self) -> str:
        return self.LABELS[self.state]

    @property
    def is_current(self) -> bool:
        return self.state == self.CURRENT


@dataclass
class ExerciseSharing:
    """What `viewer` may see of a colleague's work on one exercise."""

    share: Share | None = None  # the live Share of this exercise involving the viewer
    partner: User | None = None  # the other person in that share, once registered
    revealed: bool = False  # the reveal rule: answers are visible, pair questions open
    partner_answers: dict[int, Answer] = field(default_factory=dict)  # question id -> Answer
    shareable: bool = True  # the exercise is written for pairs (or optionally so)
    viewer_submitted: bool = False
    partner_submitted: bool = False
    invitations: list[Share] = field(default_factory=list)  # pending, to the viewer
    # A share that ended after it was revealed: the pair questions stay open to the
    # viewer (`pair_questions_rule`), and the page says who ended it.
    ended_share: Share | None = None
    ended_by: str = ""  # who ended it: "You", or their name

    @property
    def readers_label(self) -> str:
        """Who can read the viewer's answers, in words."""
        if self.revealed and self.partner is not None:
            return f"You and {self.partner.full_name}"
        return "Only you"

    @property
    def state(self) -> str:
        if self.share is None:
            return ShareState.NONE
        if self.share.status == Share.Status.PENDING:
            return ShareState.INVITED
        return ShareState.REVEALED if self.revealed else ShareState.WAITING

    @property
    def partner_name(self) -> str:
        """The partner's name, or the address an invitation went to before they registered."""
        if self.partner is not None:
            return self.partner.full_name
        return self.share.invited_email if self.share is not None else ""

    @property
    def partner_answer_list(self) -> list[Answer]:
        """The partner's answers in question order (empty until revealed)."""
        return sorted(self.partner_answers.values(), key=lambda answer: answer.question.order)

    @property
    def pair_questions_open(self) -> bool:
        return pair_questions_rule(
            revealed=self.revealed, ended_after_reveal=self.ended_share is not None
        )

    def question_is_open(self, question: Question) -> bool:
        return question_is_open(question=question, pair_questions_open=self.pair_questions_open)

    @property
    def steps(self) -> list[CompareStep]:
        """1 you both answer on your own, 2 you both submit, 3 you read each other's
        answers and answer the pair questions together: each done, now, or not yet."""
        both_submitted = self.revealed or self.ended_share is not None
        first = CompareStep.DONE if self.viewer_submitted or both_submitted else CompareStep.CURRENT
        if both_submitted:
            second = CompareStep.DONE
        elif self.viewer_submitted:
            second = CompareStep.CURRENT
        else:
            second = CompareStep.TO_DO
        third = CompareStep.CURRENT if self.pair_questions_open else CompareStep.TO_DO
        return [
            CompareStep(1, "You both answer the questions on your own.", first),
            CompareStep(2, "You both submit your answers.", second),
            CompareStep(
                3,
                "You read each other's answers and answer the questions for the pair together.",
                third,
            ),
        ]


def _answers_of(*, user: User, exercise: Exercise) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(response__user=user, response__exercise=exercise)
        .filter(question__retired=False)
        .select_related("question")
        .order_by("question__order")
    )


def _concerning(user_id: int, exercise_id: int) -> QuerySet[Share]:
    """The shares of exercise `exercise_id` that might concern person `user_id`: one
    they started or were named in, or one sent to a verified address of theirs."""
    verified_addresses = EmailAddress.objects.filter(user_id=user_id, verified=True).values("email")
    return Share.objects.filter(exercise_id=exercise_id).filter(
        Q(owner_id=user_id)
        | Q(colleague_id=user_id)
        | Q(colleague__isnull=True, invited_email__in=verified_addresses)
    )


# Asked on every exercise page: compiled once, run with the person's and exercise's ids.
_concerning_any = Compiled(
    Share, lambda user_id, exercise_id: _concerning(user_id, exercise_id).values("pk")[:1], 2
)


def _may_concern(*, user: User, exercise: Exercise) -> bool:
    """Whether any share of `exercise` might concern `user` (`_concerning`; one query).
    Each share the rules below find is among these, so when there is none they need not
    be asked: most people on most exercises."""
    return bool(_concerning_any.rows(user.pk, exercise.pk))


def share_may_concern(user_id: int, exercise_id: int) -> Exists:
    """`_may_concern` as an expression, for a query that reads the person's own work on
    the exercise at the same time (`selectors.answers.own_response_get`)."""
    return Exists(_concerning(user_id, exercise_id))


def exercise_sharing(
    *, viewer: User | AnonymousUser, exercise: Exercise, may_concern: bool | None = None
) -> ExerciseSharing:
    """The viewer's share of `exercise`, and what it lets them see (one query when no
    share concerns them, at most five otherwise). `may_concern`, when the caller has
    read it already (`share_may_concern`), saves the first query: when true, the rules
    below still decide everything the viewer sees."""
    if not exercise.is_shareable or not isinstance(viewer, User) or not viewer.is_authenticated:
        return ExerciseSharing(shareable=False)
    if may_concern is None:
        may_concern = _may_concern(user=viewer, exercise=exercise)
    if not may_concern:
        return ExerciseSharing()
    return _exercise_sharing(viewer=viewer, exercise=exercise)


def _exercise_sharing(*, viewer: User, exercise: Exercise) -> ExerciseSharing:
    """`exercise_sharing` for a shareable exercise (at most four queries)."""
    invitations = list(share_invitations_for(user=viewer).filter(exercise=exercise))
    share = share_get_engaged(user=viewer, exercise=exercise)
    if share is None:
        return _with_ended_share(ExerciseSharing(invitations=invitations), viewer, exercise)
    partner = share.partner_of(viewer)
    sharing = ExerciseSharing(share=share, partner=partner, invitations=invitations)
    if share.status != Share.Status.ACCEPTED or partner is None:
        return _with_ended_share(sharing, viewer, exercise)
    # One query says who has submitted, for the reveal rule and the panel's wording.
    submitted = _submitted_user_ids(exercise_id=exercise.pk, user_ids=[viewer.pk, partner.pk])
    sharing.viewer_submitted = viewer.pk in submitted
    sharing.partner_submitted = partner.pk in submitted
    sharing.revealed = _is_revealed(share=share, submitted=submitted)
    if sharing.revealed:
        answers = _answers_of(user=partner, exercise=exercise)
        sharing.partner_answers = {answer.question_id: answer for answer in answers}
        return sharing
    return _with_ended_share(sharing, viewer, exercise)


def _with_ended_share(
    sharing: ExerciseSharing, viewer: User, exercise: Exercise
) -> ExerciseSharing:
    """`sharing` with the viewer's share that ended after it was revealed, if any (one
    query)."""
    sharing.ended_share = share_ended_after_reveal(user=viewer, exercise=exercise)
    if sharing.ended_share is not None:
        sharing.ended_by = _ended_by_words(sharing.ended_share, viewer)
    return sharing


@dataclass
class ComparedQuestion:
    question: Question
    own_answer: Answer | None  # the viewer's
    partner_answer: Answer | None


def share_comparison(*, viewer: User, share: Share) -> list[ComparedQuestion]:
    """Question by question, the viewer's answer beside their partner's; [] until revealed."""
    partner = share.partner_of(viewer)
    if partner is None or not partner_answers_visible(viewer=viewer, share=share):
        return []
    answers = (
        Answer.objects.filter(
            response__exercise_id=share.exercise_id, response__user_id__in=[viewer.pk, partner.pk]
        )
        .select_related("response")
        .only("question_id", "text", "response__user_id")
    )
    by_owner = {(answer.response.user_id, answer.question_id): answer for answer in answers}
    questions = share.exercise.questions.current().order_by("order")
    return [
        ComparedQuestion(
            question=question,
            own_answer=by_owner.get((viewer.pk, question.pk)),
            partner_answer=by_owner.get((partner.pk, question.pk)),
        )
        for question in questions
    ]


@dataclass
class ShareDetail:
    """The page of one share: the share, the exercise's sharing panel, and the answers
    side by side (empty until revealed)."""

    share: Share
    sharing: ExerciseSharing
    comparison: list[ComparedQuestion]


def share_detail_get(*, viewer: User, share_id: int) -> ShareDetail:
    """The share `viewer` is in (started, or accepted) with this id, and what it shows.

    Raises Share.DoesNotExist for any other id, an invitation they have not answered
    included: only the two partners of a live share see its page.
    """
    share = share_get_for_participant(user=viewer, share_id=share_id)
    if not share.engages(viewer):
        raise Share.DoesNotExist("Not a share this person is in.")
    # A share concerns them: no need to ask first (`_may_concern`).
    sharing = _exercise_sharing(viewer=viewer, exercise=share.exercise)
    comparison = share_comparison(viewer=viewer, share=share)
    return ShareDetail(share=share, sharing=sharing, comparison=comparison)


# --- Finding a share ------------------------------------------------------------------------


def share_get_engaged(*, user: User, exercise: Exercise) -> Share | None:
    """The share of `exercise` that `user` is in (started or accepted), or None."""
    shares = Share.objects.engaging(user).filter(exercise=exercise)
    return shares.select_related("owner", "colleague").first()


def _addressed_to(user: User) -> Q:
    """The one rule for whom a pending invitation is for: the colleague it names, or,
    for an invitation sent to an email address, the person who has *verified* that
    address (compared in its normal form) and who is in the sender's organisation (any
    verified person, when the sender belongs to none). Registering an address is not
    enough: an outsider who registers a new starter's address cannot verify it.

    Callers apply it to `Share.objects.invitations_current()`: an invitation that has
    expired is for nobody."""
    verified_addresses = EmailAddress.objects.filter(user=user, verified=True).values("email")
    same_organisation = Q(owner__organisation__isnull=True)
    if user.organisation_id is not None:
        same_organisation |= Q(owner__organisation_id=user.organisation_id)
    by_email = Q(colleague__isnull=True, invited_email__in=verified_addresses) & same_organisation
    return Q(colleague=user) | by_email


def share_invitations_for(*, user: User) -> ShareQuerySet:
    """Invitations waiting for `user`'s reply (see `_addressed_to`)."""
    return (
        Share.objects.invitations_current()
        .filter(_addressed_to(user))
        .exclude(owner=user)
        .select_related("owner", "owner__team", "exercise")
        .order_by("exercise__number", "created_at")
    )


def share_between_exists(*, first: User, second: User, exercise: Exercise) -> bool:
    """A live share of `exercise` between the two, whichever of them started it."""
    return Share.objects.live().between(first, second).filter(exercise=exercise).exists()


def share_get_for_participant(*, user: User, share_id: int) -> Share:
    """A live share that `user` started or was named in; Share.DoesNotExist otherwise."""
    return (
        Share.objects.live()
        .involving(user)
        .select_related("owner", "colleague", "exercise")
        .get(pk=share_id)
    )


def share_get_for_invitee(*, user: User, token: str) -> Share:
    """The pending share behind an invitation link, for the person it is for (or its
    sender); Share.DoesNotExist for anyone else, so a guessed or forwarded link reveals
    nothing, and for everyone once it has expired."""
    return (
        Share.objects.invitations_current()
        .filter(_addressed_to(user) | Q(owner=user))
        .select_related("owner", "owner__team", "colleague", "exercise")
        .get(token=token)
    )


def share_get_expired_for_sender(*, user: User, token: str) -> Share | None:
    """The expired invitation behind a link, only for the person who sent it (so they
    can be told it expired); None for anyone else, the person invited included."""
    return (
        Share.objects.invitations_expired()
        .filter(owner=user, token=token)
        .select_related("colleague", "exercise")
        .first()
    )


def share_get_accepted(*, user: User, token: str) -> Share | None:
    """The accepted share behind an invitation link that `user` accepted, if any."""
    return (
        Share.objects.accepted()
        .filter(colleague=user, token=token)
        .select_related("exercise")
        .first()
    )


def invitation_can_respond(*, user: User, share: Share) -> bool:
    """Whether `user` may accept or decline this pending share (see `_addressed_to`);
    nobody may once it has expired."""
    if share.owner_id == user.pk or share.status != Share.Status.PENDING or share.is_expired:
        return False
    if share.colleague_id is not None:  # addressed by name: no need to ask the database
        return share.colleague_id == user.pk
    return Share.objects.invitations_current().filter(_addressed_to(user), pk=share.pk).exists()


def shareable_exercise_get(*, number: int) -> Exercise:
    """An exercise written for pairs; Exercise.DoesNotExist for a solo one."""
    exercise = Exercise.objects.get(number=number)
    if not exercise.is_shareable:
        raise Exercise.DoesNotExist(f"Exercise {number} is not shared.")
    return exercise


# --- Colleagues ------------------------------------------------------------------------------


def colleague_search(
    *, viewer: User, query: str, limit: int = COLLEAGUE_SEARCH_LIMIT
) -> QuerySet[User]:
    """Active people in the viewer's organisation whose name contains `query`: those in
    the viewer's own team first (the exercises ask for someone from the same team), then
    the rest, each group by name."""
    query = query.strip()
    if not query:
        return User.objects.none()
    own_team = viewer.team_id or 0  # no team: nobody is listed first
    other_team = Case(When(team_id=own_team, then=Value(0)), default=Value(1))
    return (
        User.objects.colleagues_of(viewer)
        .filter(full_name__icontains=query)
        .select_related("team")
        .only("id", "full_name", "team__name")
        .order_by(other_team, "full_name", "pk")[:limit]
    )


def colleague_get(*, viewer: User, user_id: int | str) -> User:
    """A colleague the viewer may pick, or User.DoesNotExist."""
    return User.objects.colleagues_of(viewer).get(pk=user_id)
