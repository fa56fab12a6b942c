from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse

from .. import course_cache
from ..formats import minutes_in_words

register = template.Library()


@register.filter
def duration(minutes):
    """120 -> '2 hours', 95 -> '1 hour 35 minutes', 40 -> '40 minutes'."""
    return minutes_in_words(minutes)


# URLs without arguments, by (name, URLconf, script prefix): a few dozen at most.
_fixed_urls: dict[tuple[str, str, str], str] = {}


@register.simple_tag
def fixed_url(name):
    """`{% url name %}` for a URL without arguments (the header's and footer's links, the
    same on every page): reversed once per URLconf and script prefix, not on each page."""
    key = (name, str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    try:
        return _fixed_urls[key]
    except KeyError:
        url = _fixed_urls[key] = reverse(name)
        return url


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
