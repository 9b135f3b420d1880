"""E-mail to partners about what happened to their posts, and about takeovers of them."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from mediahub.models import Partner
from muurkrant.models import Post, TakeoverRequest

logger = logging.getLogger(__name__)


def partner_recipients(post: Post) -> list[str]:
    """The post's partner's contact address and its members' addresses, each once."""
    return partner_addresses(post.partner)


def partner_addresses(partner: Partner) -> list[str]:
    """The partner's contact address and its members' addresses, each once."""
    addresses = [partner.contact_email] + [
        m.user.email for m in partner.memberships.select_related("user") if m.user.is_active
    ]
    return list(dict.fromkeys(address for address in addresses if address))


def _admin_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(subject: str, template: str, context: dict, recipients: list[str], what: str) -> None:
    """Send one notice; a mail failure is logged and must not undo the decision it reports."""
    if not recipients:
        return
    try:
        send_mail(subject, render_to_string(template, context), None, recipients)
    except (SMTPException, OSError):
        logger.exception("Could not send %s", what)


def send_rejection_notice(post: Post, reason: str) -> None:
    """Tell the partner why a post was refused."""
    edit_path = reverse("wagtailsnippets_muurkrant_post:edit", args=[post.pk])
    _send(
        _("Not placed on the wall: %(title)s") % {"title": post.title},
        "muurkrant/admin/rejection_email.txt",
        {"post": post, "reason": reason, "edit_url": _admin_url(edit_path)},
        partner_recipients(post),
        f"the rejection notice for post {post.pk}",
    )


def send_takeover_request(request: TakeoverRequest) -> None:
    """Ask the owner of a post whether another partner may take it over."""
    post = request.original
    _send(
        _("%(partner)s asks to take over: %(title)s")
        % {"partner": request.partner.name, "title": post.title},
        "muurkrant/admin/takeover_request_email.txt",
        {
            "request": request,
            "post": post,
            "requests_url": _admin_url(reverse("muurkrant_takeover_requests")),
        },
        partner_recipients(post),
        f"the takeover request {request.pk}",
    )


def send_takeover_decision(request: TakeoverRequest) -> None:
    """Tell the partner who asked whether it may take the post over."""
    approved = request.status == TakeoverRequest.Status.APPROVED
    subject = _("Takeover approved: %(title)s") if approved else _("Takeover declined: %(title)s")
    copy_url = (
        _admin_url(reverse("wagtailsnippets_muurkrant_post:edit", args=[request.copy_id]))
        if request.copy_id
        else ""
    )
    asker = [request.requested_by.email] if request.requested_by else []
    _send(
        subject % {"title": request.original.title},
        "muurkrant/admin/takeover_decision_email.txt",
        {"request": request, "approved": approved, "copy_url": copy_url},
        list(dict.fromkeys([*asker, *partner_addresses(request.partner)])),
        f"the takeover decision {request.pk}",
    )
