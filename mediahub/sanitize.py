"""The one HTML allowlist for everything that reaches a page: feeds, partner posts, API input.

We use bleach (html5lib parsing + attribute/protocol allowlist) plus a small token filter of our
own, because no library both absolutises relative URLs against a per-call base and drops
tracking pixels; bleach's filter hook is the documented place to do both after its own checks.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bleach.html5lib_shim import BleachHTMLParser, Filter
from bleach.sanitizer import BleachSanitizerFilter, Cleaner

__all__ = ["clean_html", "clean_text", "is_tracking_pixel", "safe_url"]

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "a", "strong", "b", "em", "i", "u", "s", "blockquote", "q", "ul", "ol", "li",
        "h2", "h3", "h4", "h5", "h6", "pre", "code", "figure", "figcaption", "img", "hr",
        "table", "thead", "tbody", "tr", "th", "td", "abbr", "sub", "sup", "cite", "time",
        "dl", "dt", "dd",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "blockquote": ["cite"],
    "img": ["src", "alt", "width", "height", "title"],
    "abbr": ["title"],
    "time": ["datetime"],
}
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
_URL_ATTRS = {"a": "href", "img": "src", "blockquote": "cite"}
_REL = (None, "rel")

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
    """Absolutise href/src/cite, drop unusable URLs and pixels, and add our link rel."""

    def __init__(self, source, base_url: str | None):
        super().__init__(source)
        self.base_url = base_url

    def __iter__(self):
        open_links: list[bool] = []
        for token in super().__iter__():
            kind = token["type"]
            name = token.get("name")
            if kind == "EndTag" and name == "a":
                if open_links and open_links.pop():
                    yield token
                continue
            if kind in ("StartTag", "EmptyTag") and name in _URL_ATTRS:
                attrs = dict(token["data"])
                key = (None, _URL_ATTRS[name])
                raw = html.unescape(attrs.get(key, ""))
                if name == "a" and raw.strip().lower().startswith("mailto:"):
                    url = raw.strip()
                else:
                    url = safe_url(raw, base_url=self.base_url)
                if url:
                    attrs[key] = url
                else:
                    attrs.pop(key, None)
                if name == "a":
                    open_links.append(bool(url))
                    if not url:
                        continue  # keep the link text, lose the dead <a>
                    attrs[_REL] = LINK_REL
                elif name == "img" and (
                    not url
                    or is_tracking_pixel(
                        url, attrs.get((None, "width")), attrs.get((None, "height"))
                    )
                ):
                    continue
                token = {**token, "data": attrs}
            yield token


class _Cleaner(Cleaner):
    """bleach Cleaner that drops script-like content first and applies our link filter."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # bleach's tokenizer turns disallowed tags into empty text but keeps what was inside
        # them; letting these elements through the parser lets us drop them whole.
        self.parser = BleachHTMLParser(
            tags=self.tags | _DROP_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )

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
        return self.serializer.render(_LinkFilter(stream, base_url))


def _new_cleaner() -> _Cleaner:
    return _Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


# bleach's parser keeps state, so each thread gets its own Cleaner; this thread's is built now.
_local = threading.local()
_local.cleaner = _new_cleaner()


def clean_html(html_text: str, *, base_url: str | None = None) -> str:
    """Sanitise an HTML fragment to our allowlist so it can be rendered as-is on the wall."""
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
