"""The one HTML policy: what a body may keep, and the elements dropped with their content.

The policy is what the admin's rich-text editor (Draftail) can represent, and nothing more, so
every stored body opens in the editor and survives an unchanged save. A wider allowlist would
need a second, read-only field for feed HTML, that is a second policy; and what it would add is
mostly images, which the public pages' Content-Security-Policy (img-src 'self') blocks anyway and
which would be third-party requests made on behalf of residents.
"""

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
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "noframes",
        "object", "embed", "applet", "svg", "math", "head", "title", "textarea", "select",
        "button", "option", "datalist", "video", "audio", "canvas", "noembed", "xmp",
    }
)  # fmt: skip
