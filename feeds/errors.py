"""The feed-reading error shared by the parser and its XML preparation."""


class ParseError(Exception):
    """The document yields nothing usable; the message is written for a feed editor."""
