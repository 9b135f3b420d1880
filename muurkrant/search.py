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

from mediahub.sanitize import clean_text

# More words than this add little but cost a scan each; the rest of a long query is ignored.
MAX_WORDS = 12
_WORD = re.compile(r"\w+")
_STEMMER = snowballstemmer.stemmer("dutch")


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


def matches(words: list[str]) -> Q:
    """Posts whose text holds every word, in one of its forms."""
    condition = Q()
    for word in words:
        either = Q()
        for form in word_forms(word):
            either |= Q(search_text__contains=form)
        condition &= either
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
