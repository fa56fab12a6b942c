"""docs/privacy.md stays in step with the register of personal data (reflections.export)
and the facts beside it (reflections.privacy)."""

import re
from pathlib import Path

from django.conf import settings

from reflections.export import NOT_ERASED, USER_DATA
from reflections.privacy import HEADER, MODEL_FACTS, OTHER_STORES, privacy_table

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "privacy.md"
MODEL_LABEL = re.compile(r"`([a-z_]+\.[A-Z]\w*)`")


def data_table(text):
    """The rows of the table under the header HEADER (the first table in the document)."""
    lines = text.splitlines()
    start = lines.index(HEADER[0])
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def where_cells(rows):
    return [row.split(" | ")[1] for row in rows[2:]]


def models_named(rows):
    return {label for cell in where_cells(rows) for label in MODEL_LABEL.findall(cell)}


def register():
    return {holding.model._meta.label for holding in USER_DATA} | set(NOT_ERASED)


def test_every_model_in_the_register_is_in_the_document():
    missing = register() - models_named(data_table(DOCUMENT.read_text()))

    assert missing == set(), f"docs/privacy.md has no row for {sorted(missing)}"


def test_the_document_names_no_model_outside_the_register():
    extra = models_named(data_table(DOCUMENT.read_text())) - register()

    assert extra == set(), f"docs/privacy.md names models not in the register: {sorted(extra)}"


def test_every_model_in_the_register_has_its_facts():
    assert register() == set(MODEL_FACTS)


def test_the_document_shows_the_facts_as_they_are():
    expected = privacy_table()

    assert data_table(DOCUMENT.read_text()) == expected, (
        "docs/privacy.md is out of step with reflections/privacy.py; its table should be:\n\n"
        + "\n".join(expected)
    )


def test_sessions_cache_logs_and_email_are_in_the_document():
    rows = data_table(DOCUMENT.read_text())[2:]
    stores = ("Sessions", "Rate-limit counts", "Team figures", "Logs", "Email")

    for store in stores:
        assert any(row.startswith(f"| {store}: ") for row in rows), store
    assert set(OTHER_STORES) == set(stores)


def test_a_model_missing_from_the_document_would_be_caught():
    """The parse really reads the model names: take one row out and it is missed."""
    rows = data_table(DOCUMENT.read_text())
    without_answers = [row for row in rows if "`reflections.Answer`" not in row]

    assert register() - models_named(without_answers) == {"reflections.Answer"}


def test_every_period_the_document_gives_is_a_setting():
    text = DOCUMENT.read_text()
    named = set(re.findall(r"`([A-Z][A-Z_]+_(?:DAYS|MINUTES|HOURS))`", text))

    assert named
    missing = [name for name in named if not hasattr(settings, name)]
    assert missing == []


def test_the_defaults_the_document_gives_are_the_settings_defaults():
    text = DOCUMENT.read_text()
    given = re.findall(r"`([A-Z][A-Z_]+)` \((\d+)", text)

    assert given
    assert [(name, int(value)) for name, value in given] == [
        (name, getattr(settings, name)) for name, _value in given
    ]
