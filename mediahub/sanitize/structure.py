"""The editor's block structure: sanitised tokens rewritten into blocks of inline content."""

from __future__ import annotations

from typing import NamedTuple

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
# Tags the cleaner lets through only to be mapped onto the editor's blocks.
STRUCTURE = frozenset(_RENAME) | _AS_PARAGRAPH | _CONTAINERS
_LISTS = frozenset({"ul", "ol"})
_VOID = frozenset({"br", "hr"})
_CELL_SEPARATOR = " | "
_NBSP = frozenset({"nbsp", "#160", "#xa0", "#xA0"})


class _Node(NamedTuple):
    name: str
    attrs: dict
    children: list


_BREAK = _Node("", {}, [])  # a block boundary inside a block, written as <br> between content


_SPACES = " \t\n\r\f"  # what HTML counts as white space (not the no-break space)


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
        elif kind == "Characters":
            stack[-1].extend(_split_edges(token["data"]))
        elif kind == "Entity" or token.get("data"):
            stack[-1].append(token)
    return root


def _split_edges(text: str) -> list[dict]:
    """Text with the spaces at its ends as tokens of their own, as html5lib gives them when it
    parses our output again: the edges are then trimmed alike on every pass (idempotence)."""
    core = text.strip(_SPACES)
    if not core:
        return [{"type": "SpaceCharacters", "data": text}]
    start = text.index(core)
    pieces = [text[:start], core, text[start + len(core) :]]
    kinds = ("SpaceCharacters", "Characters", "SpaceCharacters")
    return [{"type": kind, "data": data} for kind, data in zip(kinds, pieces, strict=True) if data]


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


def editor_structure(tokens):
    """Rewrite sanitised tokens into blocks of inline content, the shape the editor reads.

    Hand-written because neither html5lib nor Wagtail does it: Wagtail's converter assumes the
    shape (and fails on anything else), html5lib only balances tags. It works on bleach's
    already parsed and balanced tree, so it parses nothing itself.
    """
    blocks: list = []
    _flow(_tree(tokens), (), blocks)
    return _emit(blocks)
