"""The one HTML policy for every body that reaches a page: feeds, partner posts, API input.

We use bleach (html5lib parsing + attribute/protocol allowlist) plus token filters of our own:
bleach cannot absolutise relative URLs against a per-call base, nor give the result the shape
the editor reads; its filter hook is the documented place for both, after its own checks.

The policy is what the admin's rich-text editor (Draftail) can represent, and nothing more, so
every stored body opens in the editor and survives an unchanged save. A wider allowlist would
need a second, read-only field for feed HTML, that is a second policy; and what it would add is
mostly images, which the public pages' Content-Security-Policy (img-src 'self') blocks anyway and
which would be third-party requests made on behalf of residents.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from bleach.html5lib_shim import BleachHTMLParser, Filter
from bleach.sanitizer import BleachSanitizerFilter, Cleaner

__all__ = [
    "ALLOWED_TAGS",
    "EDITOR_FEATURES",
    "clean_html",
    "clean_text",
    "is_tracking_pixel",
    "safe_url",
]

# Draftail feature -> the tags Wagtail's converter for it writes to the database (its
# register_core_features hook). The editor settings take their feature list from here. Reading,
# the converters also accept <strong> and <em>; we write <b> and <i> as the editor does.
EDITOR_FEATURES: dict[str, tuple[str, ...]] = {
    "h2": ("h2",),
    "h3": ("h3",),
    "h4": ("h4",),
    "bold": ("b",),
    "italic": ("i",),
    "ol": ("ol", "li"),
    "ul": ("ul", "li"),
    "link": ("a",),
    "blockquote": ("blockquote",),
    "hr": ("hr",),
    "code": ("code",),
    "superscript": ("sup",),
    "subscript": ("sub",),
    "strikethrough": ("s",),
}
# <p> and <br> are the editor's own paragraph and line break, present whatever the features.
ALLOWED_TAGS = frozenset({"p", "br"}.union(*EDITOR_FEATURES.values()))
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow ugc"

# Elements removed together with everything inside them: their content is code, styling,
# widget fallback text or form controls, never article text.
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "noframes",
        "object", "embed", "applet", "svg", "math", "head", "title", "textarea", "select",
        "button", "option", "datalist", "video", "audio", "canvas", "noembed", "xmp",
    }
)  # fmt: skip

_PIXEL_URL = re.compile(
    r"feeds\.feedburner\.com/~r/|/~ff/|//(?:pixel|stats)\.|/pixel(?:[./?_-]|$)"
    r"|stats\.wordpress\.com|pixel\.wp\.com|(?<![\d.])1x1(?!\d)|doubleclick\.net"
    r"|google-analytics\.com|feedsportal\.com|scorecardresearch\.com|quantserve\.com"
    r"|/(?:piwik|matomo)\.php|[?&]idsite=",
    re.IGNORECASE,
)
_HTTP_PREFIX = re.compile(r"https?://", re.IGNORECASE)
_URL_STRIP = " \t\n\r\f\v\x00"
_URL_NOISE = dict.fromkeys(map(ord, "\t\n\r"))
_LEADING_INT = re.compile(r"\s*(\d+)")
_LOOKS_LIKE_TAG = re.compile(r"<[A-Za-z/!?]")
# C0/C1 controls and lone surrogates never belong in plain text (databases reject some).
_TEXT_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)], " ")


def safe_url(url: str | None, *, base_url: str | None = None) -> str:
    """Return an absolute http(s) URL or "", so callers never emit script, data or local URLs."""
    if not url:
        return ""
    url = url.strip(_URL_STRIP)
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_URL_NOISE)  # browsers ignore these inside URLs; so do we
    if not _HTTP_PREFIX.match(url):
        base = _absolute_base(base_url) if base_url else ""
        if not base or not url:
            return ""
        try:
            url = urljoin(base, url)
        except ValueError:
            return ""
        if not _HTTP_PREFIX.match(url):
            return ""
    try:
        parts = urlsplit(url)
        if ":" in parts.netloc:
            parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return ""
    if "@" in parts.netloc or not parts.hostname:  # no credentials, no empty host
        return ""
    return url.replace(" ", "%20") if " " in url else url


@functools.lru_cache(maxsize=512)
def _absolute_base(base_url: str) -> str:
    return safe_url(base_url)


def is_tracking_pixel(src: str, width: str | None = None, height: str | None = None) -> bool:
    """Tell whether an image is a tracking beacon (tiny or on a known counter host/path)."""
    for value in (width, height):
        if value:
            match = _LEADING_INT.match(value)
            if match and int(match.group(1)) <= 1:
                return True
    return bool(_PIXEL_URL.search(src))


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
        if name in _DROP_WITH_CONTENT:
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


# The structure the editor stores, and how other HTML maps onto it. The editor's blocks hold
# only inline content: a block inside a block, or inside an inline element, makes its converter
# fail ("End of block reached without closing inline style elements"). Headings move to the
# nearest level the editor has; every other element that holds text becomes a paragraph, or
# lets its content through, so text is never lost. Images go entirely: their alt text describes
# a picture that is no longer there and, in feeds, is mostly a file name or a repeated caption.
_RENAME = {"strong": "b", "em": "i", "h1": "h2", "h5": "h4", "h6": "h4"}
_INLINE = frozenset({"b", "i", "a", "code", "sub", "sup", "s"})
_BLOCKS = frozenset({"p", "h2", "h3", "h4", "blockquote"})
_AS_PARAGRAPH = frozenset(
    {"pre", "figcaption", "dt", "dd", "caption", "summary", "address", "li", "tr", "td", "th"}
)
_CONTAINERS = frozenset(
    {"div", "section", "article", "header", "footer", "main", "aside", "nav", "figure", "dl",
     "details", "center", "hgroup", "table", "thead", "tbody", "tfoot"}
)  # fmt: skip
_STRUCTURE = frozenset(_RENAME) | _AS_PARAGRAPH | _CONTAINERS
_LISTS = frozenset({"ul", "ol"})
_VOID = frozenset({"br", "hr"})
_CELL_SEPARATOR = " | "
_HREF = (None, "href")
_REL = (None, "rel")
_NBSP = frozenset({"nbsp", "#160", "#xa0", "#xA0"})


class _Node(NamedTuple):
    name: str
    attrs: dict
    children: list


_BREAK = _Node("", {}, [])  # a block boundary inside a block, written as <br> between content


def _tree(tokens) -> list:
    """Nest bleach's (balanced) token stream, so the structure can be rewritten as a whole."""
    root: list = []
    stack = [root]
    for token in tokens:
        kind = token["type"]
        if kind == "StartTag" or kind == "EmptyTag":
            name = _RENAME.get(token["name"], token["name"])
            node = _Node(name, token["data"], [])
            stack[-1].append(node)
            if kind == "StartTag" and name not in _VOID:
                stack.append(node.children)
        elif kind == "EndTag":
            if len(stack) > 1 and token["name"] not in _VOID:
                stack.pop()
        elif kind == "Entity" or token.get("data"):
            stack[-1].append(token)
    return root


def _is_text(item) -> bool:
    return not isinstance(item, _Node)


def _has_text(items) -> bool:
    for item in items:
        if _is_text(item):
            if item["type"] == "Entity" and item["name"] not in _NBSP:
                return True
            if item["type"] != "Entity" and item["data"].strip():
                return True
        elif item.name not in _VOID and _has_text(item.children):
            return True
    return False


def _holds_blocks(node: _Node) -> bool:
    return any(
        not _is_text(child)
        and child.name != "br"
        and (child.name not in _INLINE or _holds_blocks(child))
        for child in node.children
    )


def _inline(children, open_inline: frozenset, *, pre: bool = False) -> list:
    """Inline content of one block; nested blocks become _BREAKs, table cells get separators."""
    items: list = []
    for child in children:
        if _is_text(child):
            if pre and "\n" in child.get("data", ""):
                for number, line in enumerate(child["data"].split("\n")):
                    if number:
                        items.append(_Node("br", {}, []))
                    if line:
                        items.append({"type": "Characters", "data": line})
            else:
                items.append(child)
        elif child.name in _INLINE:
            inner = _inline(child.children, open_inline | {child.name}, pre=pre)
            if child.name in open_inline:  # <b> in <b> is one style for the editor
                items.extend(inner)
                continue
            # Boundaries and spaces at its edges move out, so the element wraps only its text.
            edges = [n for n, item in enumerate(inner) if not _edge(item)]
            lead, end = (edges[0], edges[-1] + 1) if edges else (len(inner), len(inner))
            items.extend(inner[:lead])
            if _has_text(inner[lead:end]):
                items.append(_Node(child.name, child.attrs, inner[lead:end]))
            else:
                items.extend(inner[lead:end])
            items.extend(inner[end:])
        elif child.name == "br":
            items.append(child)
        elif child.name == "tr":
            items += [_BREAK, *_cells(child, open_inline), _BREAK]
        else:
            pre_here = pre or child.name == "pre"
            items += [_BREAK, *_inline(child.children, open_inline, pre=pre_here), _BREAK]
    return items


def _cells(row: _Node, open_inline: frozenset) -> list:
    """A table row as one line: its cells' content with a visible separator between cells."""
    items: list = []
    for cell in row.children:
        content = _tidy(_inline([cell], open_inline))
        if _has_text(content):
            if items:
                items.append({"type": "Characters", "data": _CELL_SEPARATOR})
            items.extend(content)
    return items


def _blank(item) -> bool:
    return item.name == "br" if isinstance(item, _Node) else not _has_text([item])


def _edge(item) -> bool:
    return item is _BREAK or (_is_text(item) and _blank(item))


def _tidy(items: list, *, block: bool = True) -> list:
    """Boundaries become single <br>s between content; a block has no blank edges."""
    out: list = []
    pending = False
    for item in items:
        if item is _BREAK:
            pending = True
            while out and _blank(out[-1]):
                out.pop()
            continue
        if pending and _blank(item):
            continue
        if pending and out:
            out.append(_Node("br", {}, []))
        pending = False
        if isinstance(item, _Node) and item.name in _INLINE:
            item = item._replace(children=_tidy(item.children, block=False))
        out.append(item)
    if block:
        while out and _blank(out[-1]):
            out.pop()
        while out and _blank(out[0]):
            out.pop(0)
    return out


def _wrap(content: list, wraps: tuple[_Node, ...]) -> list:
    for wrapper in reversed(wraps):
        content = [wrapper._replace(children=content)]
    return content


def _block(name: str, children: list, wraps: tuple[_Node, ...], *, pre: bool = False) -> list:
    """The block (in a list, empty when it holds no text) with the inline wrappers inside it."""
    open_inline = frozenset(wrapper.name for wrapper in wraps)
    if name == "tr":
        name, content = "p", _cells(_Node("tr", {}, children), open_inline)
    else:
        content = _tidy(_inline(children, open_inline, pre=pre))
    return [_Node(name, {}, _wrap(content, wraps))] if _has_text(content) else []


def _flow(children, wraps: tuple[_Node, ...], out: list) -> None:
    """Blocks for a run of content: loose inline content becomes paragraphs, inline elements
    around blocks are pushed down into each block, containers let their blocks through."""
    run: list = []

    def flush():
        out.extend(_block("p", run, wraps))
        run.clear()

    for child in children:
        if (
            _is_text(child)
            or child.name == "br"
            or (child.name in _INLINE and not _holds_blocks(child))
        ):
            run.append(child)
        else:
            flush()
            if child.name in _INLINE:
                if child.name in {wrapper.name for wrapper in wraps}:
                    _flow(child.children, wraps, out)
                else:
                    _flow(child.children, (*wraps, child._replace(children=[])), out)
            elif child.name == "hr":
                out.append(child)
            elif child.name in _LISTS:
                out.extend(_list(child, wraps))
            elif child.name in _CONTAINERS:
                _flow(child.children, wraps, out)
            else:
                name = child.name if child.name in _BLOCKS or child.name == "tr" else "p"
                out.extend(_block(name, child.children, wraps, pre=child.name == "pre"))
    flush()


def _list(node: _Node, wraps: tuple[_Node, ...]) -> list:
    """A list as the editor stores it: items of inline content, a nested list inside the item
    before it. Content after a nested list starts a new item, so text keeps its order."""
    items: list[_Node] = []
    loose: list = []

    def add_item(children: list) -> None:
        items.extend(_block("li", children, wraps))
        children.clear()

    def add_sublists(sublists: list[_Node]) -> None:
        if items:
            items[-1].children.extend(sublists)
        else:  # nothing to hang them on: their items join this list
            for sublist in sublists:
                items.extend(sublist.children)

    for child in node.children:
        if _is_text(child) or child.name not in ("li", *_LISTS):
            loose.append(child)
            continue
        add_item(loose)
        if child.name in _LISTS:
            add_sublists(_list(child, wraps))
            continue
        content: list = []
        for part in child.children:
            if not _is_text(part) and part.name in _LISTS:
                add_item(content)
                add_sublists(_list(part, wraps))
            else:
                content.append(part)
        add_item(content)
    add_item(loose)
    return [node._replace(attrs={}, children=items)] if items else []


def _emit(nodes):
    for node in nodes:
        if _is_text(node):
            yield node
        elif node.name in _VOID:
            yield {"type": "EmptyTag", "name": node.name, "namespace": None, "data": {}}
        else:
            yield {"type": "StartTag", "name": node.name, "namespace": None, "data": node.attrs}
            yield from _emit(node.children)
            yield {"type": "EndTag", "name": node.name, "namespace": None}


def _editor_structure(tokens):
    """Rewrite sanitised tokens into blocks of inline content, the shape the editor reads.

    Hand-written because neither html5lib nor Wagtail does it: Wagtail's converter assumes the
    shape (and fails on anything else), html5lib only balances tags. It works on bleach's
    already parsed and balanced tree, so it parses nothing itself.
    """
    blocks: list = []
    _flow(_tree(tokens), (), blocks)
    return _emit(blocks)


class _Cleaner(Cleaner):
    """bleach Cleaner: drops script-like content first, then applies our link filter and
    gives the result the editor's structure."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # bleach's tokenizer turns disallowed tags into empty text but keeps what was inside
        # them; letting these elements through the parser lets us drop them whole, and lets
        # structure (tables, divs) through to be mapped onto the editor's blocks.
        self.parser = BleachHTMLParser(
            tags=self.tags | _DROP_WITH_CONTENT,
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
        return self.serializer.render(_editor_structure(_LinkFilter(stream, base_url)))


def _new_cleaner() -> _Cleaner:
    return _Cleaner(
        tags=ALLOWED_TAGS | _STRUCTURE,
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

    _SKIP = _DROP_WITH_CONTENT - {"embed", "frame"}  # void elements never close

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
