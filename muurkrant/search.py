"""Search residents expect: a word finds itself inside longer words and its Dutch word forms.

"brug" finds "fietsbrug", "fiets" finds "fietsers", "fietsers" and "fietsen" find "fiets".
Every word of the query must match (AND), in a post's title, summary or body text.

Design: each post keeps its searchable text in one denormalised column, ``Post.search_text``
(title, summary and the body's text without markup, lowercased and without accents), set
where content is set: ``Post.save()`` and the moderation rule every bulk writer (the feed
ingest) calls. A query word is reduced to its forms (the word, its Snowball Dutch stem when
that still starts like the word, and the agent noun's root: "fietser" → "fiets"), and a post
matches when one form occurs anywhere in ``search_text``, inside a word or not. ``highlight``
marks the words so found in a card's title and summary.

Why not word-based full-text search (PostgreSQL's ``dutch`` configuration, FTS5's word
tokenizers, Wagtail's backend): it matches whole words or their prefixes, so "brug" could never
find "fietsbrug", and Dutch writes its compounds as one word. So the search is a substring
search on both databases, each with an index that serves it:

- PostgreSQL: ``LIKE '%form%'``, served by a pg_trgm GIN index on the column (migration 0014).
  Ranking by ``ts_rank`` with the ``dutch`` configuration was weighed and left out: without a
  stored ``tsvector`` it parses every match's text in the query (seconds when a common word
  matches tens of thousands of posts), and after title matches, newest first is what a news
  wall's readers expect.
- SQLite (the embedded default): an FTS5 table with the trigram tokenizer (SQLite 3.34 or
  later; migration 0015) finds every piece of three characters or more, which is what
  ``LIKE '%form%'`` finds, without reading every row; shorter words fall back to ``LIKE``.

Title matches come first, then the newest. The column keeps link targets and markup out of
reach: "href" finds nothing. Measured in bench/ at 100,000 posts.
"""

import re
import unicodedata

import snowballstemmer
from django.db import connections
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mediahub.sanitize import clean_text

# More words than this add little but cost a scan each; the rest of a long query is ignored.
MAX_WORDS = 12
_WORD = re.compile(r"\w+")
_STEMMER = snowballstemmer.stemmer("dutch")

# SQLite's index of the search column: FTS5 with the trigram tokenizer finds any piece of three
# characters or more anywhere in the text, as LIKE does, without reading every row. The column is
# lowercase and without accents already, so the index compares exactly. It keeps the column's
# first line, the title, apart, so that ranking title matches first needs no row either. It holds
# no copy of the text (contentless); triggers keep it in step with every write, bulk ones too.
FTS_TABLE = "muurkrant_post_fts"
TRIGRAM = 3  # the shortest piece the index finds; shorter forms are matched with LIKE
_SPLIT = "instr({0}.search_text || char(10), char(10))"
_TITLE = f"substr({{0}}.search_text, 1, {_SPLIT} - 1)"
_REST = f"substr({{0}}.search_text, {_SPLIT} + 1)"
_ADD = (
    f"INSERT INTO {FTS_TABLE}(rowid, title, rest) "  # noqa: S608 - constants only
    f"VALUES (new.id, {_TITLE.format('new')}, {_REST.format('new')}); "
)
_REMOVE = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, rest) "  # noqa: S608 - constants only
    f"VALUES ('delete', old.id, {_TITLE.format('old')}, {_REST.format('old')}); "
)
_FTS_TRIGGERS = {
    "muurkrant_post_fts_insert": f"AFTER INSERT ON muurkrant_post BEGIN {_ADD}END",
    "muurkrant_post_fts_delete": f"AFTER DELETE ON muurkrant_post BEGIN {_REMOVE}END",
    "muurkrant_post_fts_update": (
        "AFTER UPDATE OF search_text ON muurkrant_post "
        f"WHEN old.search_text IS NOT new.search_text BEGIN {_REMOVE}{_ADD}END"
    ),
}
SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, rest, "
    "content='', tokenize='trigram case_sensitive 1')",
    *(f"CREATE TRIGGER {name} {body}" for name, body in _FTS_TRIGGERS.items()),
    f"INSERT INTO {FTS_TABLE}(rowid, title, rest) SELECT id, {_TITLE.format('p')}, "  # noqa: S608 - constants only
    f"{_REST.format('p')} FROM muurkrant_post AS p",
)
DROP_SQLITE_INDEX = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _FTS_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def restore_sqlite_index(using: str = "default", **kwargs) -> None:
    """After migrations: SQLite drops a table's triggers when Django rebuilds the table to
    alter it, and an index without them would silently fall behind; it is built anew then."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s "
            "OR (type = 'trigger' AND tbl_name = 'muurkrant_post')",
            [FTS_TABLE],
        )
        present = {name for (name,) in cursor.fetchall()}
        if FTS_TABLE in present and not present.issuperset(_FTS_TRIGGERS):
            for statement in (*DROP_SQLITE_INDEX, *SQLITE_INDEX):
                cursor.execute(statement)


def normalise(text: str) -> str:
    """Lowercase, without accents: "Taalcafé" and "taalcafe" are one word to a resident."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def search_text(title: str, summary: str, body: str) -> str:
    """What a post is searched by: its words as residents read them, not its markup."""
    return normalise("\n".join([title, summary, clean_text(body)]))


def word_forms(word: str) -> list[str]:
    """The forms of one (normalised) query word whose occurrence anywhere makes a match.

    A form that contains another is left out: where it occurs, the shorter one does too.
    """
    forms = {word}
    stem = _STEMMER.stemWord(word)
    # The stemmer also strips prefixes ("gemeente" → "meen"); such stems would find too much.
    if len(stem) >= 3 and stem[:3] == word[:3]:
        forms.add(stem)
        if stem.endswith("er") and len(stem) >= 7:
            forms.add(stem[:-2])  # who does it, and what: "fietser" → "fiets"
    return sorted(form for form in forms if not any(o != form and o in form for o in forms))


def query_words(text: str) -> list[str]:
    """The distinct words of a query, normalised; punctuation only separates them."""
    words = dict.fromkeys(_WORD.findall(normalise(text)))
    return list(words)[:MAX_WORDS]


def matches(words: list[str], vendor: str) -> Q:
    """Posts whose text holds every word, in one of its forms."""
    return _holding(words, vendor, "search_text__contains", "")


def title_rank(words: list[str], vendor: str) -> Case:
    """1 where the title alone holds every word, else 0: title matches come first."""
    return Case(
        When(_holding(words, vendor, "title__icontains", "title"), then=Value(1)),
        default=Value(0),
    )


def _holding(words: list[str], vendor: str, lookup: str, column: str) -> Q:
    """Every word in one of its forms: on SQLite the words the trigram index can find are asked
    of it (in `column`, else anywhere) in one MATCH; other words and databases ``LIKE`` each
    form (the `lookup`), which PostgreSQL's trigram index serves."""
    condition, indexed = Q(), []
    for word in words:
        forms = word_forms(word)
        if vendor == "sqlite" and min(map(len, forms)) >= TRIGRAM:
            indexed.append(forms)
            continue
        either = Q()
        for form in forms:
            either |= Q(**{lookup: form})
        condition &= either
    if indexed:
        # Each form is one quoted phrase: the query language sees only text to look for.
        scope = f"{column} : " if column else ""
        query = " AND ".join(
            scope + "(" + " OR ".join('"' + form.replace('"', '""') + '"' for form in forms) + ")"
            for forms in indexed
        )
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 - constants only
        condition &= Q(pk__in=RawSQL(sql, [query]))  # noqa: S611 - the query is a parameter
    return condition


def highlight(text: str, query: str) -> SafeString:
    """The text, escaped, with each word that holds a form of a query word in ``<mark>``.

    Found as the search finds it (without accents or case), marked in the text as written.
    """
    forms = {form for word in query_words(query) for form in word_forms(word)}
    # The folded text, and for each of its characters the character of `text` it came from.
    folded, origin = "", []
    for position, char in enumerate(text):
        piece = normalise(char)
        folded += piece
        origin += [position] * len(piece)
    found = set()
    for form in forms:
        start = folded.find(form)
        while start != -1:
            found.update(origin[start : start + len(form)])
            start = folded.find(form, start + 1)
    parts, done = [], 0
    for word in _WORD.finditer(text):
        if found.intersection(range(word.start(), word.end())):
            parts += [escape(text[done : word.start()]), f"<mark>{escape(word.group())}</mark>"]
            done = word.end()
    parts.append(escape(text[done:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above
