import datetime

from django import template
from django.conf import settings
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.formats import date_format

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


# Today's date as the pages print it, by format and language: one day's at a time.
_today: dict[tuple[str, str], str] = {}
_today_is: list[datetime.date | None] = [None]


@register.simple_tag
def today(format_string):
    """`{% now format %}` for a date alone (the printed pages' "Printed on"): formatted
    once a day per process, not on every page."""
    day = timezone.localdate()
    if _today_is[0] != day:
        _today.clear()
        _today_is[0] = day
    key = (format_string, translation.get_language() or "")
    try:
        return _today[key]
    except KeyError:
        formatted = _today[key] = date_format(day, format_string)
        return formatted


# Static files' URLs by path: the few the base template links to every page.
_fixed_statics: dict[str, str] = {}


@register.simple_tag
def fixed_static(path):
    """`{% static path %}` for the stylesheets every page links to: looked up once per
    process in the static files' manifest (a new collectstatic means a new process)."""
    try:
        return _fixed_statics[path]
    except KeyError:
        url = _fixed_statics[path] = static(path)
        return url


@receiver(setting_changed)
def _forget_fixed(*, setting, **kwargs):
    """Tests that change where URLs or static files point get fresh ones."""
    if setting in {"STATIC_URL", "STORAGES", "ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _fixed_statics.clear()
        _fixed_urls.clear()
        course_cache.forget()


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


# What a kept fragment may vary on: plain values, so a key says exactly what the fragment
# shows (never a model instance, whose equality is its id alone).
_PLAIN = (str, int, float, bool, type(None), datetime.date, tuple)

# Stands for the request's CSRF token in a kept fragment: each page puts its own in.
_CSRF_STAND_IN = "csrf" + get_random_string(32)


class KeptNode(template.Node):
    def __init__(self, nodelist, name, vary_on, where):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.where = where

    def render(self, context):
        course = context.get("course")
        version = course.content_version if course else None
        csrf_token = context.get("csrf_token")
        if version is None or csrf_token in (None, "", "NOTPROVIDED"):
            return self.nodelist.render(context)
        values = tuple(value.resolve(context) for value in self.vary_on)
        for value in values:
            if not isinstance(value, _PLAIN):
                raise TypeError(f"{{% kept {self.name} %}} varies on a {type(value).__name__}.")

        def build():
            with context.push(csrf_token=_CSRF_STAND_IN):
                return self.nodelist.render(context)

        # The page's template too: a block inside the fragment may differ from page to page;
        # and the script prefix and language its links and words were made with.
        page = context.template.name if context.template is not None else None
        key = (self.where, page, get_script_prefix(), translation.get_language(), self.name, values)
        html = course_cache.kept_fragment(version, key, build)
        # A node's output goes into the page as it is: the fragment was escaped when it
        # was rendered, and a CSRF token is letters and digits.
        if _CSRF_STAND_IN in html:
            return html.replace(_CSRF_STAND_IN, str(csrf_token))
        return html


@register.tag
def kept(parser, token):
    """`{% kept "name" value ... %}…{% endkept %}`: the fragment rendered once per course
    content version and combination of the values given, then kept between requests
    (`course_cache`). The values must be everything the fragment shows beyond the course
    content (plain values: strings, numbers, dates, tuples), so two people with the
    same values see the same fragment; its CSRF tokens are each request's own. Nothing
    that changes from one request to the next (messages, the time) belongs inside."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a name.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    where = (getattr(parser.origin, "name", None), token.lineno)
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return KeptNode(nodelist, bits[1], vary_on, where)
