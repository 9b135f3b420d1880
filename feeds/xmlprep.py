"""XML feeds made safe and readable before feedparser sees them, and its complaints in plain words.

Entity declarations are cut (nothing is ever expanded), wrongly declared encodings are put
right, and emoji written as UTF-16 halves are repaired; each fix leaves a warning for the source.
"""

import codecs
import re
import xml.sax

import feedparser
from django.utils.translation import gettext_noop

from feeds.errors import ParseError

_get = dict.get  # skips FeedParserDict's key aliasing (and its DeprecationWarnings)
_XML_ENCODING = re.compile(rb"^<\?.*encoding=['\"](.*?)['\"].*\?>")  # as feedparser reads it
_LEGACY_ENCODINGS = frozenset({"cp1252", "latin_1", "iso8859_15", "ascii"})
_CHAR_REFS = re.compile(rb"(?:&#(?:x[0-9a-f]{1,32}|\d{1,32});)+", re.I)  # runs, to pair surrogates
_XML_CHAR = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DOCTYPE_DECL = re.compile(
    rb"<!DOCTYPE(?:[^\[>\"']++|\"[^\"]*+\"|'[^']*+')*+"
    rb"(?P<subset>\[(?:[^\]\"'<]++|\"[^\"]*+\"|'[^']*+'|<!--.*?-->|<)*+\])?\s*+>",
    re.DOTALL,
)
_ENTITY_REFUSAL = gettext_noop(
    "The feed declares its own XML entities in a form we cannot safely remove; refused to"
    " read it (entity declarations can be used for attacks)."
)


def read_xml(content: bytes, content_type: str) -> tuple[dict, list[str]]:
    """feedparser on cleaned-up bytes: entity declarations cut, encodings put right, warnings in
    plain words; ParseError when nothing usable is left."""
    warnings: list[str] = []
    bom = codecs.BOM_UTF8 if content.startswith(codecs.BOM_UTF8) else b""
    data = content[len(bom) :]
    if data[:1].isspace() and data.lstrip()[:5] == b"<?xml":
        data = data.lstrip()  # blank lines before the declaration are fatal to expat
        warnings.append("Removed blank space before the XML declaration.")
    data = bom + _without_entity_declarations(data, warnings)

    charset = _charset(content_type)
    match = _XML_ENCODING.match(data[len(bom) :])
    declared = charset or (match.group(1).decode("ascii", "replace").strip() if match else "")
    if _codec(declared) in _LEGACY_ENCODINGS and not data.isascii() and _is_utf8(data):
        warnings.append(f"Declared encoding ({declared}) was wrong; the bytes are UTF-8.")
        charset = "utf-8"
    # Always an XML type: text/* or no type makes feedparser assume ASCII or Latin-1 and ignore
    # the document's declaration. No content-location: given a base URI, feedparser re-joins it
    # at every element (~25% of its time on long feeds); we resolve the URLs we keep ourselves.
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    try:
        result = _feedparser(data, headers)
    except Exception as exc:  # feedparser's fallback parser crashes on some broken documents
        repaired = _CHAR_REFS.sub(_repair_char_refs, data) if b"&#" in data else data
        try:
            if repaired == data:
                raise
            result = _feedparser(repaired, headers)
        except Exception as again:
            name = type(again).__name__
            raise ParseError(
                gettext_noop("This is not a readable feed: it is too damaged to parse (%(name)s)."),
                {"name": name},
            ) from exc
        data = repaired
        warnings.append("Replaced invalid character references (such as halves of an emoji).")
    actual = result.get("encoding") or ""
    if actual and _codec(actual) != _codec(charset or declared or "utf-8"):
        warnings.append(
            f"Declared encoding ({declared}) was wrong; read as {actual}."
            if declared
            else f"No encoding was declared and the bytes are not UTF-8; read as {actual}."
        )
    entries, feed, version = result["entries"], result["feed"], result.get("version") or ""
    if not entries and not _get(feed, "title") and (not version or result.get("bozo")):
        raise ParseError(*_problem(result, content, fatal=True))
    if result.get("bozo") and (problem := _problem(result, data, fatal=False))[0]:
        warnings.append(problem[0] % problem[1] if problem[1] else problem[0])
    return {"feed": feed, "entries": entries, "version": version}, warnings


def _feedparser(data: bytes, headers: dict[str, str]) -> dict:
    return feedparser.parse(
        data, sanitize_html=False, resolve_relative_uris=False, response_headers=headers
    )


def _without_entity_declarations(data: bytes, warnings: list[str]) -> bytes:
    """Cut a DOCTYPE internal subset that declares entities, or refuse the document.

    expat fetches no external entities here, but a nested-entity ("billion laughs") bomb still
    costs it ~1 s and ~70 MB before its amplification limit trips; no real feed needs them.
    """
    if b"\x00" in data[:4]:  # UTF-16/32: the subset cannot be cut safely at byte level
        probe = data.replace(b"\x00", b"")
        if b"<!DOCTYPE" in probe and b"<!ENTITY" in probe:
            raise ParseError(_ENTITY_REFUSAL)
        return data
    start = data.find(b"<!DOCTYPE")
    if start < 0 or data.find(b"<!ENTITY", start) < 0:
        return data
    match = _DOCTYPE_DECL.match(data, start)
    if match is None:
        raise ParseError(_ENTITY_REFUSAL)
    if b"<!ENTITY" not in (match.group("subset") or b""):
        return data
    warnings.append("Ignored entity declarations in the DOCTYPE; XML entities are never expanded.")
    newlines = b"\n" * match.group("subset").count(b"\n")  # keep line numbers in messages
    return data[: match.start("subset")] + newlines + data[match.end("subset") :]


def _repair_char_refs(match: re.Match) -> bytes:
    """Rewrite a run of character references so each names a valid XML character.

    Some generators write an emoji as two UTF-16 halves ("&#55357;&#56832;"); expat rejects
    those and feedparser's fallback parser crashes on them, losing the whole feed.
    """
    codes = [int(n[1:], 16) if n[:1] in b"xX" else int(n) for n in match[0][2:-1].split(b";&#")]
    text = "".join(chr(code) if code < 0x110000 else "\ufffd" for code in codes)
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return "".join(f"&#{ord(c) if _XML_CHAR.match(c) else 0xFFFD};" for c in text).encode()


def _problem(result: dict, data: bytes, *, fatal: bool) -> tuple[str, dict]:
    """Plain words for what feedparser found wrong (the encoding is reported separately), as a
    message template and its parameters."""
    exc = result.get("bozo_exception")
    if fatal and re.search(rb"<html|<!doctype html", data[:4096], re.I):
        return gettext_noop("This is an HTML web page, not a feed."), {}
    if isinstance(exc, xml.sax.SAXParseException):
        line = exc.getLineNumber() or 0
        if not data.removeprefix(codecs.BOM_UTF8).startswith(b"<?xml"):
            line -= 1  # feedparser prepended an XML declaration line
        what = f"{exc.getMessage()} at line {line}" if line > 0 else exc.getMessage()
        if fatal:
            return gettext_noop("This is not a readable feed: the XML is broken (%(what)s)."), {
                "what": what
            }
        return f"The feed is not well-formed XML ({what}); recovered what could be read.", {}
    if fatal:
        return gettext_noop(
            "This is not an RSS, Atom, RDF or JSON feed; nothing usable could be read."
        ), {}
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return "Could not work out the character encoding; unreadable characters were replaced.", {}
    if exc is None or isinstance(exc, feedparser.CharacterEncodingOverride):
        return "", {}
    return f"The feed has errors ({exc}); recovered what could be read.", {}


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return ""


def _codec(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        return name.lower()
    return "gb18030" if codec == "gb2312" else codec  # feedparser reads gb2312 as gb18030


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
