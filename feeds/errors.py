"""The feed-reading error shared by the parser and its XML preparation."""

from mediahub.fetch.errors import ReadableError


class ParseError(ReadableError):
    """The document yields nothing usable; the message is written for a feed editor."""
