"""E-mail to partners about what happened to their posts."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from muurkrant.models import Post

logger = logging.getLogger(__name__)


def partner_recipients(post: Post) -> list[str]:
    """The partner's contact address and its members' addresses, each once."""
    partner = post.partner
    addresses = [partner.contact_email] + [
        m.user.email for m in partner.memberships.select_related("user") if m.user.is_active
    ]
    return list(dict.fromkeys(address for address in addresses if address))


def send_rejection_notice(post: Post, reason: str) -> None:
    """Tell the partner why a post was refused; a mail failure must not undo the decision."""
    recipients = partner_recipients(post)
    if not recipients:
        return
    edit_path = reverse("wagtailsnippets_muurkrant_post:edit", args=[post.pk])
    body = render_to_string(
        "muurkrant/admin/rejection_email.txt",
        {
            "post": post,
            "reason": reason,
            "edit_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + edit_path,
        },
    )
    subject = _("Not placed on the wall: %(title)s") % {"title": post.title}
    try:
        send_mail(subject, body, None, recipients)
    except (SMTPException, OSError):
        logger.exception("Could not send the rejection notice for post %s", post.pk)
