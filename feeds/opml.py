"""OPML in and out: how feed readers and other hubs exchange lists of feeds."""

import xml.etree.ElementTree as ET  # noqa: S405 - entity declarations are refused before parsing
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import format_datetime

from django.utils import timezone

from mediahub.sanitize import clean_text, safe_url


class OPMLError(ValueError):
    """The file is not OPML we can read; the message says why in plain words."""


@dataclass
class Outline:
    url: str
    title: str
    site_url: str


def read_opml(data: bytes) -> list[Outline]:
    """Feed outlines (those with an xmlUrl) at any depth; categories are flattened."""
    if b"<!ENTITY" in data[:4096].upper():
        raise OPMLError("The file declares XML entities; refusing to expand them.")
    try:
        root = ET.fromstring(data)  # noqa: S314 - see the check above
    except ET.ParseError as exc:
        raise OPMLError(f"The file is not well-formed XML ({exc}).") from exc
    if root.tag.lower() != "opml":
        raise OPMLError("The file is not OPML: its root element is not <opml>.")
    outlines, seen = [], set()
    for node in root.iter("outline"):
        url = safe_url(node.get("xmlUrl") or node.get("xmlurl"))
        if not url or url in seen:
            continue
        seen.add(url)
        title = clean_text(node.get("title") or node.get("text") or "", max_length=300)
        outlines.append(Outline(url=url, title=title, site_url=safe_url(node.get("htmlUrl"))))
    return outlines


def write_opml(sources: Iterable, *, title: str) -> bytes:
    """An OPML 2.0 document of the given sources, grouped by partner."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(timezone.now())
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for source in sources:
        partner = source.partner
        group = groups.get(partner.slug)
        if group is None:
            group = groups[partner.slug] = ET.SubElement(
                body, "outline", text=partner.name, title=partner.name
            )
        attributes = {"type": "rss", "text": source.title or source.url, "xmlUrl": source.url}
        if source.title:
            attributes["title"] = source.title
        if source.site_url:
            attributes["htmlUrl"] = source.site_url
        ET.SubElement(group, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
