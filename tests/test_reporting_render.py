"""Rendering one executed notebook to an offline page (no kernel needed: the notebook is
built here with real outputs, as papermill would leave it)."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.reporting.render import (
    SORT_SCRIPT,
    PageContext,
    UnsafeOutputError,
    audit_html,
    headings,
    is_external,
    make_exporter,
    render_page,
    script_csp_source,
    sort_script,
)

EVIL = "<script>alert(1)</script>"


class Elements(HTMLParser):
    """Collect (tag, attributes) of every element, the text of the page and the content of
    every ``<script>`` (kept out of the text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def csp(page: str) -> dict[str, str]:
    """Directives of the page's Content-Security-Policy meta element."""
    (policy,) = [
        attrs["content"]
        for tag, attrs in parse(page).elements
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    return {
        name: value.strip()
        for name, _, value in (d.strip().partition(" ") for d in policy.split(";") if d.strip())
    }


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def png_output() -> dict:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"})


def executed_notebook(figures: int = 2) -> nbformat.NotebookNode:
    params = new_code_cell('side_a = "A"\nsecret_default = 1')
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell('side_a = "X"\ninjected_marker = 2')
    injected.metadata["tags"] = ["injected-parameters"]
    table = pd.DataFrame({"event_id": ["e03"], "evidence": [EVIL]}).to_html()
    cells = [
        new_markdown_cell("# Toy report\n\nIntro text."),
        params,
        injected,
        new_code_cell("import pandas as pd  # code_should_not_show"),
        new_markdown_cell("## Figures"),
        *[new_code_cell("plt.show()", outputs=[png_output()]) for _ in range(figures)],
        new_markdown_cell("## Evidence & sources"),
        new_code_cell(
            "print(evidence)",
            outputs=[new_output("stream", name="stdout", text=EVIL + "\n")],
        ),
        new_code_cell(
            "frame",
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/html": table, "text/plain": "frame"},
                    execution_count=7,
                )
            ],
        ),
    ]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
        if cell.cell_type == "code":
            cell.execution_count = number
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


CONTEXT = PageContext(
    set_title="Set <b>bold</b> & co",
    notebook="01_toy.ipynb",
    events="data/processed/events.csv",
    events_sha256="ab" * 32,
    parameters={"events": "data/processed/events.csv", "side_a": "A", "window_days": 7},
    provenance={
        "commit": "0123456789abcdef",
        "dirty": True,
        "versions": [["python", "3.11.9"], ["pandas", "3.1.1"]],
        "built": "2026-01-02T03:04:05Z",
    },
)


@pytest.fixture(scope="module")
def exporter():
    return make_exporter()


@pytest.fixture(scope="module")
def page(exporter) -> str:
    return render_page(executed_notebook(figures=3), CONTEXT, exporter)


def test_no_input_code_prompts_or_parameters_cells(page):
    assert '<div class="jp-InputArea' not in page
    assert "input_area" not in page
    assert "In [" not in page and "In&nbsp;[" not in page and "Out[" not in page
    assert "code_should_not_show" not in page
    assert "secret_default" not in page and "injected_marker" not in page


def test_every_figure_is_an_inline_png(page):
    images = [attrs for tag, attrs in parse(page).elements if tag == "img"]
    assert len(images) == 3
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)


def test_parameters_table_and_provenance_footer(page):
    text = " ".join(parse(page).text)
    assert '<table class="parameters">' in page
    assert "window_days" in text and "data/processed/events.csv" in text
    assert '<footer class="provenance">' in page
    for fact in ("0123456789abcdef", "uncommitted changes", "ab" * 32, "pandas 3.1.1"):
        assert fact in text
    assert '<time class="build-time">2026-01-02T03:04:05Z</time>' in page


def test_table_of_contents_links_to_every_heading(page):
    found = headings(page)
    assert [(level, text) for level, _, text in found] == [
        (1, "Toy report"),
        (2, "Figures"),
        (2, "Evidence & sources"),
    ]
    ids = {attrs.get("id") for _, attrs in parse(page).elements}
    links = [
        attrs["href"]
        for tag, attrs in parse(
            page.split('<nav aria-label="Contents"', 1)[1].split("</nav>", 1)[0]
        ).elements
        if tag == "a" and attrs.get("href", "").startswith("#")
    ]
    assert len(links) == 3
    assert all(link[1:] in ids for link in links)


def test_article_text_and_titles_are_escaped(page):
    assert EVIL not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "Set &lt;b&gt;bold&lt;/b&gt; &amp; co" in page
    assert not [tag for tag, _ in parse(page).elements if tag == "b"]
    # The only script is the template's sort script.
    assert parse(page).scripts == [SORT_SCRIPT.read_text(encoding="utf-8")]


def test_only_script_is_the_sort_script_allowed_by_its_hash(page):
    (script,) = parse(page).scripts
    assert script == SORT_SCRIPT.read_bytes().decode("utf-8")
    assert page.count(sort_script().element) == 1
    assert page.index(sort_script().element) < page.index("</head>")
    policy = csp(page)
    assert policy["script-src"] == script_csp_source(script)
    assert policy["script-src"].startswith("'sha256-") and " " not in policy["script-src"]
    assert policy["default-src"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    # The script loads nothing and writes no markup.
    for word in ("fetch", "XMLHttpRequest", "import", "src", "innerHTML", "eval", "http"):
        assert word not in script, word


def test_csp_hash_is_the_standard_base64_sha256():
    # echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
    assert script_csp_source("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


def test_page_loads_nothing_from_elsewhere(page):
    assert audit_html(page, trusted=(sort_script().element,)) == []
    assert audit_html(page) == ["a <script> element"]
    for tag, attrs in parse(page).elements:
        if tag in ("script", "link", "img", "iframe"):
            for name in ("src", "href"):
                assert not is_external(attrs.get(name, "")), (tag, attrs)
    assert "mathjax" not in page.lower() and "require.js" not in page.lower()


def test_error_banner_shows_exception_name_and_message(exporter):
    context = PageContext(**{**CONTEXT.__dict__, "error": ("ValueError", "bad <input>")})
    page = render_page(executed_notebook(figures=1), context, exporter)
    assert 'class="error-banner"' in page
    assert "<code>ValueError</code>: bad &lt;input&gt;" in page


@pytest.mark.parametrize(
    "html",
    [
        EVIL,
        # The trusted script itself is refused in an output: only the template's copy runs.
        sort_script().element,
        sort_script().element.replace("use strict", "use strict  "),
        "<SCRIPT>alert(1)</SCRIPT>",
    ],
    ids=["evil", "copy-of-sort-script", "altered-sort-script", "upper-case"],
)
def test_script_output_is_refused(exporter, html):
    notebook = executed_notebook(figures=0)
    notebook.cells.append(
        new_code_cell("HTML(x)", outputs=[new_output("display_data", data={"text/html": html})])
    )
    with pytest.raises(UnsafeOutputError, match="script"):
        render_page(notebook, CONTEXT, exporter)


def test_trusted_script_is_only_excused_once_and_in_the_head():
    element = sort_script().element
    head = f"<html><head>{element}</head><body>"
    assert audit_html(head + "</body></html>", trusted=(element,)) == []
    assert audit_html(head + element + "</body></html>", trusted=(element,)) == [
        "a <script> element"
    ]
    body_only = f"<html><head></head><body>{element}</body></html>"
    assert audit_html(body_only, trusted=(element,)) == ["a <script> element"]
    twice = f"<html><head>{element}{element}</head><body></body></html>"
    assert audit_html(twice, trusted=(element,)) == ["a <script> element"]


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ('<img src="https://example.org/x.png">', "loads https://example.org"),
        ('<link rel="stylesheet" href="//cdn.example.org/a.css">', "loads //cdn"),
        ('<iframe src="http://example.org"></iframe>', "loads http://"),
        ('<img src="data:image/png;base64,AA" onerror="alert(1)">', "event attribute onerror"),
        ("<style>@import url(x.css);</style>", "@import"),
        ('<meta http-equiv="refresh" content="0">', "refresh"),
    ],
)
def test_audit_flags_remote_loads_and_handlers(snippet, problem):
    problems = audit_html(f"<html><body>{snippet}</body></html>")
    assert any(problem in p for p in problems), problems


def test_audit_accepts_data_uris_fragments_and_relative_links():
    page = '<img src="data:image/png;base64,AA"><a href="#x">x</a><a href="../index.html">i</a>'
    assert audit_html(page) == []


def test_rendering_is_deterministic(exporter):
    first = render_page(executed_notebook(figures=1), CONTEXT, exporter)
    second = render_page(executed_notebook(figures=1), CONTEXT, make_exporter())
    assert first == second


def test_index_headlines_are_formatted_and_escaped(tmp_path):
    from analysis.reporting.index import IndexRow, IndexSet, read_headline, render_index

    results = tmp_path / "r.json"
    results.write_text(
        '{"headline": {"events": 68573, "share": 0.95512, "pairs": 3938.0, "gap": null,'
        ' "dropped fifth": 1}}'
    )
    headline = read_headline(results)
    assert headline == (("events", "68,573"), ("share", "0.955"), ("pairs", "3,938"), ("gap", "–"))
    page = render_index(
        [
            IndexSet(
                name="toy",
                title=EVIL,
                description="a & b",
                events="events.csv",
                parameters=(("side_a", "A"),),
                rows=(IndexRow(EVIL, "failed", "toy/x.html", headline, "ValueError: <x>"),),
            )
        ]
    )
    assert EVIL not in page and "&lt;script&gt;" in page and "ValueError: &lt;x&gt;" in page
    assert 'data-status="failed"' in page and "0 ok, 1 failed" in page
    assert audit_html(page) == []
