"""clean_html: the bleach Cleaner set-up and the token filters it runs.

We use bleach (html5lib parsing + attribute/protocol allowlist) plus token filters of our own:
bleach cannot absolutise relative URLs against a per-call base, nor give the result the shape
the editor reads; its filter hook is the documented place for both, after its own checks.
"""

from __future__ import annotations

import html
import threading

from bleach.html5lib_shim import BleachHTMLParser, Filter
from bleach.sanitizer import BleachSanitizerFilter, Cleaner

from mediahub.sanitize.policy import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    DROP_WITH_CONTENT,
    LINK_REL,
)
from mediahub.sanitize.structure import STRUCTURE, editor_structure
from mediahub.sanitize.urls import safe_url

_HREF = (None, "href")
_REL = (None, "rel")


def _drop_with_content(tokens):
    """Skip elements whose content must not survive as text (script bodies, svg, forms...)."""
    depth = 0
    for token in tokens:
        kind = token["type"]
        if depth:
            if kind == "StartTag":
                depth += 1
            elif kind == "EndTag":
                depth -= 1
            continue
        name = token.get("name")
        if name in DROP_WITH_CONTENT:
            if kind == "StartTag":
                depth = 1
            continue
        yield token


class _LinkFilter(Filter):
    """Absolutise link targets, drop unusable ones (keeping their text) and add our link rel."""

    def __init__(self, source, base_url: str | None):
        super().__init__(source)
        self.base_url = base_url

    def __iter__(self):
        open_links: list[bool] = []
        for token in super().__iter__():
            kind = token["type"]
            if token.get("name") != "a" or kind not in ("StartTag", "EndTag"):
                yield token
                continue
            if kind == "EndTag":
                if open_links and open_links.pop():
                    yield token
                continue
            attrs = dict(token["data"])
            raw = html.unescape(attrs.pop(_HREF, "")).strip()
            url = (
                raw if raw.lower().startswith("mailto:") else safe_url(raw, base_url=self.base_url)
            )
            open_links.append(bool(url))
            if url:
                yield {**token, "data": {**attrs, _HREF: url, _REL: LINK_REL}}


class _Cleaner(Cleaner):
    """bleach Cleaner: drops script-like content first, then applies our link filter and
    gives the result the editor's structure."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # bleach's tokenizer turns disallowed tags into empty text but keeps what was inside
        # them; letting these elements through the parser lets us drop them whole, and lets
        # structure (tables, divs) through to be mapped onto the editor's blocks.
        self.parser = BleachHTMLParser(
            tags=self.tags | DROP_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )
        # Wagtail's converter reads HTML with Python's HTMLParser, which knows no void
        # elements: <br> must be written <br />.
        self.serializer.use_trailing_solidus = True

    def clean_with_base(self, text: str, base_url: str | None) -> str:
        if not text:
            return ""
        dom = self.parser.parseFragment(text)
        stream = BleachSanitizerFilter(
            source=_drop_with_content(self.walker(dom)),
            allowed_tags=self.tags,
            attributes=self.attributes,
            strip_disallowed_tags=True,
            strip_html_comments=True,
            css_sanitizer=None,
            allowed_protocols=self.protocols,
        )
        return self.serializer.render(editor_structure(_LinkFilter(stream, base_url)))


def _new_cleaner() -> _Cleaner:
    return _Cleaner(
        tags=ALLOWED_TAGS | STRUCTURE,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


# bleach's parser keeps state, so each thread gets its own Cleaner; this thread's is built now.
_local = threading.local()
_local.cleaner = _new_cleaner()


def clean_html(html_text: str, *, base_url: str | None = None) -> str:
    """Sanitise an HTML fragment to our policy: rendered as-is on the wall, and editable in the
    admin without loss."""
    if not html_text:
        return ""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _new_cleaner()
    return cleaner.clean_with_base(html_text.replace("\x00", ""), base_url).strip()
