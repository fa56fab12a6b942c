"""reflections.autosave_forms: the usual save is cleaned without the form exactly as the
form cleans it, and anything else is left to the form."""

import pytest
from django.http import QueryDict

from reflections.autosave_forms import AnswerSaveForm, usual_save

BODIES = [
    {"text": "Typed", "version": 3},
    {"text": "", "version": 0},
    {"text": "  a\x00b  ", "version": 7, "resolved": True},
    {"text": "Typed", "version": 2, "resolved": False},
    {"text": "Typed", "version": 2, "other": "ignored"},
    {"text": "Typed", "version": 2**31 - 1},
    {"text": "Typed", "version": 2**31},
    {"text": "Typed", "version": 10**40},
    {"text": "Typed", "version": -1},
    {"text": "Typed", "version": True},
    {"text": "Typed", "version": 1.0},
    {"text": "Typed", "version": "1"},
    {"text": "Typed", "version": None},
    {"text": "Typed"},
    {"version": 1},
    {"text": 5, "version": 1},
    {"text": None, "version": 1},
    {"text": "Typed", "version": 1, "resolved": "false"},
    {"text": "Typed", "version": 1, "resolved": 1},
    {"text": "Typed", "version": 1, "resolved": None},
]


@pytest.mark.parametrize("body", BODIES)
def test_the_usual_save_is_cleaned_as_the_form_cleans_it(body):
    usual = usual_save(body)
    if usual is not None:
        form = AnswerSaveForm(body)
        assert form.is_valid()
        assert usual == form.cleaned_data


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Typed", "version": 3},
        {"text": "Typed", "version": 3, "resolved": True},
        {"text": "", "version": 0, "resolved": False},
    ],
)
def test_what_the_script_sends_needs_no_form(body):
    assert usual_save(body) is not None


def test_a_form_encoded_save_is_left_to_the_form():
    assert usual_save(QueryDict("text=Typed&version=3")) is None
