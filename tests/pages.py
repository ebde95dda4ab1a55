"""Reading rendered pages in tests: what a person sees, and what the page cost.

:class:`RenderedPage` is a small HTML reader (the standard library's parser) with
shortcuts for titles, headings, lists' totals and references; :func:`get_page`
fetches and parses a page through the test client; :func:`counting_selects` counts
the SELECT statements a block of code sends to the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import event

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
}


# --- Reading pages --------------------------------------------------------------


@dataclass
class Element:
    """One element of a parsed page, with its children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        """The text a person (or a screen reader) gets, with whitespace collapsed."""
        parts: list[str] = []

        def walk(element: Element) -> None:
            for child in element.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in ("script", "style"):
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, *, cls: str | None = None, id: str | None = None
    ) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (cls is None or cls in element.classes)
            and (id is None or element.attrs.get("id") == id)
        ]

    def find(self, tag: str | None = None, *, cls: str | None = None, id: str | None = None):
        found = self.find_all(tag, cls=cls, id=id)
        assert found, f"no <{tag or '*'}> with class={cls!r} id={id!r}"
        return found[0]


class RenderedPage(HTMLParser):
    """A page parsed into elements, with shortcuts for what the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self._open: list[Element] = [self.root]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, self._open[-1])
        self._open[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(
            Element(tag, {name: value or "" for name, value in attrs}, self._open[-1])
        )

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)

    def find(self, tag: str | None = None, *, cls: str | None = None, id: str | None = None):
        return self.root.find(tag, cls=cls, id=id)

    def find_all(self, tag: str | None = None, *, cls: str | None = None, id: str | None = None):
        return self.root.find_all(tag, cls=cls, id=id)

    @property
    def title(self) -> str:
        return self.find("title").text

    @property
    def main(self) -> Element:
        return self.find("main")

    @property
    def headings(self) -> list[tuple[int, str]]:
        return [
            (int(element.tag[1]), element.text)
            for element in self.root.iter()
            if re.fullmatch(r"h[1-6]", element.tag)
        ]

    def results_total(self) -> int:
        """The number at the start of a list's results heading ("1,234 commitments")."""
        heading = self.find(id="results-heading").text
        return int(heading.split()[0].replace(",", ""))

    def references(self) -> list[str]:
        """The public references of the rows in a list, in order."""
        return [element.text for element in self.main.find_all(cls="app-reference")]


def get_page(client, url: str, status: int = 200, **kwargs) -> RenderedPage:
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return RenderedPage(response.get_data(as_text=True))


@contextmanager
def counting_selects(engine):
    """Count the SELECT statements sent to the database inside the block."""
    statements: list[str] = []

    def before_cursor_execute(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def notices(page: RenderedPage) -> list[str]:
    """The plain-English notices a list shows about parts of its address it ignored."""
    found = page.main.find_all(cls="app-notices")
    return [paragraph.text for paragraph in found[0].find_all("p")] if found else []
