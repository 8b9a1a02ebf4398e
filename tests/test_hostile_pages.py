"""Markup that arrives through parameters or data never becomes markup on a page, and the
pages apply no inline style: their policy allows the one stylesheet by its hash."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.reporting.index import IndexRow, IndexSet, render_index
from analysis.reporting.render import (
    PageContext,
    audit_html,
    lock_styles,
    render_page,
    sort_script,
)

HOSTILE_SIDES = [
    "<style>body{display:none}</style>",
    '<iframe src="https://example.org/x"></iframe>',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
]


def notebook_with(side: str) -> nbformat.NotebookNode:
    """A notebook whose outputs were built from a side name (as the narrative helpers do)."""
    cells = [
        new_markdown_cell("# Report"),
        new_code_cell(
            "display(Markdown(text))",
            outputs=[
                new_output(
                    "display_data",
                    data={"text/markdown": f"Events by **{side}** in the period."},
                )
            ],
        ),
    ]
    for number, cell in enumerate(cells):
        cell.id = f"c{number}"
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


def context(side: str) -> PageContext:
    return PageContext(
        set_title=f"Set of {side}",
        notebook="01.ipynb",
        events="events.csv",
        events_sha256="0" * 64,
        parameters={"side_a": side, "window_days": 7},
        provenance={"commit": "abc", "dirty": False, "versions": [], "built": "2026-01-01"},
    )


def body(page: str) -> str:
    return page.partition("</head>")[2]


class Tags(HTMLParser):
    """Tags and attributes of a page's body, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize("side", HOSTILE_SIDES)
def test_markup_in_a_parameter_or_output_is_shown_as_text(side):
    page = render_page(notebook_with(side), context(side))
    assert audit_html(page, trusted=(sort_script().element,)) == []
    parsed = Tags()
    parsed.feed(body(page))
    assert not {"style", "iframe", "img", "script"} & set(parsed.tags)
    assert not [v for n, v in parsed.attributes if v.strip().lower().startswith("javascript")]
    assert not [n for n, _ in parsed.attributes if n.startswith("on")]
    # The side name is still there, as text.
    assert "Events by" in page


def test_pages_forbid_inline_styles_and_tables_use_classes():
    cells = [
        new_markdown_cell("# Table"),
        new_code_cell(
            "frame",
            outputs=[
                new_output(
                    "execute_result",
                    data={
                        "text/html": "<style scoped>.dataframe tbody tr th {x: y}</style>"
                        '<table class="dataframe"><thead><tr style="text-align: right;">'
                        '<th>a</th></tr></thead><tbody><tr><td style="color: red">1</td>'
                        "</tr></tbody></table>",
                        "text/plain": "frame",
                    },
                    execution_count=1,
                )
            ],
        ),
    ]
    for number, cell in enumerate(cells):
        cell.id = f"c{number}"
    notebook = new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})
    page = render_page(notebook, context("A"))
    main = body(page)
    assert "style=" not in main and "<style" not in main
    assert '<tr class="align-right">' in main
    policy = re.search(r'content="([^"]*style-src[^"]*)"', page).group(1)
    assert "unsafe-inline" not in policy
    css = re.search(r"<style[^>]*>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy


def test_index_page_forbids_inline_styles_and_escapes_titles():
    page = render_index(
        [
            IndexSet(
                name="s",
                title="<style>x</style>",
                description="",
                events="e.csv",
                parameters=(("side_a", '<iframe src="//x">'),),
                rows=(IndexRow(title="R", status="stale", error="<b>boom</b>"),),
            )
        ]
    )
    assert "unsafe-inline" not in page
    assert "<iframe" not in page and "<b>boom" not in page
    assert page.count("<style") == 1


def test_lock_styles_keeps_a_page_without_head_as_it_is():
    assert lock_styles("<p style='x'>a</p>") == "<p style='x'>a</p>"
