"""clean_text: markup or text reduced to one line of plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mediahub.sanitize.policy import DROP_WITH_CONTENT

_LOOKS_LIKE_TAG = re.compile(r"<[A-Za-z/!?]")
# C0/C1 controls and lone surrogates never belong in plain text (databases reject some).
_TEXT_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)], " ")


class _TextExtractor(HTMLParser):
    """Collect text nodes, skipping script-like elements and spacing out block boundaries."""

    _BLOCKS = frozenset(
        {"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
         "blockquote", "pre", "dt", "dd", "figcaption", "section", "article"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    _SKIP = DROP_WITH_CONTENT - {"embed", "frame"}  # void elements never close

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _strip_tags(value: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    return "".join(extractor.parts)


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """Reduce markup or text to one line of plain text (for titles, names, tags)."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        value = _strip_tags(value)
        if _LOOKS_LIKE_TAG.search(value):  # markup that was escaped twice
            value = _strip_tags(value)
    if not value.isascii() or not value.isprintable():
        value = value.translate(_TEXT_CONTROLS)
    value = " ".join(value.split())
    if max_length is not None and len(value) > max_length:
        value = value[: max_length - 1].rstrip() + "…"
    return value
