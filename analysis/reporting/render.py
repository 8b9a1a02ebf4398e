"""Render an executed notebook to one self-contained, offline HTML page.

The page uses the house template in ``analysis/templates/escalation`` (built on nbconvert's
``lab`` cell markup): no code, no prompts, no parameters cells, the parameters as a table,
a table of contents from the headings, figures as base64 PNG, the stylesheet inlined and
a provenance footer. The only script is the template's own ``static/sort.js`` (it makes
every ``table.sortable`` sortable by clicking a header), inlined in the page's head and
allowed by the Content-Security-Policy through its SHA-256 hash. :func:`audit_html` then
checks that nothing else in the page can run a script or load anything from elsewhere; a
page that fails the audit is not written.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_NAME = "escalation"
#: Cells left out of every page: the notebook's defaults, the values papermill injected
#: (shown in the parameters table instead) and papermill's own error markers (the page
#: has its own error banner).
REMOVED_TAGS = frozenset(
    {"parameters", "injected-parameters", "papermill-error-cell-tag", "remove-cell"}
)
TOC_MARKER = "<!--escalation:toc-->"
#: The one script a page may hold: shipped with the template, inlined as is.
SORT_SCRIPT = TEMPLATES / TEMPLATE_NAME / "static" / "sort.js"
TOC_LEVELS = ("h1", "h2", "h3")
#: Elements whose URL attributes make the browser fetch something.
_LOADING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "object": ("data",),
    "embed": ("src",),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
}


#: Attributes that take a URL the browser may follow or run.
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
#: ``javascript:`` and ``vbscript:`` URLs, also when written with spaces or entities in
#: between (the parser has already decoded character references).
_SCRIPT_URL = re.compile(r"^\s*(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I)


#: A Markdown link target that would run a script: ``[x](javascript:...)``.
_SCRIPT_LINK = re.compile(r"\]\(\s*(?=(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:)", re.I)


class UnsafeOutputError(Exception):
    """The rendered page would run a script or load something from elsewhere."""


@dataclass(frozen=True)
class TrustedScript:
    """An inline script the template ships: its text, the exact ``<script>`` element the
    page holds and the CSP source (``'sha256-...'``) that allows it and nothing else."""

    text: str
    element: str
    csp_source: str


def script_csp_source(text: str) -> str:
    """The CSP hash source of an inline script whose content is exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def sort_script() -> TrustedScript:
    """The template's sort script (read once per process)."""
    text = SORT_SCRIPT.read_bytes().decode("utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError(f"{SORT_SCRIPT} cannot be inlined in a <script> element")
    return TrustedScript(text, f"<script>{text}</script>", script_csp_source(text))


@dataclass(frozen=True)
class PageContext:
    """What the page shows besides the notebook itself."""

    set_title: str
    notebook: str
    events: str
    events_sha256: str
    parameters: Mapping[str, Any]
    provenance: Mapping[str, Any]
    error: tuple[str, str] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def make_exporter() -> Any:
    """An ``HTMLExporter`` configured with the house template (reuse it for many pages)."""
    # nbconvert loads lazily: only a build that renders a page needs it.
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVED_TAGS), enabled=True), enabled=True
    )
    return exporter


def page_title(notebook: Any, fallback: str) -> str:
    """The text of the notebook's first level-1 markdown heading, else ``fallback``."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback


def format_value(value: Any) -> str:
    """How a parameter value is shown: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def render_page(notebook: Any, context: PageContext, exporter: Any | None = None) -> str:
    """Render ``notebook`` (an nbformat node, executed or not) to the page's HTML.

    Raises
    ------
    UnsafeOutputError
        When the audit finds a script, an event handler or an external resource.
    """
    exporter = exporter or make_exporter()
    notebook = _markdown_outputs_escaped(notebook)
    report = {
        "set_title": context.set_title,
        "page_title": page_title(notebook, Path(context.notebook).stem),
        "notebook": context.notebook,
        "events": context.events,
        "events_sha256": context.events_sha256,
        "parameters": [(k, format_value(v)) for k, v in context.parameters.items()],
        "provenance": dict(context.provenance),
        "error": {"ename": context.error[0], "evalue": context.error[1]} if context.error else None,
        **context.extra,
    }
    trusted = sort_script()
    report["sort_script"] = trusted.text
    report["script_src"] = trusted.csp_source
    body, _ = exporter.from_notebook_node(notebook, resources={"report": report})
    page = body.replace(TOC_MARKER, toc_html(headings(body)), 1)
    page = lock_styles(page)
    problems = audit_html(page, trusted=(trusted.element,))
    if problems:
        raise UnsafeOutputError("; ".join(problems))
    return page


def _markdown_outputs_escaped(notebook: Any) -> Any:
    """A copy of ``notebook`` whose Markdown *outputs* cannot carry raw HTML.

    Outputs are built from data and parameters (a side name such as ``<iframe ...>``);
    ``<`` is written as ``&lt;`` so that Markdown shows such a name as text. The notebooks'
    own Markdown cells are left alone. A link to a ``javascript:`` URL becomes a link to
    a fragment of the page.
    """
    notebook = copy.deepcopy(notebook)
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if "text/markdown" in data:
                text = data["text/markdown"]
                text = "".join(text) if isinstance(text, list) else text
                data["text/markdown"] = _SCRIPT_LINK.sub("](#", text.replace("<", "&lt;"))
    return notebook


def lock_styles(page: str) -> str:
    """Make the page's styles pass a Content-Security-Policy without ``'unsafe-inline'``.

    In the body, ``style`` attributes (pandas writes ``<tr style="text-align: right;">``)
    become classes of the house stylesheet (:data:`STYLE_CLASSES`; any other is dropped)
    and ``<style>`` elements from outputs are removed (the stylesheet has their rules).
    The policy's ``style-src 'unsafe-inline'`` is then replaced by the SHA-256 hashes of
    the ``<style>`` elements left in the head, so the browser applies nothing else.
    """
    head, end, body = page.partition("</head>")
    if not end:
        return page
    body = _STYLE_ELEMENT.sub("", body)
    body = _TAG.sub(_classes_for_styles, body)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"
        for css in _STYLE_ELEMENT_TEXT.findall(head)
    )
    head = head.replace(
        "style-src 'unsafe-inline'", f"style-src {hashes or chr(39) + 'none' + chr(39)}", 1
    )
    return head + end + body


#: Inline style values of notebook outputs and the stylesheet class that replaces each.
STYLE_CLASSES = {
    "text-align: right;": "align-right",
    "text-align: left;": "align-left",
    "text-align: center;": "align-center",
}
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.I | re.S)
_STYLE_ELEMENT_TEXT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.I | re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*?\bstyle\s*=[^<>]*)>")
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def _classes_for_styles(match: re.Match) -> str:
    tag, attrs = match.group(1), match.group(2)
    styles = ["".join(m.groups(default="")) for m in _STYLE_ATTR.finditer(attrs)]
    if not styles:
        return match.group(0)
    attrs = _STYLE_ATTR.sub("", attrs)
    wanted = []
    for style in styles:
        normal = " ".join(style.split()).rstrip(";") + ";"
        if normal in STYLE_CLASSES:
            wanted.append(STYLE_CLASSES[normal])
    if wanted:
        found = _CLASS_ATTR.search(attrs)
        if found:
            classes = " ".join([*"".join(found.groups(default="")).split(), *wanted])
            attrs = attrs[: found.start()] + f' class="{classes}"' + attrs[found.end() :]
        else:
            attrs += f' class="{" ".join(wanted)}"'
    return f"<{tag}{attrs}>"


def headings(page: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of every ``h1``-``h3`` with an id, in page order; the hidden
    anchor-link pilcrow is left out of the text."""
    parser = _HeadingParser()
    parser.feed(page)
    parser.close()
    return parser.found


def toc_html(found: Sequence[tuple[int, str, str]]) -> str:
    """An ordered list of links to ``found`` headings (escaped)."""
    if not found:
        return '<p class="toc-empty">This report has no sections.</p>'
    items = [
        f'<li class="toc-level-{level}"><a href="#{html.escape(anchor)}">'
        f"{html.escape(text)}</a></li>"
        for level, anchor, text in found
    ]
    return '<p class="toc-title">Contents</p>\n<ol>\n' + "\n".join(items) + "\n</ol>"


def audit_html(page: str, trusted: Sequence[str] = ()) -> list[str]:
    """Problems that would break the offline promise of a page: nothing may run or load.

    Reports every ``<script>``, ``<base>``, refresh ``<meta>``, ``on*`` event attribute,
    ``@import`` or remote ``url()`` in a stylesheet, and any URL attribute of a loading
    element (img, link, iframe, ...) that is neither a ``data:`` URI, a fragment nor a
    relative path.

    ``trusted`` lists exact ``<script>`` elements the template puts in the page's
    ``<head>``: one copy of each, matched character for character in the head only, is
    left out of the audit. Anything else, including a second copy of a trusted script
    (from a notebook's output, say) or a script that differs by one byte, is reported.
    """
    head, end, rest = page.partition("</head>")
    if end:
        for element in trusted:
            head = head.replace(element, "", 1)
        page = head + end + rest
    parser = _AuditParser()
    parser.feed(page)
    parser.close()
    return parser.problems


def is_external(url: str) -> bool:
    """True for URLs that leave the page's directory tree (``http:``, ``//host``, ...)."""
    url = url.strip().lower()
    if url.startswith(("data:", "#")) or not url:
        return False
    return url.startswith("//") or ":" in url.split("/", 1)[0]


class _HeadingParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._current: tuple[int, str] | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in TOC_LEVELS and attributes.get("id"):
            self._current = (int(tag[1]), attributes["id"] or "")
            self._text = []
        elif self._current and tag == "a" and "anchor-link" in (attributes.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self._current and tag == "a" and self._skip:
            self._skip -= 1
        elif self._current and tag == f"h{self._current[0]}":
            text = " ".join("".join(self._text).split())
            self.found.append((*self._current, text))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current and not self._skip:
            self._text.append(data)


class _AuditParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.problems.append("a <script> element")
        if tag == "base":
            self.problems.append("a <base> element")
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event attribute {name} on <{tag}>")
            if name in _URL_ATTRIBUTES and value and _SCRIPT_URL.match(value):
                self.problems.append(f"a script URL in <{tag} {name}>")
            if name in _LOADING.get(tag, ()) and value and is_external(value):
                self.problems.append(f"<{tag} {name}> loads {value[:80]}")
            if tag == "meta" and name == "http-equiv" and (value or "").lower() == "refresh":
                self.problems.append("a refresh <meta>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            lowered = data.lower()
            if "@import" in lowered:
                self.problems.append("an @import in a stylesheet")
            if "url(http" in lowered or "url(//" in lowered or "url('http" in lowered:
                self.problems.append("a remote url() in a stylesheet")
