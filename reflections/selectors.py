"""Who may read what, for the whole reflections app. Views ask here; nothing else decides.

A practitioner's answers are readable by them, and by a colleague only through an
accepted, revealed, not-ended share of that exercise. Nobody else: not another
practitioner, a team manager, a trainer or an administrator.
"""

from dataclasses import dataclass, field

# --- Sharing --------------------------------------------------------------------------


@dataclass
class ExerciseSharing:
    """What `viewer` may see of a colleague's work on one exercise."""

    share: object = None  # the live Share of this exercise involving the viewer, if any
    partner: object = None  # the other person in that share, once registered
    revealed: bool = False  # both accepted and both submitted: answers are visible
    partner_answers: dict = field(default_factory=dict)  # question id -> Answer, when revealed

    @property
    def pair_questions_open(self):
        return self.revealed

    @property
    def readers_label(self):
        """Who can read the viewer's answers, in words."""
        if self.revealed and self.partner is not None:
            return f"You and {self.partner.full_name}"
        return "Only you"


def exercise_sharing(*, viewer, exercise) -> ExerciseSharing:
    """The viewer's share of `exercise`, and what it lets them see (a fixed few queries)."""
    return ExerciseSharing()
