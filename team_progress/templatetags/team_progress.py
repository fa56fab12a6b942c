from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

register = template.Library()

# A team's section of My teams as rendered, by everything it shows (see `team_summary`).
# Kept per process; emptied when full, which bounds its memory (a few MB at most).
KEPT_MAX = 500
_kept_sections: dict[tuple, str] = {}


@register.simple_tag
def team_summary(summary, *, inactive_days):
    """team_progress/_team_summary.html for `summary` (a `TeamSummary`), kept between
    requests by what it shows: the team's name and figures, the lessons' titles and the
    counts of each, so the same figures are rendered once and any change shows at once.
    Figures only (no one's name): the same for every manager of the team."""
    team = summary.team
    key = (
        get_script_prefix(),
        get_language(),
        team.pk,
        team.name,
        inactive_days,
        summary.members,
        summary.not_started,
        summary.in_progress,
        summary.completed,
        summary.inactive,
        tuple(summary.lesson_counts),
    )
    try:
        return _kept_sections[key]
    except KeyError:
        pass
    html = render_to_string(
        "team_progress/_team_summary.html", {"summary": summary, "inactive_days": inactive_days}
    )
    if len(_kept_sections) >= KEPT_MAX:
        _kept_sections.clear()
    _kept_sections[key] = html
    return html
