"""Assertions on HTML as a browser would parse it, not on its text (escaped code is harmless)."""

from html.parser import HTMLParser

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "xlink:href"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower().split(":", 1)[0]
                if ":" in value and scheme in {"javascript", "data", "vbscript"}:
                    self.problems.append(f"{tag}[{name}={value[:40]}]")


def harmful_parts(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def assert_harmless(html: str) -> None:
    problems = harmful_parts(html)
    assert not problems, f"executable HTML survived: {problems}"
