"""What a resident asks of the wall: filters from the query string, search, and keyset pages.

Pages are cut with a cursor (published_at + id) rather than OFFSET, so the thousandth page
costs the same as the first: the database walks the wall index from the cursor on.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediahub.models import Partner
from muurkrant.models import Post, PostQuerySet, Wijk
from muurkrant.search import matches, query_words, title_rank

FILTER_KEYS = ("partner", "tag", "wijk", "kind", "q")
# Search matches are taken by relevance (title first, then newest) up to this many.
SEARCH_LIMIT = 1000
CURSOR_PATTERN = re.compile(r"^(-?\d{1,17})-(\d{1,19})$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class ActiveFilter:
    """One filter in force, with the query string that drops it (for "clear" links)."""

    key: str
    label: str
    value: str
    clear_query: str


@dataclass
class WallFilters:
    """The wall's query-string filters, cleaned: unknown values are dropped, not trusted."""

    partner: Partner | None = None
    tag: str = ""
    wijk: Wijk | None = None
    kind: str = ""
    q: str = ""
    active: list[ActiveFilter] = field(default_factory=list)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (pagination)."""
        params = {
            "partner": self.partner.slug if self.partner else "",
            "tag": self.tag,
            "wijk": self.wijk.slug if self.wijk else "",
            "kind": self.kind,
            "q": self.q,
        }
        return {key: value for key, value in params.items() if value}

    def query_with(self, **changes: str) -> str:
        """A query string with these filters changed (an empty value drops one)."""
        return query_string({**self.as_params(), **changes})

    @property
    def narrowed_search(self) -> bool:
        """A search under other filters too: an empty result offers to drop either side."""
        return bool(self.q) and len(self.active) > 1

    def search_only_query(self) -> str:
        """The query string that keeps the search and drops every other filter."""
        return query_string({"q": self.q})

    def without_search_query(self) -> str:
        """The query string that keeps the other filters and drops the search."""
        return self.query_with(q="")


@dataclass
class FilterLink:
    """A plain link that sets one filter, keeping the others."""

    label: str
    query: str
    current: bool


def query_string(params: dict[str, str]) -> str:
    """The query string of the non-empty parameters, or "" so that links fall back to the path."""
    params = {key: value for key, value in params.items() if value}
    return "?" + urlencode(params) if params else ""


def filter_links(
    filters: WallFilters, key: str, options: list[tuple[str, str]]
) -> list[FilterLink]:
    """Links for each (value, label) of one filter, keeping the others; the current one marked."""
    current = filters.as_params().get(key, "")
    return [
        FilterLink(str(label), filters.query_with(**{key: value}), value == current)
        for value, label in options
    ]


def parse_filters(query: QueryDict, partner: Partner | None = None) -> WallFilters:
    """Reads the wall's filters; a fixed partner (the partner page) overrides the query."""
    filters = WallFilters()
    slug = query.get("partner", "").strip()
    if partner is not None:
        filters.partner = partner
    elif slug:
        filters.partner = Partner.objects.active().filter(slug=slug).first()
    filters.tag = query.get("tag", "").strip()[:100]
    wijk = query.get("wijk", "").strip()
    if wijk:
        filters.wijk = Wijk.objects.filter(slug=wijk).first()
    kind = query.get("kind", "")
    filters.kind = kind if kind in Post.Kind.values else ""
    filters.q = " ".join(query.get("q", "").split())[:200]
    filters.active = _active_filters(filters, fixed_partner=partner is not None)
    return filters


def _active_filters(filters: WallFilters, fixed_partner: bool) -> list[ActiveFilter]:
    shown = [
        ("partner", _("Partner"), filters.partner.name if filters.partner else ""),
        ("tag", _("Topic"), filters.tag),
        ("wijk", _("Neighbourhood"), filters.wijk.name if filters.wijk else ""),
        ("kind", _("Kind"), Post.Kind(filters.kind).label if filters.kind else ""),
        ("q", _("Search"), filters.q),
    ]
    return [
        ActiveFilter(key, label, value, filters.query_with(**{key: ""}))
        for key, label, value in shown
        if value and not (key == "partner" and fixed_partner)
    ]


def filter_posts(posts: PostQuerySet, filters: WallFilters) -> PostQuerySet:
    """Narrows posts to the filters; search picks the best matches first, then dates order them."""
    if filters.partner:
        posts = posts.filter(partner=filters.partner)
    if filters.kind:
        posts = posts.filter(kind=filters.kind)
    if filters.tag:
        posts = posts.filter(tags__slug=filters.tag)
    if filters.wijk:
        posts = posts.filter(wijken=filters.wijk)
    if filters.q:
        posts = posts.filter(pk__in=search_ids(filters))
    return posts


def search_ids(filters: WallFilters) -> list[int]:
    """Ids of published posts matching the search text, most relevant first."""
    candidates = Post.objects.published()
    if filters.partner:
        candidates = candidates.filter(partner_id=filters.partner.pk)
    if filters.kind:
        candidates = candidates.filter(kind=filters.kind)
    return matching_ids(filters.q, candidates)


def matching_ids(text: str, candidates: PostQuerySet) -> list[int]:
    """Ids of the candidates that match the search text (see muurkrant.search), titles matching
    first, then the newest, at most SEARCH_LIMIT of them. Text without words matches nothing."""
    words = query_words(text)
    if not words:
        return []
    vendor = connections[candidates.db].vendor
    return list(
        candidates.filter(matches(words, vendor))
        .annotate(title_match=title_rank(words, vendor))
        .order_by("-title_match", "-published_at", "-pk")
        .values_list("pk", flat=True)[:SEARCH_LIMIT]
    )


def encode_cursor(post: Post) -> str:
    """A post's place in the wall order, as text safe in a URL: microseconds-id."""
    micros = (post.published_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{post.pk}"


def decode_cursor(text: str) -> tuple[datetime, int] | None:
    match = CURSOR_PATTERN.match(text or "")
    if not match:
        return None
    try:
        moment = EPOCH + timedelta(microseconds=int(match.group(1)))
    except OverflowError:
        return None
    return moment, int(match.group(2))


@dataclass
class WallSlice:
    """One page of the wall: pinned posts (first page only), posts, and links either way."""

    pinned: list[Post]
    posts: list[Post]
    newer_query: str | None
    older_query: str | None

    @property
    def is_first(self) -> bool:
        return self.newer_query is None


def paginate(
    posts: PostQuerySet, filters: WallFilters, query: QueryDict, per_page: int
) -> WallSlice:
    """Cuts the filtered wall into a page by the `before` or `after` cursor in the query.

    Pinned posts sit above the first page and are left out of the dated stream below them, so
    no post appears twice.
    """
    now = timezone.now()
    pinned_now = Q(pinned_until__gt=now)
    stream = posts.exclude(pinned_now).order_by("-published_at", "-pk")
    params = filters.as_params()
    before = decode_cursor(query.get("before", ""))
    after = None if before else decode_cursor(query.get("after", ""))

    if after:
        moment, pk = after
        later = Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk)
        newer = list(stream.filter(later).order_by("published_at", "pk")[: per_page + 1])
        # Up to a page newer means this is the top: it is shown as the first page, pins and all.
        if len(newer) > per_page:
            rows = newer[:per_page][::-1]
            return WallSlice(
                pinned=[],
                posts=rows,
                newer_query=query_string({**params, "after": encode_cursor(rows[0])}),
                older_query=query_string({**params, "before": encode_cursor(rows[-1])}),
            )

    if before:
        moment, pk = before
        stream = stream.filter(
            Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk),
            published_at__lte=moment,
        )
    rows = list(stream[: per_page + 1])
    older_query = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        older_query = query_string({**params, "before": encode_cursor(rows[-1])})
    if not before:
        pinned = pinned_posts(posts, now)
        return WallSlice(pinned=pinned, posts=rows, newer_query=None, older_query=older_query)
    newer_params = {**params, "after": encode_cursor(rows[0])} if rows else params
    return WallSlice(
        pinned=[], posts=rows, newer_query=query_string(newer_params), older_query=older_query
    )


def pinned_posts(posts: PostQuerySet, now: datetime) -> list[Post]:
    """Of these posts, those pinned now, newest first.

    The pinned ids are asked on their own, a question only the partial index on pinned_until
    answers: asked together with the wall's other conditions, a planner without statistics
    walks the status index over every published post instead. The few are sorted here.
    """
    ids = list(Post.objects.filter(pinned_until__gt=now).order_by().values_list("pk", flat=True))
    if not ids:
        return []
    return sorted(
        posts.filter(pk__in=ids).order_by(),
        key=lambda post: (post.published_at, post.pk),
        reverse=True,
    )
