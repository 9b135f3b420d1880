"""Moderation rules shared by every way a post arrives: admin, API and feeds.

Editors' decisions go through the functions below, so each one is written to Wagtail's audit log
(shown in the post's history with who and why) whichever screen or bulk action made it.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from wagtail.log_actions import log

from muurkrant.models import AbuseReport, ModerationSettings, Post
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


def initial_status(trusted: bool, *texts: str, keywords: list[str] | None = None) -> str:
    """Trusted partners and sources publish at once, unless a moderation keyword matches."""
    if trusted and not matched_keywords(*texts, keywords=keywords):
        return Post.Status.PUBLISHED
    return Post.Status.PENDING


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
    post.save(update_fields=["status", "rejection_reason", "report_count", "updated_at"])
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
        posts_changed.send(Post, partner_ids=[post.partner_id])  # an update sends none
    return report
