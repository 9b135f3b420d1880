"""Stories: the posts of several partners (or of one feed under two addresses) about one event.

The wall and the feeds show one card per story; the story's page lists every version.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from muurkrant.models.wall import WallPage


class Story(models.Model):
    """One event covered by several posts, grouped on the way in (``muurkrant.stories``) or by
    an editor merging and splitting in the admin."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return WallPage.story_path(self.pk)


class StoryKey(models.Model):
    """A key a post is found by when a newer post looks for its story: an exact key (canonical
    link, video, text fingerprint) or one MinHash band, found within the story window.

    One indexed lookup of a new post's keys finds every candidate, however many posts there are.
    """

    post = models.ForeignKey("muurkrant.Post", on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    exact = models.BooleanField(default=False)
    published_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "published_at"], name="story_key_idx")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.key}"
