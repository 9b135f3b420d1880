"""Reading counters: how often each post was read, per day, and nothing else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostReadCount(models.Model):
    """How many times residents read a post on one day.

    A bare aggregate: no cookie, address, user agent or time of day is kept, so the counters are
    no personal data and need no retention period.
    """

    post = models.ForeignKey(
        "muurkrant.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="read_counts",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        verbose_name = _("reading count")
        verbose_name_plural = _("reading counts")
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="unique_read_count_per_day")
        ]
        indexes = [models.Index(fields=["day", "post"], name="read_count_day_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.day}: {self.count}"
