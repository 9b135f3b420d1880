"""Taking over another partner's published post: the one way it is done, by the API or the admin."""

from django.conf import settings
from django.db import transaction
from django.utils.html import format_html
from wagtail.log_actions import log

from mediahub.models import Partner
from mediahub.sanitize import clean_html
from muurkrant.models import Post
from muurkrant.moderation import apply_change

CREDIT_LINE = "Overgenomen van"
# What a takeover copies as it is; the body gains a credit line and the link points at the original.
COPIED_FIELDS = (
    "kind", "title", "summary", "language", "image", "image_alt", "thumbnail_url", "video_url",
    "audio", "enclosure_url", "enclosure_type", "enclosure_length", "duration_seconds",
)  # fmt: skip


class TakeoverRefused(ValueError):
    """The post cannot be taken over by this partner; the message says why."""


def take_over(original: Post, partner: Partner, *, user) -> Post:
    """Copy a published post of another partner as ``partner``'s own, crediting the original.

    The copy is a new post of that partner, so the moderation rule decides its status as for
    anything the partner writes; the audit log records which post it came from.
    """
    if original.status != Post.Status.PUBLISHED:
        raise TakeoverRefused("Only published posts can be taken over.")
    if original.partner_id == partner.pk:
        raise TakeoverRefused("This post is already yours.")
    source_url = original.link or f"{settings.SITE_URL}{original.get_absolute_url()}"
    credit = format_html(
        '<p>{} <a href="{}">{}</a></p>', CREDIT_LINE, source_url, original.partner.name
    )
    post = Post(
        partner=partner,
        origin=Post.Origin.PARTNER,
        body=clean_html(f"{original.body}{credit}"),
        link=source_url,
        **{name: getattr(original, name) for name in COPIED_FIELDS},
    )
    apply_change(post, None, actor=Post.Origin.PARTNER, trusted=partner.trusted)
    post.tags.set([tag.name for tag in original.tags.all()])
    post.wijken.set(list(original.wijken.all()))
    with transaction.atomic():
        post.save()
        log(post, "wagtail.create", user=user, data={"takeover": original.pk})
    return post
