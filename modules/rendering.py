"""Markdown to safe HTML, done once when content is loaded or saved.

Everything a trainer writes passes through an allow-list sanitiser (nh3): any tag,
attribute or URL scheme not listed below is removed, whatever the Markdown held.
"""

import html
import math
import re
import xml.etree.ElementTree as etree
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
import yaml
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
    "ol", "p", "pre", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "aria-hidden"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Reading speed for a lesson's estimated time: an unhurried pace for study text.
WORDS_PER_MINUTE = 200
VOID_TAGS = {"br", "hr", "img"}
# Tags that start or end a run of text: the words either side of them are separate.
INLINE_TAGS = {"a", "abbr", "code", "del", "em", "span", "strong", "sub", "sup"}

CHART_BLOCK = re.compile(r"^```chart[ \t]*\n(?P<body>.*?)\n```[ \t]*$", re.MULTILINE | re.DOTALL)


class MarkdownContentError(ValueError):
    """The Markdown is well formed but something in it is not (a chart's data, say)."""


def sanitise_html(dirty: str) -> str:
    return nh3.clean(
        dirty,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def chart_html(spec) -> str:
    """A horizontal bar chart for sighted readers and the same figures as a table."""
    if not isinstance(spec, dict) or not spec.get("title") or not spec.get("bars"):
        raise MarkdownContentError("a chart needs a title and a list of bars")
    bars = spec["bars"]
    for number, bar in enumerate(bars, start=1):
        if not isinstance(bar, dict) or not bar.get("label"):
            raise MarkdownContentError(f"chart bar {number} needs a label")
        if not isinstance(bar.get("value"), int) or isinstance(bar["value"], bool):
            raise MarkdownContentError(f"chart bar {number} needs a whole-number value")
        if bar["value"] < 0:
            raise MarkdownContentError(f"chart bar {number}'s value must not be negative")
    esc = html.escape
    largest = max(bar["value"] for bar in bars) or 1
    unit = esc(str(spec.get("unit", "")))
    rows, table_rows = [], []
    for bar in bars:
        width = round(100 * bar["value"] / largest)
        value = f"{bar['value']:,}"
        rows.append(
            '<div class="chart-row">'
            f'<span class="chart-label">{esc(str(bar["label"]))}</span>'
            f'<span class="chart-track"><span class="chart-fill chart-w-{width}"></span></span>'
            f'<span class="chart-value">{value}</span></div>'
        )
        table_rows.append(
            f'<tr><th scope="row">{esc(str(bar["label"]))}</th><td>{value}</td>'
            f"<td>{esc(str(bar.get('source', '')))}</td></tr>"
        )
    title = esc(str(spec["title"]))
    return (
        f'<figure class="chart"><figcaption class="chart-title">{title}</figcaption>'
        f'<div class="chart-bars" aria-hidden="true">{"".join(rows)}</div>'
        f'<details class="chart-data"><summary>The figures as a table</summary>'
        f'<table class="table table-sm"><caption>{title}</caption>'
        f'<thead><tr><th scope="col">What was counted</th><th scope="col">Number of {unit}</th>'
        f'<th scope="col">Source</th></tr></thead><tbody>{"".join(table_rows)}</tbody></table>'
        "</details></figure>"
    )


class ChartPreprocessor(Preprocessor):
    def run(self, lines):
        text = "\n".join(lines)

        def replace(match):
            try:
                spec = yaml.safe_load(match.group("body"))
            except yaml.YAMLError as error:
                raise MarkdownContentError(f"a chart's data is not valid YAML: {error}") from None
            return "\n" + self.md.htmlStash.store(chart_html(spec)) + "\n"

        return CHART_BLOCK.sub(replace, text).split("\n")


class CalloutHeadingTreeprocessor(Treeprocessor):
    """A call-out's title becomes a heading one level below the heading before it,
    so screen-reader users can find Box 1 to Box 5 in the page's list of headings."""

    def run(self, root):
        level = 1  # the lesson title
        for element in root.iter():
            if element.tag in {"h2", "h3", "h4", "h5", "h6"}:
                level = int(element.tag[1])
            elif element.tag == "p" and "admonition-title" in element.get("class", "").split():
                element.tag = f"h{min(level + 1, 6)}"


def _address_without_scheme(href: str) -> str:
    return re.sub(r"^(https?://|mailto:)", "", href.strip()).removeprefix("www.").rstrip("/")


class UrlTextTreeprocessor(Treeprocessor):
    """A link whose text is its own address gets the class url-text, so a printed page
    does not print the address twice (static/css/print.css)."""

    def run(self, root):
        for link in root.iter("a"):
            text = "".join(link.itertext())
            href = link.get("href", "")
            if href and _address_without_scheme(text) == _address_without_scheme(href):
                link.set("class", " ".join(filter(None, [link.get("class"), "url-text"])))


@dataclass(frozen=True)
class GlossaryLink:
    """A glossary term as lesson text links to it: the phrases that stand for it."""

    href: str
    phrases: tuple[str, ...]

    def pattern(self) -> re.Pattern:
        # An abbreviation (CSE) matches as written; other phrases in any case.
        alternatives = [
            re.escape(p) if p.isupper() else f"(?i:{re.escape(p)})"
            for p in sorted(self.phrases, key=len, reverse=True)
        ]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")


# Text inside these is never linked to the glossary: headings, links, code, and the
# figures of a chart.
GLOSSARY_SKIPPED_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "abbr",
                         "summary", "figcaption", "caption", "th"}  # fmt: skip


class GlossaryTreeprocessor(Treeprocessor):
    """The first use of each glossary term in a text becomes a link to its definition.
    Done when the text is rendered (on load or save), never per request."""

    def __init__(self, md, links: Sequence[GlossaryLink]):
        super().__init__(md)
        self.patterns = [(link.href, link.pattern()) for link in links]

    def run(self, root):
        self.waiting = list(self.patterns)
        self._link_within(root)

    def _link_within(self, element):
        if element.tag in GLOSSARY_SKIPPED_TAGS:
            return
        element.text, made = self._split(element.text)
        for offset, link in enumerate(made):
            element.insert(offset, link)
        for child in list(element)[len(made) :]:
            self._link_within(child)
            child.tail, made = self._split(child.tail)
            position = list(element).index(child) + 1
            for offset, link in enumerate(made):
                element.insert(position + offset, link)

    def _split(self, text):
        """(the text before the first link, [the links, each with the text after it])."""
        if not text or not self.waiting:
            return text, []
        found = [(m.start(), m.end(), entry) for entry in self.waiting
                 if (m := entry[1].search(text))]  # fmt: skip
        if not found:
            return text, []
        start, end, entry = min(found, key=lambda item: item[0])
        self.waiting.remove(entry)
        link = etree.Element("a", {"href": entry[0], "class": "glossary-link"})
        link.text = text[start:end]
        link.tail, rest = self._split(text[end:])
        return text[:start], [link, *rest]


class ChartExtension(Extension):
    def extendMarkdown(self, md):
        # Before fenced code blocks (priority 25), which would otherwise claim the block.
        md.preprocessors.register(ChartPreprocessor(md), "course_chart", 30)
        md.treeprocessors.register(CalloutHeadingTreeprocessor(md), "course_callout_heading", 5)
        md.treeprocessors.register(UrlTextTreeprocessor(md), "course_url_text", 4)


class GlossaryExtension(Extension):
    def __init__(self, links: Sequence[GlossaryLink]):
        super().__init__()
        self.links = links

    def extendMarkdown(self, md):
        # After the call-outs' titles have become headings (priority 5).
        md.treeprocessors.register(GlossaryTreeprocessor(md, self.links), "course_glossary", 3)


def _converter(glossary: Sequence[GlossaryLink] = ()) -> markdown.Markdown:
    extensions: list = ["extra", "admonition", "sane_lists", "toc", ChartExtension()]
    if glossary:
        extensions.append(GlossaryExtension(glossary))
    return markdown.Markdown(
        extensions=extensions,
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )


# Elements the sanitiser drops with everything in them: their content is never shown
# (scripts, styles, templates) or is in a namespace the allow-list leaves out (SVG,
# MathML). That is no loss provided the element is closed: an unclosed one that swallows
# the rest of the text is exactly what `_refuse_lost_words` is there to catch.
CONTENT_NEVER_SHOWN = {"script", "style", "template", "svg", "math"}


class _TextWithContext(HTMLParser):
    """The runs of text in some HTML, each with the tags outside the allow-list open (or
    last seen) where it stands, to name the markup that loses it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, tuple[str, ...]]] = []
        self.open_disallowed: list[str] = []
        self.last_disallowed = ""
        self.hidden: list[str] | None = None  # text inside a never-shown element, so far
        self.hidden_tag = ""
        self.hidden_depth = 0  # how many `hidden_tag` elements are open (they can nest)

    def _add(self, text):
        context = tuple(self.open_disallowed)
        if not context and self.last_disallowed:
            context = (self.last_disallowed,)
        if text.strip():
            self.runs.append((text, context))

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.open_disallowed.append(tag)
            self.last_disallowed = tag
        if tag in CONTENT_NEVER_SHOWN and self.hidden is None:
            self.hidden, self.hidden_tag, self.hidden_depth = [], tag, 0
        if tag == self.hidden_tag:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in self.open_disallowed:
            at = len(self.open_disallowed) - 1 - self.open_disallowed[::-1].index(tag)
            del self.open_disallowed[at:]
        if tag == self.hidden_tag:
            self.hidden_depth -= 1
            if not self.hidden_depth:  # closed: its content is rightly dropped
                self.hidden, self.hidden_tag = None, ""

    def handle_data(self, data):
        if self.hidden is not None:
            self.hidden.append(data)
        else:
            self._add(data)

    def close(self):
        super().close()
        if self.hidden is not None:  # never closed: what it swallowed is the lesson's text
            # (Python 3.11's parser leaves an unclosed <style>'s content in rawdata.)
            swallowed = "".join(self.hidden) + self.rawdata
            self._add(re.sub(r"<[^>]*>", " ", swallowed))
            self.hidden = None


def _text_runs(html_text: str) -> list[tuple[str, tuple[str, ...]]]:
    parser = _TextWithContext()
    # As an HTML5 parser (the sanitiser's) does, so `<scr\0ipt>` is read as a tag.
    parser.feed(html_text.replace("\x00", "\ufffd"))
    parser.close()
    return parser.runs


def _without_spaces(text: str) -> str:
    return "".join(text.split())


def _refuse_lost_words(dirty: str, clean: str) -> None:
    """Raise MarkdownContentError when sanitising lost text a reader would have seen.

    Removing a tag keeps its text, so every run of text in the rendered HTML should still
    be there, in order, once it is sanitised (spacing aside). Some markup (a <style>
    inside MathML, say) makes the sanitiser drop everything after it: refuse it, naming
    that markup, rather than publish half a lesson.
    """
    kept = _without_spaces("".join(text for text, _context in _text_runs(clean)))
    position = 0
    for text, context in _text_runs(dirty):
        found = kept.find(_without_spaces(text), position)
        if found == -1:
            markup = ", ".join(f"<{tag}>" for tag in context) or "the markup here"
            raise MarkdownContentError(
                f"the text from “{text.split()[0]}” on would be lost when the page is made "
                f"safe, because of {markup}: remove or rewrite that markup"
            )
        position = found + len(_without_spaces(text))


def render_markdown(text: str, *, glossary: Sequence[GlossaryLink] = ()) -> str:
    """Course Markdown to sanitised HTML, ready to store. Refused (MarkdownContentError)
    if sanitising would lose any of its words. With `glossary`, the first use of each
    term links to its definition."""
    dirty = _converter(glossary).convert(text)
    clean = sanitise_html(dirty)
    _refuse_lost_words(dirty, clean)
    return clean


def render_plain_text(text: str) -> str:
    """A practitioner's own words as paragraphs: escaped, then sanitised all the same."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    body = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )
    return nh3.clean(body, tags={"p", "br"}, attributes={})


class _ReadableText(HTMLParser):
    """The words of sanitised HTML a reader meets once: what is aria-hidden (a chart's
    bars, repeated in its table) is left out. Also notes where the first top-level
    `<h2>` begins."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.depth = 0
        self.hidden_depth = None  # depth of the aria-hidden element we are inside
        self.first_section = None  # (line, column) of the first top-level <h2>
        self.last_section = None  # (line, column) of the last top-level <h2>
        self.last_heading: list[str] = []  # the words of the last top-level <h2>
        self.in_section_heading = False

    @property
    def words(self):
        return len("".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        if tag == "h2" and self.depth == 0:
            if self.first_section is None:
                self.first_section = self.getpos()
            self.last_section = self.getpos()
            self.last_heading = []
            self.in_section_heading = True
        if tag not in INLINE_TAGS:
            self.text.append(" ")
        if tag in VOID_TAGS:
            return
        self.depth += 1
        if self.hidden_depth is None and ("aria-hidden", "true") in attrs:
            self.hidden_depth = self.depth

    def handle_endtag(self, tag):
        if tag not in INLINE_TAGS:
            self.text.append(" ")
        if tag in VOID_TAGS:
            return
        if self.hidden_depth == self.depth:
            self.hidden_depth = None
        self.depth -= 1
        if tag == "h2" and self.depth == 0:
            self.in_section_heading = False

    def handle_data(self, data):
        if self.in_section_heading:
            self.last_heading.append(data)
        if self.hidden_depth is None:
            self.text.append(data)


def _parsed(body_html: str) -> _ReadableText:
    parser = _ReadableText()
    parser.feed(body_html)
    parser.close()
    return parser


def word_count(body_html: str) -> int:
    """How many words a reader meets in this (sanitised) HTML."""
    return _parsed(body_html).words


def reading_minutes(body_html: str) -> int:
    """Whole minutes to read it at WORDS_PER_MINUTE, rounded up; at least one."""
    return max(1, math.ceil(word_count(body_html) / WORDS_PER_MINUTE))


def _split_at(body_html: str, position: tuple[int, int] | None) -> tuple[str, str]:
    if position is None:
        return "", body_html
    line, column = position
    offset = 0
    for _ in range(line - 1):  # the parser counts lines by "\n" alone
        offset = body_html.index("\n", offset) + 1
    offset += column
    return body_html[:offset], body_html[offset:]


def split_at_first_section(body_html: str) -> tuple[str, str]:
    """(the opening paragraphs, the rest from the first top-level `<h2>` on).

    With no such heading there is no opening: everything is the rest.
    """
    return _split_at(body_html, _parsed(body_html).first_section)


# The headings of a lesson's closing list of sources: an exercise at the end of the
# lesson goes before such a list, not after it.
REFERENCE_HEADINGS = {"references", "further reading", "references and further reading"}


def split_off_references(body_html: str) -> tuple[str, str]:
    """(the lesson, its closing reference list from that section's `<h2>` on), or
    (the lesson, "") when its last section is not a reference list."""
    parsed = _parsed(body_html)
    heading = " ".join("".join(parsed.last_heading).split()).lower()
    if heading not in REFERENCE_HEADINGS:
        return body_html, ""
    return _split_at(body_html, parsed.last_section)


def lesson_text_parts(*, body_html: str, exercises: list) -> dict:
    """What templates/modules/_lesson_text.html needs to place `exercises` in the lesson:
    one at the start after the opening paragraphs, one at the end before a closing
    reference list."""
    at_start = [e for e in exercises if e.placement == "start"]
    at_end = [e for e in exercises if e.placement == "end"]
    body, references = split_off_references(body_html) if at_end else (body_html, "")
    opening, rest = split_at_first_section(body) if at_start else ("", body)
    return {
        "body_html": body,
        "body_opening": opening,
        "body_rest": rest,
        "body_references": references,
        "exercises_at_start": at_start,
        "exercises_at_end": at_end,
    }
