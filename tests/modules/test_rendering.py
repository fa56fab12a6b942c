"""Markdown to sanitised HTML, and practitioners' plain text to escaped HTML."""

import re

import pytest

from modules.models import Exercise, Lesson, Question
from modules.rendering import (
    GlossaryLink,
    MarkdownContentError,
    chart_html,
    reading_minutes,
    render_markdown,
    render_plain_text,
    sanitise_html,
    split_at_first_section,
    split_off_references,
    word_count,
)
from tests.factories import ExerciseFactory, LessonFactory, QuestionFactory

# Every payload carries "pwned" in the part that would run: it may survive only as
# harmless text, never inside a tag.
HOSTILE_MARKDOWN = {
    "script element": "<script>pwned()</script>",
    "script element inline": "Some text <script>pwned()</script> more text.",
    "mixed-case script": "<ScRiPt>pwned()</sCrIpT>",
    "script split by a null": "<scr\x00ipt>pwned()</script>",
    "onerror on an image": '<img src="x.png" onerror="pwned()">',
    "mixed-case onerror": '<IMG SRC="x.png" OnErRoR="pwned()">',
    "onclick on a paragraph": '<p onclick="pwned()">Click</p>',
    "javascript link in Markdown": "[Click](javascript:pwned())",
    "javascript link in HTML": '<a href="javascript:pwned()">Click</a>',
    "mixed-case javascript link": '<a href="JaVaScRiPt:pwned()">Click</a>',
    "javascript link as entities": '<a href="&#106;avascript:pwned()">Click</a>',
    "javascript link as hex entities": '<a href="&#x6A;&#x61;vascript:pwned()">Click</a>',
    "javascript link with a tab": '<a href="java&#9;script:pwned()">Click</a>',
    "javascript link with a newline": '<a href="java&#x0A;script:pwned()">Click</a>',
    "javascript link with a leading space": '<a href=" javascript:pwned()">Click</a>',
    "javascript link with padded entities": '<a href="&#0000106avascript:pwned()">Click</a>',
    "javascript reference link": "[Click][1]\n\n[1]: javascript:pwned()",
    "javascript autolink": "<javascript:pwned()>",
    "vbscript link": '<a href="vbscript:pwned()">Click</a>',
    "data link in Markdown": "[Click](data:text/html;base64,cHduZWQ=pwned)",
    "data link in HTML": '<a href="data:text/html,<script>pwned()</script>">Click</a>',
    "data image in Markdown": "![Alt](data:image/svg+xml,pwned)",
    "iframe": '<iframe src="https://evil.example/pwned"></iframe>',
    "mixed-case iframe": '<IfRaMe SrC="https://evil.example/pwned"></IfRaMe>',
    "iframe srcdoc": '<iframe srcdoc="<script>pwned()</script>"></iframe>',
    "style attribute": '<p style="background:url(pwned)">Styled</p>',
    "style element": "<style>body { background: url(pwned) }</style>",
    "object": '<object data="pwned.swf"></object>',
    "embed": '<embed src="pwned.swf">',
    "form": '<form action="https://evil.example/pwned"><input name="pwned"></form>',
    "button with formaction": '<button formaction="https://evil.example/pwned">Go</button>',
    "svg with onload": '<svg onload="pwned()"><circle r="1"/></svg>',
    "svg with a script": "<svg><script>pwned()</script></svg>",
    "math with a link": '<math><a xlink:href="javascript:pwned()">x</a></math>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/pwned">',
    "base href": '<base href="https://evil.example/pwned/">',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/pwned.css">',
    "comment hiding a script": "<!-- --><script>pwned()</script><!-- -->",
    "unclosed attribute": '<img src="x.png" alt="a" onerror=pwned() ',
    "event handler in an allowed tag": '<h2 id="x" onmouseover="pwned()">Heading</h2>',
}
# Elements that must never be output, and words that must never appear inside a tag
# (as escaped text they are harmless, and the reader sees what was written).
FORBIDDEN_TAGS = [
    "<script", "<iframe", "<style", "<object", "<embed", "<form", "<input", "<button",
    "<svg", "<math", "<meta", "<base", "<link",
]  # fmt: skip
FORBIDDEN_IN_TAGS = [
    "pwned", " on", "javascript:", "vbscript:", "data:", "style=", "srcdoc", "formaction",
]  # fmt: skip


def _dangers(rendered):
    rendered = rendered.lower()
    tags = " ".join(re.findall(r"<[^>]*>", rendered))
    return [word for word in FORBIDDEN_TAGS if word in rendered] + [
        word for word in FORBIDDEN_IN_TAGS if word in tags
    ]


@pytest.mark.parametrize("markdown_text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_hostile_markup_is_removed(markdown_text):
    assert _dangers(render_markdown(markdown_text)) == []


def test_the_words_around_removed_markup_are_kept():
    rendered = render_markdown('Before <script>pwned()</script> <iframe src="x"></iframe> after.')

    assert rendered == "<p>Before   after.</p>"


@pytest.mark.parametrize("markdown_text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_hostile_markup_between_two_paragraphs_keeps_both(markdown_text):
    rendered = render_markdown(f"Opening words.\n\n{markdown_text}\n\nClosing words.")

    assert _dangers(rendered) == []
    assert "Opening words." in rendered
    assert "Closing words." in rendered


# nh3 drops everything after this: the <style> inside MathML swallows the lesson.
TRUNCATING = (
    "Before.\n\n<math><mtext><table><mglyph><style><img src=x onerror=pwned()>\n\n"
    "After the markup, the rest of the lesson.\n\nAnd more."
)


def test_markup_that_would_swallow_the_rest_of_the_lesson_is_refused_naming_it():
    with pytest.raises(MarkdownContentError) as raised:
        render_markdown(TRUNCATING)

    message = str(raised.value)
    assert "the text from “After” on would be lost" in message
    assert "<math>, <mtext>, <mglyph>, <style>" in message


@pytest.mark.parametrize(
    "markdown_text",
    [
        "Before <style>p { color: red }</style> after.",
        "Before <kbd>Ctrl</kbd> and <u>under</u> after.",
        "Before <noscript>quiet</noscript> after.",
        "Before <svg><circle r='1'/></svg> after.",
        "Before &lt;not a tag&gt; &amp; after.",
        "Before <!-- a comment --> after.",
    ],
)
def test_markup_removed_without_losing_words_is_not_refused(markdown_text):
    assert "after." in render_markdown(markdown_text)


def test_the_words_of_an_unclosed_never_shown_element_count():
    """An unclosed <script> swallows what follows in the browser and in the sanitiser:
    the words after it would be lost, so it is refused."""
    with pytest.raises(MarkdownContentError, match="because of <script>"):
        render_markdown("Before.\n\n<script>\n\nThe rest of the lesson.")


# What a lesson can hold: PostgreSQL cannot store a NUL, and the loader refuses one.
STORABLE_HOSTILE_MARKDOWN = {k: v for k, v in HOSTILE_MARKDOWN.items() if "\x00" not in v}


def test_a_lesson_with_every_hostile_construct_stores_none_of_them(db):
    lesson = LessonFactory(body_markdown="\n\n".join(STORABLE_HOSTILE_MARKDOWN.values()))

    assert _dangers(Lesson.objects.get(pk=lesson.pk).body_html) == []


def test_safe_links_keep_their_address_and_open_safely():
    rendered = render_markdown("[Guidance](https://www.gov.uk/guidance) and [mail](mailto:a@b.org)")

    link = '<a href="https://www.gov.uk/guidance" rel="noopener noreferrer">Guidance</a>'
    assert link in rendered
    assert 'href="mailto:a@b.org"' in rendered


def test_relative_links_and_images_are_kept():
    rendered = render_markdown("[Next](/lessons/next/) ![A chart](/static/img/chart.png)")

    assert 'href="/lessons/next/"' in rendered
    assert '<img alt="A chart" src="/static/img/chart.png">' in rendered


def test_headings_get_ids_for_linking():
    assert render_markdown("## Why it matters") == '<h2 id="why-it-matters">Why it matters</h2>'


def test_tables_keep_their_structure():
    rendered = render_markdown("| Age | Count |\n|---|---|\n| 14 | 2 |")

    assert "<table>" in rendered
    assert "<th>Age</th>" in rendered
    assert "<td>14</td>" in rendered


def test_a_box_callout_becomes_a_titled_box():
    rendered = render_markdown('!!! box "Box 1: Key terminology"\n    Inside the box.')

    assert rendered == (
        '<div class="admonition box">\n'
        '<h2 class="admonition-title">Box 1: Key terminology</h2>\n'
        "<p>Inside the box.</p>\n"
        "</div>"
    )


def test_a_callout_title_is_a_heading_one_level_below_the_section_it_sits_in():
    rendered = render_markdown(
        '## The law\n\n### Orders\n\n!!! law "Sexual Harm Prevention Orders"\n    Text.\n\n'
        '## Prevalence\n\n!!! box "Box 2: Estimates"\n    Text.'
    )

    assert '<h4 class="admonition-title">Sexual Harm Prevention Orders</h4>' in rendered
    assert '<h3 class="admonition-title">Box 2: Estimates</h3>' in rendered


def test_a_top_level_heading_is_not_allowed_in_a_lesson():
    # The lesson title is the page's only h1.
    assert "<h1" not in render_markdown("# A second title")


CHART = """\
```chart
title: "Counted <things>"
unit: "things"
bars:
  - label: "Fewer <b>bold</b>"
    value: 5000
    source: "Someone 2013"
  - label: "More"
    value: 40000
```"""


def test_a_chart_is_drawn_and_given_as_a_table():
    rendered = render_markdown(CHART)

    assert rendered.startswith('<figure class="chart">')
    assert '<div class="chart-bars" aria-hidden="true">' in rendered
    assert '<span class="chart-fill chart-w-12"></span>' in rendered
    assert '<span class="chart-fill chart-w-100"></span>' in rendered
    assert "<caption>Counted &lt;things&gt;</caption>" in rendered
    assert "<td>5,000</td><td>Someone 2013</td>" in rendered
    assert '<th scope="row">More</th><td>40,000</td><td></td>' in rendered


def test_a_charts_labels_are_shown_as_text_not_markup():
    rendered = render_markdown(CHART)

    assert "<b>" not in rendered
    assert "Fewer &lt;b&gt;bold&lt;/b&gt;" in rendered


def test_a_chart_inside_ordinary_code_fences_is_left_as_code():
    rendered = render_markdown("```yaml\ntitle: x\n```")

    assert "<figure" not in rendered
    assert "<code" in rendered


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"bars": [{"label": "A", "value": 1}]}, "a chart needs a title and a list of bars"),
        ({"title": "T", "bars": []}, "a chart needs a title and a list of bars"),
        ({"title": "T", "bars": [{"value": 1}]}, "chart bar 1 needs a label"),
        ({"title": "T", "bars": [{"label": "A", "value": "1"}]}, "needs a whole-number value"),
        ({"title": "T", "bars": [{"label": "A", "value": 1.5}]}, "needs a whole-number value"),
        ({"title": "T", "bars": [{"label": "A", "value": True}]}, "needs a whole-number value"),
        ({"title": "T", "bars": [{"label": "A", "value": -5}]}, "must not be negative"),
        (["not", "a", "mapping"], "a chart needs a title and a list of bars"),
    ],
)
def test_bad_chart_data_is_refused_with_its_reason(spec, message):
    with pytest.raises(MarkdownContentError, match=message):
        chart_html(spec)


def test_a_chart_of_zeros_draws_empty_bars():
    rendered = chart_html({"title": "T", "bars": [{"label": "A", "value": 0}]})

    assert "chart-w-0" in rendered


def test_sanitise_html_strips_comments():
    assert sanitise_html("<p>a<!-- secret --></p>") == "<p>a</p>"


def test_saving_a_lesson_renders_and_stores_its_html(db):
    lesson = LessonFactory(body_markdown="Some *emphasis*.")

    lesson.body_markdown = "Some **strength**."
    lesson.save()

    assert Lesson.objects.get(pk=lesson.pk).body_html == "<p>Some <strong>strength</strong>.</p>"


def test_saving_an_exercise_and_a_question_renders_their_html(db):
    question = QuestionFactory(
        text_markdown="What <script>pwned()</script> *now*?",
        exercise=ExerciseFactory(intro_markdown="Read <em>this</em>."),
    )

    assert Question.objects.get(pk=question.pk).text_html == "<p>What  <em>now</em>?</p>"
    assert Exercise.objects.get(pk=question.exercise_id).intro_html == "<p>Read <em>this</em>.</p>"


class TestRenderPlainText:
    def test_paragraphs_and_line_breaks_are_kept(self):
        assert render_plain_text("One\ntwo\n\nThree") == "<p>One<br>two</p><p>Three</p>"

    def test_markup_is_shown_as_text(self):
        assert render_plain_text("<script>pwned()</script> & <b>") == (
            "<p>&lt;script&gt;pwned()&lt;/script&gt; &amp; &lt;b&gt;</p>"
        )

    def test_markdown_is_not_interpreted(self):
        assert render_plain_text("**not bold** [link](javascript:x)") == (
            "<p>**not bold** [link](javascript:x)</p>"
        )

    def test_blank_text_gives_nothing(self):
        assert render_plain_text("  \n\n  ") == ""


# --- Reading time and the lesson's opening ---------------------------------------------


def test_words_are_counted_once_as_a_reader_meets_them():
    body = render_markdown(
        "Some **bold**ly written text &amp; more.\n\n"
        '```chart\ntitle: "Two bars"\nbars:\n  - label: "One label"\n    value: 1\n```\n'
    )

    text = 6  # "Some boldly written text & more."
    titles = 2 * 2  # the chart's title, above it and as the table's caption
    table = 5 + (3 + 2 + 1) + (2 + 1)  # "The figures as a table", headers, the row
    # The bars repeat the row and are hidden from screen readers: counted once, in the table.
    assert word_count(body) == text + titles + table


def test_reading_time_is_at_least_a_minute_and_rounds_up():
    assert reading_minutes("") == 1
    assert reading_minutes("<p>" + "word " * 200 + "</p>") == 1
    assert reading_minutes("<p>" + "word " * 201 + "</p>") == 2


def test_the_opening_is_everything_before_the_first_section_heading():
    body = render_markdown(
        "Opening words.\n\n"
        '!!! box "Box 1: A box"\n    Inside the box.\n\n'
        "## First section\n\nSection words.\n\n## Second\n\nMore."
    )

    opening, rest = split_at_first_section(body)

    # The box's title is a heading too, but inside the box: not a section of the lesson.
    assert opening.startswith("<p>Opening words.</p>")
    assert "Inside the box." in opening
    assert rest.startswith('<h2 id="first-section">First section</h2>')
    assert opening + rest == body


def test_a_lesson_without_sections_has_no_opening():
    body = render_markdown("Just text.\n\nMore text.")

    assert split_at_first_section(body) == ("", body)


def test_a_link_whose_text_is_its_address_is_marked_so_print_does_not_repeat_it():
    html = render_markdown(
        "See <https://www.gov.uk/guidance> or [www.gov.uk/guidance/](https://www.gov.uk/guidance)"
        " and [the guidance](https://www.gov.uk/guidance)."
    )

    assert html.count('class="url-text"') == 2
    named = '<a href="https://www.gov.uk/guidance" rel="noopener noreferrer">the guidance</a>'
    assert named in html


GLOSSARY = [
    GlossaryLink(href="/glossary/#grooming", phrases=("grooming",)),
    GlossaryLink(href="/glossary/#cse", phrases=("child sexual exploitation", "CSE")),
]


def glossary_links(html):
    link = r'<a class="glossary-link" href="(/glossary/#[a-z-]+)"[^>]*>([^<]*)</a>'
    return re.findall(link, html)


def test_the_first_use_of_each_glossary_term_links_to_it():
    html = render_markdown(
        "Grooming can hide CSE. Later, grooming and CSE again.", glossary=GLOSSARY
    )

    assert glossary_links(html) == [
        ("/glossary/#grooming", "Grooming"),
        ("/glossary/#cse", "CSE"),
    ]


def test_a_glossary_term_is_not_linked_in_headings_links_or_code():
    html = render_markdown(
        "## Grooming and CSE\n\n"
        "See [grooming guidance](https://example.org) and `CSE`.\n\n"
        '!!! box "Box 1: grooming"\n    Text with *grooming* inside and cse in lower case.\n',
        glossary=GLOSSARY,
    )

    assert glossary_links(html) == [("/glossary/#grooming", "grooming")]
    assert "<em><a" in html
    assert '<h2 id="grooming-and-cse">Grooming and CSE</h2>' in html


def test_an_abbreviation_matches_only_as_written_and_only_as_a_whole_word():
    html = render_markdown("The CSEs and non-CSE work; cse; then Child Sexual Exploitation.",
                           glossary=GLOSSARY)  # fmt: skip

    assert glossary_links(html) == [("/glossary/#cse", "Child Sexual Exploitation")]


def test_a_closing_reference_list_is_split_off():
    body = render_markdown("Text.\n\n## A section\n\nMore.\n\n## References\n\n- Munro (2011).")

    lesson, references = split_off_references(body)

    assert lesson.endswith("<p>More.</p>\n")
    assert references.startswith('<h2 id="references">References</h2>')
    assert "Munro (2011)." in references
    assert lesson + references == body


@pytest.mark.parametrize(
    "markdown",
    [
        "Text.\n\n## References\n\n- One.\n\n## Afterword\n\nLast words.",
        "Text.\n\n## Why references matter\n\nWords.",
        "Just text.",
    ],
)
def test_a_lesson_not_ending_in_a_reference_list_is_kept_whole(markdown):
    body = render_markdown(markdown)

    assert split_off_references(body) == (body, "")
