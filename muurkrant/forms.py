"""The resident's abuse report: a reason, an optional message, and limits that need no account."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from muurkrant.models import AbuseReport, Post

REPORTS_PER_HOUR = 5


class ReportForm(forms.Form):
    """Validates a report and refuses a second one per post, or a flood, from one fingerprint."""

    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=AbuseReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Explanation (optional)"),
        help_text=_("At most 1000 characters. Do not include your name or contact details."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
    )

    def __init__(self, *args, post: Post, fingerprint: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.fingerprint = fingerprint

    def clean(self):
        cleaned = super().clean()
        mine = AbuseReport.objects.filter(fingerprint=self.fingerprint)
        if mine.filter(post=self.post).exists():
            raise forms.ValidationError(
                _("You have already reported this post. An editor will look at it."),
                code="duplicate",
            )
        hour_ago = timezone.now() - timedelta(hours=1)
        if mine.filter(created_at__gte=hour_ago).count() >= REPORTS_PER_HOUR:
            raise forms.ValidationError(
                _("You have sent several reports in the last hour. Please try again later."),
                code="rate_limited",
            )
        return cleaned
