"""The soak's database side, run in the soak's own process with the production settings:
seed the practitioners and the nudge team, reset between modes, queue the email burst,
watch the queue, and compare every practitioner's stored answer with what the server
acknowledged. Imported by bench/soak.py after Django is set up; nothing here runs in
the app servers.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from accounts.models import Organisation, Team, User
from modules.models import Exercise, Question
from outbox.models import EmailDelivery
from reflections.models import Answer, AnswerVersion, ExerciseResponse, answer_text_decode
from team_progress.models import Nudge
from team_progress.services import nudges_send

ORGANISATION = "Soak Borough Council"
PRACTITIONER_TEAM = "Soak autosave team"
NUDGE_TEAM = "Soak nudge team"
MANAGER_EMAIL = "soak.manager@soak.example"


def practitioner_email(index: int) -> str:
    return f"soak.p{index:04d}@soak.example"


def member_email(index: int) -> str:
    return f"soak.m{index:05d}@soak.example"


def _people(emails: list[str], *, team: Team, organisation: Organisation, password: str) -> None:
    """Create whichever of `emails` are missing, with verified addresses (bulk)."""
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = [email for email in emails if email not in existing]
    users = [
        User(
            email=email,
            full_name=f"Soak {email.split('@')[0].split('.')[1]}",
            organisation=organisation,
            team=team,
            job_role="Social worker",
            password=password,
        )
        for email in missing
    ]
    User.objects.bulk_create(users, batch_size=1000)
    created = User.objects.filter(email__in=missing)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in created],
        batch_size=1000,
    )


def seed(*, practitioners: int, members: int, password: str) -> None:
    """The organisation, `practitioners` who autosave, and a team of `members` (with its
    manager) for the email burst. One real password hash (the production hasher) made
    once and copied to everyone: signing in checks it as for anyone."""
    hashed = make_password(password)
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(
            name=ORGANISATION, defaults={"slug": "soak-borough-council"}
        )
        autosave_team, _ = Team.objects.get_or_create(
            organisation=organisation, name=PRACTITIONER_TEAM
        )
        nudge_team, _ = Team.objects.get_or_create(organisation=organisation, name=NUDGE_TEAM)
        _people(
            [practitioner_email(i) for i in range(practitioners)],
            team=autosave_team,
            organisation=organisation,
            password=hashed,
        )
        _people(
            [member_email(i) for i in range(members)],
            team=nudge_team,
            organisation=organisation,
            password=hashed,
        )
        manager, _ = User.objects.get_or_create(
            email=MANAGER_EMAIL,
            defaults={
                "full_name": "Soak Manager",
                "organisation": organisation,
                "team": nudge_team,
                "role": User.Role.TEAM_MANAGER,
                "password": hashed,
            },
        )
        nudge_team.managers.add(manager)


def exercise_target() -> tuple[int, str]:
    """The exercise number and question key the practitioners answer: the first question
    answered alone (always open) of the first exercise."""
    exercise = Exercise.objects.order_by("number").first()
    if exercise is None:
        raise SystemExit("No exercise loaded: did load_content run?")
    question = (
        Question.objects.filter(exercise=exercise, stage=Question.Stage.INDIVIDUAL)
        .order_by("pk")
        .first()
    )
    if question is None:
        raise SystemExit(f"Exercise {exercise.number} has no question answered alone.")
    return exercise.number, question.key


def reset(*, sessions: bool) -> None:
    """Before each mode: no answers, reminders or queued email left from the last one
    (and, before the first, no sessions: everyone signs in again)."""
    soak_users = User.objects.filter(email__endswith="@soak.example")
    ExerciseResponse.objects.filter(user__in=soak_users).delete()
    Nudge.objects.filter(member__in=soak_users).delete()
    EmailDelivery.objects.all().delete()
    DBTaskResult.objects.all().delete()
    if sessions:
        Session.objects.all().delete()


def close() -> None:
    connection.close()


def burst(*, members: int) -> int:
    """Remind every member of the nudge team at once, as their manager would from the
    team's page; the number of emails queued."""
    manager = User.objects.get(email=MANAGER_EMAIL)
    team = Team.objects.get(name=NUDGE_TEAM)
    ids = list(
        User.objects.filter(team=team, role=User.Role.PRACTITIONER)
        .order_by("pk")
        .values_list("pk", flat=True)[:members]
    )
    return len(nudges_send(manager=manager, team=team, member_ids=ids).sent)


@dataclass
class QueueState:
    waiting: int  # task rows not finished (ready or running)
    by_status: dict[str, int]
    deliveries: dict[str, int]


def queue_state() -> QueueState:
    """How far the worker has got (the soak's own connection may have been dropped by
    the dbterm and emaildb modes: it is checked, and replaced, first)."""
    close_old_connections()
    try:
        return _queue_state()
    except OperationalError:
        connection.close()
        return _queue_state()


def _queue_state() -> QueueState:
    by_status = dict(
        DBTaskResult.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    deliveries = dict(
        EmailDelivery.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    waiting = by_status.get("READY", 0) + by_status.get("RUNNING", 0)
    return QueueState(waiting=waiting, by_status=by_status, deliveries=deliveries)


@dataclass
class Verdict:
    checked: int = 0
    lost: list[str] = field(default_factory=list)
    mixed_up: list[str] = field(default_factory=list)
    acknowledged_missing: list[str] = field(default_factory=list)
    unacknowledged_kept: int = 0  # stored text sent but never acknowledged (allowed)


def verify(clients: list[dict], *, exercise_number: int, key: str) -> Verdict:
    """Compare each practitioner's stored answer and its history with what the server
    acknowledged. `clients`: {"email", "marker", "acked": [(version, text)], "sent":
    [texts]} each.

    - lost: the stored text is neither the last acknowledged text nor a text sent after
      it (one whose reply never came may have been stored: allowed);
    - mixed up: a stored text (current or in the history) not sent by this practitioner;
    - acknowledged missing: an acknowledged text absent from the answer's history (every
      save keeps its own history entry in the soak: ANSWER_HISTORY_COALESCE_MINUTES=0),
      or a stored version lower than the last acknowledged one.
    """
    close_old_connections()  # replaced if a mode dropped it
    verdict = Verdict()
    answers = {
        answer.response.user.email: answer
        for answer in Answer.objects.filter(
            response__exercise__number=exercise_number,
            question__key=key,
            response__user__email__in=[c["email"] for c in clients],
        ).select_related("response__user")
    }
    history: dict[int, set[str]] = {}
    for answer_id, text in AnswerVersion.objects.filter(answer__in=answers.values()).values_list(
        "answer_id", "text"
    ):
        history.setdefault(answer_id, set()).add(answer_text_decode(text))
    for client in clients:
        verdict.checked += 1
        email = client["email"]
        acked = client["acked"]
        sent = client["sent"]
        answer = answers.get(email)
        stored = answer.typed_text if answer else None
        last_text = acked[-1][1] if acked else None
        last_version = acked[-1][0] if acked else 0
        if acked and stored is None:
            verdict.lost.append(email)
            verdict.acknowledged_missing.append(email)
            continue
        if answer is None:
            continue
        texts = {answer.typed_text, *history.get(answer.pk, set())}
        if any(not text.startswith(client["marker"]) for text in texts):
            verdict.mixed_up.append(email)
        sent_after = sent[sent.index(last_text) + 1 :] if last_text in sent else sent
        if stored != last_text:
            if stored in sent_after:
                verdict.unacknowledged_kept += 1
            else:
                verdict.lost.append(email)
        acked_texts = {text for _version, text in acked}
        if not acked_texts <= history.get(answer.pk, set()) or answer.version < last_version:
            verdict.acknowledged_missing.append(email)
    return verdict
