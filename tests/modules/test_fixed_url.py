"""`{% fixed_url %}`: a URL without arguments, reversed once per URLconf and prefix."""

from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix, set_urlconf

TEMPLATE = Template("{% load course %}{% fixed_url 'modules:glossary' %}")


def render():
    return TEMPLATE.render(Context())


def test_it_is_the_reversed_url():
    assert render() == reverse("modules:glossary") == "/glossary/"


def test_each_script_prefix_has_its_own():
    render()
    set_script_prefix("/course/")
    try:
        assert render() == "/course/glossary/"
    finally:
        clear_script_prefix()
    assert render() == "/glossary/"


def test_each_urlconf_has_its_own(settings):
    render()
    set_urlconf("tests.modules.urls_glossary_elsewhere")
    try:
        assert render() == "/elsewhere/glossary/"
    finally:
        set_urlconf(None)
    assert render() == "/glossary/"
