"""Taking over another partner's post, asking first where the owner wants that, and keeping each
copy in step with its original: the one place these rules live, for the API and the admin.

A copy is a post of the taker linked to its original. Its status always passes the moderation
rule, and it follows the original: a correction updates it, a withdrawal takes it off the wall.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from mediahub.models import Partner
from mediahub.permissions import can_moderate, partner_ids_for
from mediahub.sanitize import clean_html
from muurkrant import notify
from muurkrant.models import Post, TakeoverRequest
from muurkrant.moderation import apply_change, stored_state

CREDIT_LINE = "Overgenomen van"
# What a takeover copies as it is; the body gains a credit line and the link points at the original.
COPIED_FIELDS = (
    "kind", "title", "summary", "language", "image_id", "image_alt", "thumbnail_url", "video_url",
    "audio_id", "enclosure_url", "enclosure_type", "enclosure_length", "duration_seconds",
)  # fmt: skip
# A save touching none of these cannot change what the copies show or whether they are shown.
_FOLLOWED = frozenset({"status", "body", "link", *COPIED_FIELDS, "image", "audio"})
# Copies in these states are taken off the wall with their original; the others are not shown.
_SHOWN = (Post.Status.PUBLISHED, Post.Status.PENDING)

WITHDRAW = "muurkrant.withdraw_copy"
FOLLOW = "muurkrant.follow_original"
REQUEST = "muurkrant.takeover_request"


class TakeoverError(Exception):
    """The post cannot be taken over by this partner now; the message says why."""


class TakeoverRefused(TakeoverError, ValueError):
    """Not a post to take over: not published, or the partner's own."""


class TakeoverNotAllowed(TakeoverError):
    """The owner does not allow this post to be taken over."""


class AlreadyTakenOver(TakeoverError):
    """The partner took this post over before; ``copy`` is that copy."""

    def __init__(self, copy: Post):
        super().__init__(_("This partner has already taken this post over."))
        self.copy = copy


def may_override(user) -> bool:
    """Editors may take any post over, whatever its owner chose."""
    return user is not None and can_moderate(user)


def take_over(original: Post, partner: Partner, *, user) -> Post | TakeoverRequest:
    """Take ``original`` over as ``partner``'s post, or ask its owner first.

    Returns the new copy when the owner allows it (or an editor overrides), and the pending
    request when the owner wants to be asked; raises a ``TakeoverError`` otherwise.
    """
    original = original.original or original  # a copy's credit belongs to the first author
    _check(original, partner)
    permission = Post.Takeover.ALLOWED if may_override(user) else original.takeover
    if permission == Post.Takeover.NOT_ALLOWED:
        raise TakeoverNotAllowed(
            _("%(partner)s does not allow taking this post over.")
            % {"partner": original.partner.name}
        )
    if permission == Post.Takeover.ASK:
        return _ask(original, partner, user=user)
    return _copy(original, partner, user=user)


def _check(original: Post, partner: Partner) -> None:
    if original.status != Post.Status.PUBLISHED:
        raise TakeoverRefused(_("Only published posts can be taken over."))
    if original.partner_id == partner.pk:
        raise TakeoverRefused(_("This post is already yours."))
    existing = Post.objects.filter(original=original, partner=partner).first()
    if existing:
        raise AlreadyTakenOver(existing)


def _ask(original: Post, partner: Partner, *, user) -> TakeoverRequest:
    """One pending request per post and partner: asking again answers with the same one."""
    with transaction.atomic():
        request, created = TakeoverRequest.objects.get_or_create(
            original=original,
            partner=partner,
            status=TakeoverRequest.Status.PENDING,
            defaults={"requested_by": user},
        )
        if created:
            log(original, REQUEST, user=user, data={"partner": partner.name})
            transaction.on_commit(lambda: notify.send_takeover_request(request))
    return request


def copied_content(original: Post) -> dict:
    """What a copy shows of its original: its fields, with a credit line and link to it."""
    source_url = original.link or f"{settings.SITE_URL}{original.get_absolute_url()}"
    credit = format_html(
        '<p>{} <a href="{}">{}</a></p>', CREDIT_LINE, source_url, original.partner.name
    )
    return {
        **{name: getattr(original, name) for name in COPIED_FIELDS},
        "body": clean_html(f"{original.body}{credit}"),
        "link": source_url,
    }


def _copy(original: Post, partner: Partner, *, user) -> Post:
    """The copy is a new post of the taker: the moderation rule decides its status."""
    post = Post(
        partner=partner, origin=Post.Origin.PARTNER, original=original, **copied_content(original)
    )
    apply_change(post, None, actor=Post.Origin.PARTNER, trusted=partner.trusted)
    post.tags.set([tag.name for tag in original.tags.all()])
    post.wijken.set(list(original.wijken.all()))
    try:
        with transaction.atomic():
            post.save()
            log(post, "wagtail.create", user=user, data={"takeover": original.pk})
    except IntegrityError:  # the same partner took it over at the same moment
        raise AlreadyTakenOver(Post.objects.get(original=original, partner=partner)) from None
    return post


def may_decide(user, request: TakeoverRequest) -> bool:
    """The owner partner's users answer a request; editors may answer any."""
    return can_moderate(user) or request.original.partner_id in partner_ids_for(user)


def requests_for(user) -> QuerySet[TakeoverRequest]:
    """The requests a user may answer, waiting ones first, newest first."""
    requests = TakeoverRequest.objects.select_related("original__partner", "partner")
    if not can_moderate(user):
        requests = requests.filter(original__partner_id__in=partner_ids_for(user))
    return requests


def decide(request: TakeoverRequest, *, approve: bool, user) -> TakeoverRequest:
    """Approve (making the copy) or decline a pending request; the asking partner is told."""
    if not may_decide(user, request):
        raise PermissionDenied
    if request.status != TakeoverRequest.Status.PENDING:
        raise TakeoverRefused(_("This request has already been answered."))
    with transaction.atomic():
        if approve:
            _check(request.original, request.partner)
            request.copy = _copy(request.original, request.partner, user=user)
            request.status = TakeoverRequest.Status.APPROVED
        else:
            request.status = TakeoverRequest.Status.DECLINED
        request.decided_at = timezone.now()
        request.decided_by = user
        request.save()
        transaction.on_commit(lambda: notify.send_takeover_decision(request))
    return request


def taken_over_by(original: Post) -> QuerySet[Post]:
    """The copies of a post, with their partners: who took it over."""
    return original.copies.select_related("partner").order_by("partner__name", "id")


# --- copies follow their original --------------------------------------------------------


def follow(original: Post) -> None:
    """Bring every copy in line with its original: withdrawn when the original is off the wall,
    updated (through the moderation rule) when it was corrected, back when it returns."""
    copies = list(original.copies.select_related("partner"))
    if not copies:
        return
    shown = original.status == Post.Status.PUBLISHED
    content = copied_content(original) if shown else {}
    for copy in copies:
        if not shown:
            if copy.status in _SHOWN:
                _withdraw(copy, original.pk)
        elif copy.status == Post.Status.WITHDRAWN:
            _update(copy, content, before=None, original_id=original.pk)
        elif any(getattr(copy, name) != value for name, value in content.items()):
            _update(copy, content, before=stored_state(copy), original_id=original.pk)


def _withdraw(copy: Post, original_id: int | None) -> None:
    copy.status = Post.Status.WITHDRAWN
    copy.save(update_fields=["status", "updated_at"])
    log(copy, WITHDRAW, data={"original": original_id})


def _update(copy: Post, content: dict, *, before: dict | None, original_id: int) -> None:
    """A correction is a change like any other; a returning copy is judged as new."""
    for name, value in content.items():
        setattr(copy, name, value)
    apply_change(copy, before, actor=Post.Origin.PARTNER, trusted=copy.partner.trusted)
    copy.save()
    log(copy, FOLLOW, data={"original": original_id})


def on_post_saved(sender, instance: Post, created: bool, raw: bool, update_fields, **kwargs):
    """Every save of a post that has copies, whichever screen, API or decision made it."""
    if created or raw or (update_fields and not _FOLLOWED & set(update_fields)):
        return
    follow(instance)


def on_post_deleted(sender, instance: Post, **kwargs) -> None:
    """A deleted original takes its copies off the wall before the link to it is cleared."""
    for copy in instance.copies.filter(status__in=_SHOWN):
        _withdraw(copy, instance.pk)


def on_posts_changed(sender, post_ids=(), **kwargs) -> None:
    """Bulk writes (feed updates, hiding by reports) name the posts they changed."""
    originals = Post.objects.filter(pk__in=list(post_ids), copies__isnull=False).distinct()
    for original in originals.select_related("partner"):
        follow(original)
