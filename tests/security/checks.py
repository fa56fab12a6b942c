"""Checks that hostile text reached a page, an email, a PDF or an export only as text.

Pages are read with an HTML parser (entities in attribute values decoded, tag and
attribute names lower-cased, as a browser reads them), so escaped text such as
`&lt;img onerror=` is rightly ignored and a live attribute is never missed.
"""

import io
import json
import re
from html.parser import HTMLParser

from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject

# Attributes whose value a browser follows or runs as an address.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "ping", "codebase", "cite", "longdesc", "srcset", "lowsrc", "dynsrc", "manifest",
}  # fmt: skip
# SVG animation attributes that can write an address into another attribute.
ANIMATION_ATTRIBUTES = {"values", "to", "from", "by"}
# Elements that load or run another document, or change where the page's links go.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
# The only scripts the course's pages carry: its own files (and the admin's translation
# catalogue), and JSON data islands.
OWN_SCRIPT_PREFIXES = (settings.STATIC_URL, "/admin/jsi18n/")
# What browsers ignore inside a scheme: ASCII whitespace and control characters.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def _dangerous_address(value: str) -> bool:
    return IGNORED_IN_SCHEME.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script: str | None = None  # the tag's text, if the script is not ours

    def _problem(self, tag, attrs, why):
        shown = " ".join(f'{name}="{value}"' for name, value in attrs)
        self.problems.append(f"<{tag} {shown}>: {why}")

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._problem(tag, attrs, f"event handler {name}")
            if name in URL_ATTRIBUTES and _dangerous_address(value):
                self._problem(tag, attrs, f"{name} is a script or data address")
            if name in ANIMATION_ATTRIBUTES and "script:" in value.lower():
                self._problem(tag, attrs, f"{name} animates to a script address")
            if name == "srcdoc":
                self._problem(tag, attrs, "srcdoc makes a document")
            if name == "style" and re.search(r"expression|script:|url\(", value, re.I):
                self._problem(tag, attrs, "style runs or loads something")
        if tag in FORBIDDEN_TAGS:
            self._problem(tag, attrs, "element that loads another document")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._problem(tag, attrs, "meta refresh")
        if tag == "script":
            own_file = values.get("src", "").startswith(OWN_SCRIPT_PREFIXES)
            data_island = values.get("type") == "application/json" and "src" not in values
            if not (own_file or data_island):
                self._problem(tag, attrs, "a script that is not the course's own")
            self.in_script = "" if own_file else None
        if tag == "style":
            self._problem(tag, attrs, "a style element (the course's pages have none)")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self.in_script is not None:
            self.in_script += data

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script is not None:
            if self.in_script.strip():
                self.problems.append(f"the course's script tag holds code: {self.in_script!r}")
            self.in_script = None


def html_dangers(page: str) -> list[str]:
    """Whatever in `page` would run script, load a document or follow a script address."""
    scan = _Scan()
    # As a browser does: a NUL is read as U+FFFD.
    scan.feed(page.replace("\x00", "\ufffd"))
    scan.close()
    return scan.problems


def response_dangers(response) -> list[str]:
    """`html_dangers` of an HTML reply (its caller checks the status it expects)."""
    content_type = response["Content-Type"]
    if content_type.startswith("text/html"):
        return html_dangers(response.content.decode())
    raise AssertionError(f"not a page: {content_type}")


def email_dangers(message) -> list[str]:
    """An email must be plain text only (nothing in it is read as markup), with a
    subject on one line and every link to the course itself."""
    problems = []
    if message.content_subtype != "plain":
        problems.append(f"body is {message.content_subtype}, not plain text")
    for alternative in getattr(message, "alternatives", []):
        content, mimetype = alternative
        problems.append(f"an alternative part of type {mimetype}")
        if mimetype == "text/html":
            problems.extend(html_dangers(content))
    if "\n" in message.subject or "\r" in message.subject:
        problems.append("a line break in the subject")
    site = settings.SITE_URL.rstrip("/") + "/"
    for link in re.findall(r"\bhttps?://\S+", message.body):
        if not link.startswith(site):
            problems.append(f"a link that is not to the course: {link}")
    return problems


def pdf_dangers(content: bytes) -> list[str]:
    """Anything in a PDF that runs script or opens an address: JavaScript actions,
    launch actions, an open action, or a link annotation to a script address."""
    problems = []
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/AA", b"/SubmitForm", b"/ImportData"):
        if re.search(re.escape(marker) + rb"(?![A-Za-z])", content):
            problems.append(f"{marker.decode()} in the file")
    reader = PdfReader(io.BytesIO(content))
    # An open action may only go to a place in the document (a destination array).
    open_action = reader.trailer["/Root"].get("/OpenAction")
    if open_action is not None and not isinstance(open_action.get_object(), ArrayObject):
        problems.append(f"an open action that is not a destination: {open_action}")
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            if isinstance(annotation, IndirectObject):
                annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            uri = str(action.get("/URI", ""))
            if kind != "/URI" or _dangerous_address(uri) or not uri.startswith("http"):
                problems.append(f"page {number}: a link annotation {kind} {uri}")
    return problems


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def json_export_dangers(response) -> list[str]:
    """A JSON download must say it is JSON (never sniffed as a page) and parse."""
    problems = []
    if not response["Content-Type"].startswith("application/json"):
        problems.append(f"served as {response['Content-Type']}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("without X-Content-Type-Options: nosniff")
    json.loads(response.content)
    return problems
