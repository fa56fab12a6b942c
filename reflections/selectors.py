"""Who may read what, for the whole reflections app. Views ask here; nothing else decides.

A practitioner's answers are readable by them, and by a colleague only through an
accepted, revealed, not-ended share of that exercise. Nobody else: not another
practitioner, a team manager, a trainer or an administrator.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db.models import Prefetch, Q

from accounts.models import User
from modules.models import Exercise, Question

from .models import Answer, AnswerVersion, ExerciseResponse, Share

# --- Own answers ----------------------------------------------------------------------
# A practitioner's own response is found through the requesting user, never through an
# id from the address: there is nothing to guess.


class ResponseState:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"

    LABELS = {NOT_STARTED: "Not started", DRAFT: "Draft", SUBMITTED: "Submitted"}


def _state_of(response):
    if response is None or response.last_saved_at is None and not response.is_submitted:
        return ResponseState.NOT_STARTED
    return ResponseState.SUBMITTED if response.is_submitted else ResponseState.DRAFT


def exercise_for_answering(*, number) -> Exercise:
    """The exercise with its lesson and current questions in order (two queries).

    Raises Exercise.DoesNotExist for an unknown number.
    """
    questions = Question.objects.current().order_by("order")
    return (
        Exercise.objects.select_related("lesson")
        .prefetch_related(Prefetch("questions", queryset=questions, to_attr="current_questions"))
        .get(number=number)
    )


class _ResponseStatus:
    """State words and last save of a response that may not exist yet."""

    @property
    def state(self):
        return _state_of(self.response)

    @property
    def state_label(self):
        return ResponseState.LABELS[self.state]

    @property
    def last_saved_at(self):
        return self.response.last_saved_at if self.response else None


@dataclass
class OwnResponse(_ResponseStatus):
    """`user`'s own work on one exercise; `response` is None until they first save."""

    exercise: object
    response: object = None
    answers: dict = field(default_factory=dict)  # question id -> Answer

    def answer_to(self, question):
        return self.answers.get(question.pk)


def response_for(*, user, exercise) -> OwnResponse:
    """The requesting user's own response to `exercise` and its answers (two queries)."""
    response = ExerciseResponse.objects.owned_by(user).filter(exercise=exercise).first()
    if response is None:
        return OwnResponse(exercise=exercise)
    answers = {answer.question_id: answer for answer in Answer.objects.filter(response=response)}
    return OwnResponse(exercise=exercise, response=response, answers=answers)


@dataclass
class MyReflectionsEntry(_ResponseStatus):
    exercise: object
    response: object


def my_reflections(*, user) -> list:
    """Every exercise in order, with `user`'s state in each (two queries)."""
    exercises = Exercise.objects.select_related("lesson").only(
        "number", "slug", "title", "pairing", "minutes", "lesson__slug", "lesson__title"
    )
    responses = {r.exercise_id: r for r in ExerciseResponse.objects.owned_by(user)}
    return [MyReflectionsEntry(exercise=e, response=responses.get(e.pk)) for e in exercises]


@dataclass
class AnswerHistory:
    question: object
    answer: object  # None when the question has never been answered
    versions: list  # AnswerVersion, newest first


def answer_history(*, user, exercise, question_key) -> AnswerHistory:
    """Every saved version of `user`'s answer to one question, newest first (three queries).

    Raises Question.DoesNotExist for a key the exercise never had.
    """
    question = Question.objects.get(exercise=exercise, key=question_key)
    answer = Answer.objects.filter(
        response__user=user, response__exercise=exercise, question=question
    ).first()
    versions = list(AnswerVersion.objects.filter(answer=answer)) if answer else []
    return AnswerHistory(question=question, answer=answer, versions=versions)


def answer_version_for_deletion(*, user, exercise, question_key, version) -> AnswerVersion:
    """An earlier entry (not the newest, which holds the current text) in the history of
    `user`'s own answer to one question, with its answer and question (one query).

    Raises AnswerVersion.DoesNotExist for anything else: another person's history, the
    current text, or a number that is not there.
    """
    return (
        AnswerVersion.objects.earlier()
        .filter(
            answer__response__user=user,
            answer__response__exercise=exercise,
            answer__question__key=question_key,
            version=version,
        )
        .select_related("answer__question")
        .get()
    )


def question_for_answering(*, number, key) -> Question:
    """A current question of exercise `number`, with its exercise (one query).

    Raises Question.DoesNotExist for an unknown exercise number or question key.
    """
    questions = Question.objects.current().select_related("exercise")
    return questions.get(exercise__number=number, key=key)


# --- Sharing --------------------------------------------------------------------------
# A share lets two colleagues in one organisation read each other's answers to one
# exercise, once both have accepted and both have submitted. Everything below decides
# who may see which share, invitation or answer; views and templates only ask.

COLLEAGUE_SEARCH_LIMIT = 10


class ShareState:
    NONE = "none"  # no share of this exercise yet
    INVITED = "invited"  # the viewer asked; waiting for a reply
    WAITING = "waiting"  # both in; not both submitted yet
    REVEALED = "revealed"  # both submitted: each reads the other's answers


@dataclass
class ExerciseSharing:
    """What `viewer` may see of a colleague's work on one exercise."""

    share: object = None  # the live Share of this exercise involving the viewer, if any
    partner: object = None  # the other person in that share, once registered
    revealed: bool = False  # both accepted and both submitted: answers are visible
    partner_answers: dict = field(default_factory=dict)  # question id -> Answer, when revealed
    shareable: bool = True  # the exercise is written for pairs (or optionally so)
    viewer_submitted: bool = False
    partner_submitted: bool = False
    invitations: list = field(default_factory=list)  # pending invitations to the viewer

    @property
    def pair_questions_open(self):
        return self.revealed

    @property
    def readers_label(self):
        """Who can read the viewer's answers, in words."""
        if self.revealed and self.partner is not None:
            return f"You and {self.partner.full_name}"
        return "Only you"

    @property
    def state(self):
        if self.share is None:
            return ShareState.NONE
        if self.share.status == Share.Status.PENDING:
            return ShareState.INVITED
        return ShareState.REVEALED if self.revealed else ShareState.WAITING

    @property
    def partner_name(self):
        """The partner's name, or the address an invitation went to before they registered."""
        if self.partner is not None:
            return self.partner.full_name
        return self.share.invited_email if self.share is not None else ""

    @property
    def partner_answer_list(self):
        """The partner's answers in question order (empty until revealed)."""
        return sorted(self.partner_answers.values(), key=lambda answer: answer.question.order)


def _engaged_shares(user):
    """Shares `user` is really in: live ones they started, and ones they accepted.

    A person is in at most one of these per exercise; invitations they have not yet
    answered do not count, and neither does one of theirs that has expired (they may
    invite someone again).
    """
    return Share.objects.live().filter(
        Q(owner=user) | Q(colleague=user, status=Share.Status.ACCEPTED)
    )


def share_engaged_get(*, user, exercise):
    """The share of `exercise` that `user` is in (started or accepted), or None."""
    shares = _engaged_shares(user).filter(exercise=exercise)
    return shares.select_related("owner", "colleague").first()


def _addressed_to(user) -> Q:
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


def share_invitations_for(*, user):
    """Invitations waiting for `user`'s reply (see `_addressed_to`)."""
    return (
        Share.objects.invitations_current()
        .filter(_addressed_to(user))
        .exclude(owner=user)
        .select_related("owner", "owner__team", "exercise")
        .order_by("exercise__number", "created_at")
    )


def share_between_exists(*, first, second, exercise) -> bool:
    """A live share of `exercise` between the two, whichever of them started it."""
    return Share.objects.live().between(first, second).filter(exercise=exercise).exists()


def share_get_for_participant(*, user, share_id):
    """A live share that `user` started or was named in; Share.DoesNotExist otherwise."""
    return (
        Share.objects.live()
        .involving(user)
        .select_related("owner", "colleague", "exercise")
        .get(pk=share_id)
    )


def share_get_for_invitee(*, user, token):
    """The pending share behind an invitation link, for the person it is for (or its
    sender); Share.DoesNotExist for anyone else, so a guessed or forwarded link reveals
    nothing, and for everyone once it has expired."""
    return (
        Share.objects.invitations_current()
        .filter(_addressed_to(user) | Q(owner=user))
        .select_related("owner", "owner__team", "colleague", "exercise")
        .get(token=token)
    )


def share_expired_get_for_sender(*, user, token):
    """The expired invitation behind a link, only for the person who sent it (so they
    can be told it expired); None for anyone else, the person invited included."""
    return (
        Share.objects.invitations_expired()
        .filter(owner=user, token=token)
        .select_related("colleague", "exercise")
        .first()
    )


def share_accepted_get(*, user, token):
    """The accepted share behind an invitation link that `user` accepted, if any."""
    return (
        Share.objects.accepted()
        .filter(colleague=user, token=token)
        .select_related("exercise")
        .first()
    )


def invitation_can_respond(*, user, share) -> bool:
    """Whether `user` may accept or decline this pending share (see `_addressed_to`);
    nobody may once it has expired."""
    if share.owner_id == user.pk or share.status != Share.Status.PENDING or share.is_expired:
        return False
    if share.colleague_id is not None:  # addressed by name: no need to ask the database
        return share.colleague_id == user.pk
    return Share.objects.invitations_current().filter(_addressed_to(user), pk=share.pk).exists()


def partner_answers_visible(*, viewer, share) -> bool:
    """The reveal rule: the share is accepted and not ended, and both have submitted."""
    if share is None or share.status != Share.Status.ACCEPTED:
        return False
    pair = {share.owner_id, share.colleague_id}
    if viewer.pk not in pair:
        return False
    return _submitted_user_ids(exercise=share.exercise_id, user_ids=pair) == pair


def _submitted_user_ids(*, exercise, user_ids):
    """Which of `user_ids` have submitted their own answers to `exercise` (one query)."""
    responses = ExerciseResponse.objects.submitted().filter(exercise=exercise, user_id__in=user_ids)
    return set(responses.values_list("user_id", flat=True))


def _answers_of(*, user, exercise):
    return (
        Answer.objects.filter(response__user=user, response__exercise=exercise)
        .filter(question__retired=False)
        .select_related("question")
        .order_by("question__order")
    )


def exercise_sharing(*, viewer, exercise) -> ExerciseSharing:
    """The viewer's share of `exercise`, and what it lets them see (at most four queries)."""
    if not exercise.is_shareable or not viewer.is_authenticated:
        return ExerciseSharing(shareable=False)
    invitations = list(share_invitations_for(user=viewer).filter(exercise=exercise))
    share = share_engaged_get(user=viewer, exercise=exercise)
    if share is None:
        return ExerciseSharing(invitations=invitations)
    partner = share.partner_of(viewer)
    sharing = ExerciseSharing(share=share, partner=partner, invitations=invitations)
    if share.status != Share.Status.ACCEPTED:
        return sharing
    # The reveal rule of partner_answers_visible, from the one query that also says who
    # has submitted, for the panel's wording.
    submitted = _submitted_user_ids(exercise=exercise, user_ids=[viewer.pk, partner.pk])
    sharing.viewer_submitted = viewer.pk in submitted
    sharing.partner_submitted = partner.pk in submitted
    sharing.revealed = sharing.viewer_submitted and sharing.partner_submitted
    if sharing.revealed:
        answers = _answers_of(user=partner, exercise=exercise)
        sharing.partner_answers = {answer.question_id: answer for answer in answers}
    return sharing


@dataclass
class ComparedQuestion:
    question: object
    own_answer: object  # the viewer's Answer, or None
    partner_answer: object  # the partner's Answer, or None


def share_comparison(*, viewer, share) -> list:
    """Question by question, the viewer's answer beside their partner's; [] until revealed."""
    if not partner_answers_visible(viewer=viewer, share=share):
        return []
    partner = share.partner_of(viewer)
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


def shareable_exercise_get(*, number):
    """An exercise written for pairs; Exercise.DoesNotExist for a solo one."""
    exercise = Exercise.objects.get(number=number)
    if not exercise.is_shareable:
        raise Exercise.DoesNotExist(f"Exercise {number} is not shared.")
    return exercise


def colleague_search(*, viewer, query: str, limit: int = COLLEAGUE_SEARCH_LIMIT):
    """Active people in the viewer's organisation whose name contains `query`."""
    query = query.strip()
    if not query:
        return User.objects.none()
    return (
        User.objects.colleagues_of(viewer)
        .filter(full_name__icontains=query)
        .select_related("team")
        .only("id", "full_name", "team__name")
        .order_by("full_name", "pk")[:limit]
    )


def colleague_get(*, viewer, user_id):
    """A colleague the viewer may pick, or User.DoesNotExist."""
    return User.objects.colleagues_of(viewer).get(pk=user_id)


# --- Records --------------------------------------------------------------------------
# The CPD record, the commitment and its review: always the requesting user's own rows.
# Models are imported inside the functions so this section stands alone in the file.


def commitments_of(*, user) -> list:
    """`user`'s commitments, each with the text of its commitment answer (two queries)."""
    from modules.models import Question

    from .models import Answer, Commitment, answer_text_decode

    commitments = list(
        Commitment.objects.filter(response__user=user)
        .select_related("response__exercise")
        .order_by("response__exercise__number")
    )
    texts = dict(
        Answer.objects.filter(
            response__user=user, question__kind=Question.Kind.COMMITMENT
        ).values_list("response_id", "text")
    )
    for commitment in commitments:
        commitment.text = answer_text_decode(texts.get(commitment.response_id, ""))
        commitment.outcome_text = answer_text_decode(commitment.review_outcome)
    return commitments


def commitment_of(*, user, exercise_number):
    """`user`'s commitment for one exercise, or None: nobody else's is ever found."""
    from .models import Commitment

    return (
        Commitment.objects.filter(response__user=user, response__exercise__number=exercise_number)
        .select_related("response__exercise")
        .first()
    )


def cpd_record(*, user):
    """Everything `user`'s CPD record shows, in a fixed number of queries (eight).

    Only `user`'s own answers are read. Of a colleague, only the name, from shares
    that were accepted (the discussion happened even if the share has ended since).
    """
    from django.db.models import Prefetch, Q

    from modules.models import Course, Exercise, LessonProgress, Question

    from .cpd import CpdRecord
    from .models import Answer, Commitment, ExerciseResponse, Share

    exercises = Exercise.objects.order_by("number").prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order"))
    )
    responses = ExerciseResponse.objects.owned_by(user).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.only("response_id", "question_id", "text"))
    )
    peer_shares = (
        Share.objects.involving(user)
        .filter(
            Q(status=Share.Status.ACCEPTED)
            | Q(status=Share.Status.ENDED, responded_at__isnull=False)
        )
        .exclude(colleague__isnull=True)
        .select_related("owner", "colleague")
    )
    return CpdRecord.build(
        user=user,
        course=Course.objects.first(),
        exercises=list(exercises),
        progress=list(LessonProgress.objects.for_user(user).select_related("lesson")),
        responses=list(responses),
        commitments=list(Commitment.objects.filter(response__user=user)),
        peer_shares=list(peer_shares),
    )
