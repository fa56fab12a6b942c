from django import template
from django.template.loader import render_to_string

from .. import course_cache
from ..formats import minutes_in_words

register = template.Library()


@register.filter
def duration(minutes):
    """120 -> '2 hours', 95 -> '1 hour 35 minutes', 40 -> '40 minutes'."""
    return minutes_in_words(minutes)


@register.simple_tag
def outline(outline, *, link_lessons=False, current=None, id_prefix="", show_summaries=False):
    """modules/_outline.html for `outline`, kept between requests by what it shows (the
    course content, each lesson's state, the lesson being read), never by whose it is."""
    link_lessons, show_summaries = bool(link_lessons), bool(show_summaries)
    current_pk = current.pk if current is not None else None
    key = ("outline", outline.fingerprint, current_pk, link_lessons, id_prefix, show_summaries)
    context = {
        "outline": outline,
        "link_lessons": link_lessons,
        "current": current,
        "id_prefix": id_prefix,
        "show_summaries": show_summaries,
    }
    return course_cache.kept(
        outline.version, key, lambda: render_to_string("modules/_outline.html", context)
    )
