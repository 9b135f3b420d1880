"""Signals muurkrant sends, so that apps built on it react without muurkrant importing them."""

from django.dispatch import Signal

# Sent with `partner_ids` (the partners whose posts changed), and `post_ids` (the posts) where
# known, wherever posts are written without Django's model signals: queryset updates and bulk
# writes.
posts_changed = Signal()
