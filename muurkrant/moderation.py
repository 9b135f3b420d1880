"""Moderation rules shared by every way a post arrives: admin, API and feeds.

Editors' decisions go through the functions below, so each one is written to Wagtail's audit log
(shown in the post's history with who and why) whichever screen or bulk action made it.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from wagtail.log_actions import log

from mediahub.models import PartnerLogEntry
from muurkrant.models import VISIBLE_FIELDS, AbuseReport, ModerationSettings, Post
from muurkrant.notify import send_rejection_notice
from muurkrant.signals import posts_changed

APPROVE = "muurkrant.approve"
REJECT = "muurkrant.reject"
HIDE = "muurkrant.hide"
PIN = "muurkrant.pin"
EXPIRE = "muurkrant.expire"
REPORT = "muurkrant.report"
AUTO_HIDE = "muurkrant.auto_hide"


def moderation_keywords() -> list[str]:
    """The editors' keyword list (one query: callers handling many posts read it once)."""
    return ModerationSettings.load().keyword_list()


def matched_keywords(*texts: str, keywords: list[str] | None = None) -> list[str]:
    """The moderation keywords that occur in any of the texts (case-insensitive)."""
    if keywords is None:
        keywords = moderation_keywords()
    haystack = " ".join(texts).lower()
    return [word for word in keywords if word in haystack]


def status_after_change(
    prior: str | None, *, actor: str, trusted: bool, content_changed: bool, flagged: bool
) -> str:
    """The moderation rule: the status a post has after a change, whoever made it.

    ``prior`` is the status before the change (None for a new post), ``actor`` a
    ``Post.Origin`` (a feed, a partner in the admin or the API, a takeover, an editor),
    ``trusted`` the trust of the feed's source or the partner, ``content_changed`` whether
    anything residents see changed, ``flagged`` whether a moderation keyword matches.
    Hidden posts, drafts and copies withdrawn with their original stay as they are, and a
    rejected post is never published by a change: only an editor's explicit decision (approve,
    reject, hide) undoes those.
    """
    if prior in (Post.Status.HIDDEN, Post.Status.DRAFT, Post.Status.WITHDRAWN):
        return prior
    if actor == Post.Origin.EDITOR:  # the editors' own edits are reviewed by their making
        return prior if prior == Post.Status.REJECTED else Post.Status.PUBLISHED
    if prior is not None and not content_changed:
        return prior
    if prior == Post.Status.REJECTED:
        # A partner's edit asks again and waits for an editor; a feed's update asks nothing.
        return Post.Status.PENDING if actor == Post.Origin.PARTNER else prior
    return Post.Status.PUBLISHED if trusted and not flagged else Post.Status.PENDING


def apply_change(
    post: Post,
    before: dict | None,
    *,
    actor: str,
    trusted: bool,
    keywords: list[str] | None = None,
) -> None:
    """Set ``post.status`` after a change, by the rule above; every way of writing calls this.

    ``before`` is ``{"status": ..., **post.visible_content()}`` as stored before the change,
    None for a new post. When a published post goes back to moderation, what residents saw is
    kept in ``approved_content`` so the editor can see what changed. The video's provider and id
    (and the search text) are derived first, so a link written another way to the same video is
    no change.
    """
    post.derive()
    prior = before["status"] if before else None
    old = {name: before[name] for name in VISIBLE_FIELDS} if before else None
    changed = old is not None and old != post.visible_content()
    flagged = (
        actor != Post.Origin.EDITOR
        and (old is None or changed)
        and bool(matched_keywords(post.title, post.summary, post.body, keywords=keywords))
    )
    post.status = status_after_change(
        prior, actor=actor, trusted=trusted, content_changed=changed, flagged=flagged
    )
    if post.status == Post.Status.PUBLISHED:
        post.approved_content = None
    elif prior == Post.Status.PUBLISHED and post.approved_content is None:
        post.approved_content = old


def stored_state(post: Post) -> dict | None:
    """The ``before`` of ``apply_change`` for a post about to be changed (None when new)."""
    if post.pk is None:
        return None
    return {"status": post.status, **post.visible_content()}


def _resolve_reports(post: Post) -> int:
    resolved = post.reports.filter(resolved=False).update(resolved=True)
    post.report_count = 0
    return resolved


@transaction.atomic
def approve(post: Post, user) -> None:
    """Publish the post; approving also settles any abuse reports against it."""
    resolved = _resolve_reports(post)
    post.status = Post.Status.PUBLISHED
    post.rejection_reason = ""
    post.approved_content = None
    post.save(
        update_fields=[
            "status",
            "rejection_reason",
            "approved_content",
            "report_count",
            "updated_at",
        ]
    )
    log(post, APPROVE, user=user, data={"resolved_reports": resolved})


@transaction.atomic
def reject(post: Post, user, reason: str) -> None:
    """Refuse the post with a reason that the partner sees in the admin and by e-mail."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    _resolve_reports(post)
    post.status = Post.Status.REJECTED
    post.rejection_reason = reason
    post.save(update_fields=["status", "rejection_reason", "report_count", "updated_at"])
    log(post, REJECT, user=user, data={"reason": reason})
    transaction.on_commit(lambda: send_rejection_notice(post, reason))


def hide(post: Post, user, reason: str = "") -> None:
    """Take the post off the wall without judging it yet; reports stay open."""
    post.status = Post.Status.HIDDEN
    post.save(update_fields=["status", "updated_at"])
    log(post, HIDE, user=user, data={"reason": reason.strip()})


def pin(post: Post, user, until: datetime | None) -> None:
    """Keep the post at the top of the wall until the given moment (None unpins)."""
    post.pinned_until = until
    post.save(update_fields=["pinned_until", "updated_at"])
    log(post, PIN, user=user, data={"until": until.isoformat() if until else None})


def set_expiry(post: Post, user, at: datetime | None) -> None:
    """Take the post off the wall at the given moment (None keeps it on)."""
    post.expires_at = at
    post.save(update_fields=["expires_at", "updated_at"])
    log(post, EXPIRE, user=user, data={"at": at.isoformat() if at else None})


@transaction.atomic
def record_report(post: Post, reason: str, message: str, fingerprint: str) -> AbuseReport:
    """Store a resident's report; at the threshold of open reports a published post is hidden.

    ``report_count`` counts the open reports: concurrent reports add up through an F()
    update, and an editor's decision on the post settles them and sets it back to zero.
    """
    report = AbuseReport.objects.create(
        post=post, reason=reason, message=message, fingerprint=fingerprint
    )
    Post.objects.filter(pk=post.pk).update(report_count=F("report_count") + 1)
    log(post, REPORT, data={"reason": reason})
    threshold = ModerationSettings.load().report_threshold
    hidden = Post.objects.filter(
        pk=post.pk, status=Post.Status.PUBLISHED, report_count__gte=threshold
    ).update(status=Post.Status.HIDDEN)
    post.refresh_from_db(fields=["status", "report_count"])
    if hidden:
        log(post, AUTO_HIDE, data={"threshold": threshold})
        posts_changed.send(Post, partner_ids=[post.partner_id], post_ids=[post.pk])
    return report


def forget_moderation_notes(cutoff: datetime, *, apply: bool) -> int:
    """Retention: editors' written reasons older than the cutoff are erased, the decisions kept.

    Counts (or erases) rejection reasons on posts last changed before the cutoff and the reasons
    in audit-log entries of rejections and hidings made before it.
    """
    posts = Post.objects.filter(updated_at__lt=cutoff).exclude(rejection_reason="")
    entries = [
        entry
        for entry in PartnerLogEntry.objects.filter(
            action__in=(REJECT, HIDE), timestamp__lt=cutoff
        ).only("id", "data")
        if entry.data.get("reason")
    ]
    if not apply:
        return posts.count() + len(entries)
    for entry in entries:
        entry.data = {**entry.data, "reason": ""}
    PartnerLogEntry.objects.bulk_update(entries, ["data"], batch_size=500)
    return posts.update(rejection_reason="") + len(entries)


def handled_reports_older_than(cutoff: datetime) -> QuerySet[AbuseReport]:
    """Retention: reports editors have handled; open ones stay until an editor decides."""
    return AbuseReport.objects.filter(resolved=True, created_at__lt=cutoff)
