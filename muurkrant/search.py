"""Search residents expect: a word finds itself inside longer words and its Dutch word forms.

"brug" finds "fietsbrug", "fiets" finds "fietsers", "fietsers" and "fietsen" find "fiets".
Every word of the query must match (AND), in a post's title, summary or body text.

Design: each post keeps its searchable text in one denormalised column, ``Post.search_text``
(title, summary and the body's text without markup, lowercased and without accents), set
where content is set: ``Post.save()`` and the moderation rule every bulk writer (the feed
ingest) calls. A query word is reduced to its forms (the word, its Snowball Dutch stem when
that still starts like the word, and the agent noun's root: "fietser" → "fiets"), and a post
matches when one form occurs anywhere in ``search_text``: a plain ``LIKE '%form%'``.

Why not full-text search (Wagtail's backend, PostgreSQL's ``dutch`` configuration, FTS5
tokens): they match whole words or prefixes only, so "brug" can never find "fietsbrug", and
Dutch writes its compounds as one word. A substring search does, and stays fast: on
PostgreSQL a pg_trgm GIN index serves ``LIKE '%form%'``; on SQLite (the embedded default,
for one city's posts) a scan of one lowercase column, measured in bench/ at 100,000 posts.
The column also keeps link targets and markup out of reach: "href" finds nothing.
"""

import re
import unicodedata

import snowballstemmer
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
# characters or more anywhere in the text, as LIKE does, without reading every row. It holds no
# copy of the text (external content) and triggers keep it in step with every write, bulk ones
# included. The column is already lowercase and without accents, so the index compares exactly.
FTS_TABLE = "muurkrant_post_fts"
TRIGRAM = 3  # the shortest piece the index finds; shorter forms are matched with LIKE
_FTS_TRIGGERS = {
    "muurkrant_post_fts_insert": (
        "AFTER INSERT ON muurkrant_post BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "muurkrant_post_fts_delete": (
        "AFTER DELETE ON muurkrant_post BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "muurkrant_post_fts_update": (
        "AFTER UPDATE OF search_text ON muurkrant_post "
        "WHEN old.search_text IS NOT new.search_text BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}
SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, "
    "content='muurkrant_post', content_rowid='id', tokenize='trigram case_sensitive 1')",
    *(f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _FTS_TRIGGERS.items()),
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
DROP_SQLITE_INDEX = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _FTS_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


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
    """Posts whose text holds every word, in one of its forms.

    On SQLite the words whose forms the trigram index can find are asked of it in one MATCH;
    elsewhere, and for shorter words, each form is a ``LIKE '%form%'``.
    """
    condition = Q()
    indexed = []
    for word in words:
        forms = word_forms(word)
        if vendor == "sqlite" and min(map(len, forms)) >= TRIGRAM:
            indexed.append(forms)
            continue
        either = Q()
        for form in forms:
            either |= Q(search_text__contains=form)
        condition &= either
    if indexed:
        # Each form is one quoted phrase: the query language sees only text to look for.
        phrase = " AND ".join(
            "(" + " OR ".join('"' + form.replace('"', '""') + '"' for form in forms) + ")"
            for forms in indexed
        )
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        condition &= Q(pk__in=RawSQL(sql, [phrase]))
    return condition


def title_rank(words: list[str]) -> Case:
    """1 where the title alone holds every word, else 0: title matches come first."""
    in_title = Q()
    for word in words:
        either = Q()
        for form in word_forms(word):
            either |= Q(title__icontains=form)
        in_title &= either
    return Case(When(in_title, then=Value(1)), default=Value(0))


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
