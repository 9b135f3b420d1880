"""The admin around posts: the partner-scoped edit form and the editors' moderation screens."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.compare import diff_text
from wagtail.admin.panels import Panel
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.log_actions import log
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views import snippets as snippet_views

from mediahub.models import PartnerLogEntry
from mediahub.permissions import PartnerScopedForm, ScopedInspectView, can_moderate
from muurkrant import moderation, queue, stories, takeover
from muurkrant.models import Post
from muurkrant.models.posts import language_choices
from muurkrant.queries import matching_ids
from muurkrant.video import video_from_url


class PostAdminForm(PartnerScopedForm):
    """Nobody chooses a status here: the moderation rule sets it on every save.

    Editors decide on the post's review page (approve, reject, hide), where each decision is
    written to the audit log; an edit in this form is one more change for the rule to judge.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_state = moderation.stored_state(self.instance)
        if "language" in self.fields:
            self.fields["language"].widget = forms.Select(
                choices=language_choices(self.instance.language)
            )

    def clean_video_url(self):
        url = self.cleaned_data["video_url"]
        if url and "video_url" in self.changed_data and not video_from_url(url):
            raise forms.ValidationError(_("Give the link of a YouTube, Vimeo or PeerTube video."))
        return url

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return cleaned

    def save(self, commit=True):
        post = self.instance
        actor = Post.Origin.EDITOR if self.user_moderates() else Post.Origin.PARTNER
        if post.pk is None:
            post.origin = actor
        if "enclosure_url" in self.changed_data:
            post.enclosure_type = ""  # follows the new file: guessed from its name when shown
        moderation.apply_change(post, self.stored_state, actor=actor, trusted=post.partner.trusted)
        saved = super().save(commit=commit)
        prior = self.stored_state and self.stored_state["status"]
        if commit and prior == Post.Status.PENDING and post.status == Post.Status.PUBLISHED:
            log(post, moderation.APPROVE, user=self.for_user, data={"by_edit": True})
        return saved


class RejectionPanel(Panel):
    """At the top of a rejected post's form: why the editors refused it, who did and when."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "muurkrant/admin/rejection_panel.html"

        def is_shown(self) -> bool:
            post = self.instance
            return bool(post.pk and post.status == Post.Status.REJECTED and post.rejection_reason)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["rejection"] = (
                PartnerLogEntry.objects.for_instance(self.instance)
                .filter(action=moderation.REJECT)
                .select_related("user")
                .order_by("-timestamp", "-id")
                .first()
            )
            context["for_partner"] = not can_moderate(self.request.user)
            return context


class ModeratorRequiredMixin:
    """Moderation is for editors only, whatever model permissions a user holds."""

    def dispatch(self, request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PostSearchMixin:
    """Admin listings of posts search as the wall does (muurkrant.search): a word inside a
    compound or another form of it finds the post, among the posts the listing shows."""

    is_searchable = True

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_searching:
            return queryset
        return queryset.filter(pk__in=matching_ids(self.search_query, queryset))


class PostIndexView(PostSearchMixin, snippet_views.IndexView):
    pass


class ModerationQueueView(ModeratorRequiredMixin, PostSearchMixin, snippet_views.IndexView):
    """Posts awaiting a decision, oldest first, then published posts with open abuse reports."""

    page_title = _("Moderation queue")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        waiting = queue.waiting()
        context["waiting"] = waiting
        context["waiting_for"] = timesince(waiting.oldest, depth=1) if waiting.oldest else ""
        return context

    def get_base_queryset(self):
        return (
            Post.objects.filter(Q(status=Post.Status.PENDING) | Q(report_count__gt=0))
            .select_related("partner")
            .annotate(
                queue_rank=Case(
                    When(status=Post.Status.PENDING, then=0), default=1, output_field=IntegerField()
                )
            )
            .order_by("queue_rank", "created_at", "id")
        )

    def get_edit_url(self, instance):
        """In the queue a title opens the review page, where the decisions are made."""
        return reverse(self.inspect_url_name, args=[instance.pk])


class PostInspectView(ScopedInspectView):
    """The post as residents will see it, with its status and, for editors, the decisions."""

    template_name = "muurkrant/admin/post_inspect.html"
    fields = [
        "partner", "origin", "kind", "status", "original", "takeover_permission", "published_at",
        "pinned_until", "expires_at",
    ]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        context["can_moderate"] = can_moderate(self.request.user)
        context["copies"] = takeover.taken_over_by(post)
        if context["can_moderate"]:
            context["changes"] = changes_since_approval(post)
            context["open_reports"] = post.reports.filter(resolved=False)
            context["moderate_url_name"] = "wagtailsnippets_muurkrant_post:moderate"
            context["reject_form"] = RejectForm()
            context["hide_form"] = HideForm()
            context["pin_form"] = PinForm(initial={"until": post.pinned_until})
            context["expire_form"] = ExpireForm(initial={"at": post.expires_at})
            context["story_posts"] = (
                post.story.posts.exclude(pk=post.pk).select_related("partner") if post.story else []
            )
        return context


def changes_since_approval(post: Post) -> list[tuple[str, str]]:
    """(field label, marked-up difference) for what changed since residents last saw the post."""
    if not post.approved_content:
        return []
    now = post.visible_content()
    changes = []
    for name, before in post.approved_content.items():
        if name not in now or now[name] == before:
            continue
        label = Post._meta.get_field(name.removesuffix("_id")).verbose_name
        if name.endswith("_id"):  # an image or audio file: no text to compare
            changes.append((label, escape(_("replaced") if before and now[name] else _("changed"))))
        else:
            # to_html escapes each piece of text it marks up, and returns it marked safe.
            changes.append((label, diff_text(str(before or ""), str(now[name] or "")).to_html()))
    return changes


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner sees this in the admin and receives it by e-mail."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Note for the history"), required=False)


class PinForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Pinned until"),
        required=False,
        widget=AdminDateTimeInput,
        help_text=_("Leave empty to unpin."),
    )


class ExpireForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=AdminDateTimeInput,
        help_text=_("Leave empty to keep it on the wall."),
    )


DECISIONS = {
    "approve": (forms.Form, lambda post, user, data: moderation.approve(post, user)),
    "reject": (RejectForm, lambda post, user, data: moderation.reject(post, user, data["reason"])),
    "hide": (HideForm, lambda post, user, data: moderation.hide(post, user, data["reason"])),
    "pin": (PinForm, lambda post, user, data: moderation.pin(post, user, data["until"])),
    "expire": (ExpireForm, lambda post, user, data: moderation.set_expiry(post, user, data["at"])),
    "split": (forms.Form, lambda post, user, data: stories.split(post, user)),
}

DONE_MESSAGES = {
    "approve": _("'%(title)s' is on the wall."),
    "reject": _("'%(title)s' was rejected; the partner has been told why."),
    "hide": _("'%(title)s' is hidden."),
    "pin": _("The pin of '%(title)s' was saved."),
    "expire": _("The expiry of '%(title)s' was saved."),
    "split": _("'%(title)s' is now a story of its own."),
}


class ModerateView(ModeratorRequiredMixin, View):
    """One editor's decision on one post, by POST only; the form errors go back as messages."""

    http_method_names = ["post"]

    def post(self, request, pk: int, decision: str):
        if decision not in DECISIONS:
            raise PermissionDenied
        post = get_object_or_404(Post, pk=pk)
        form_class, act = DECISIONS[decision]
        form = form_class(request.POST)
        review_url = reverse("wagtailsnippets_muurkrant_post:inspect", args=[post.pk])
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(review_url)
        act(post, request.user, form.cleaned_data)
        messages.success(request, DONE_MESSAGES[decision] % {"title": post.title})
        if request.POST.get("then") == "next":
            following = next_pending(post)
            if following is None:
                messages.info(request, _("No more posts are waiting after this one."))
                return redirect("wagtailsnippets_muurkrant_post:moderation")
            return redirect("wagtailsnippets_muurkrant_post:inspect", following)
        return redirect(get_valid_next_url_from_request(request) or review_url)


def next_pending(post: Post) -> int | None:
    """The id of the post waiting after this one in the queue's order (oldest first), if any."""
    return (
        Post.objects.filter(status=Post.Status.PENDING)
        .filter(Q(created_at__gt=post.created_at) | Q(created_at=post.created_at, id__gt=post.id))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )


class ModerationBulkAction(SnippetBulkAction):
    """Bulk decisions on posts, for editors only."""

    models = [Post]

    def check_perm(self, obj):
        return can_moderate(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApproveBulkAction(ModerationBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected posts")
    template_name = "muurkrant/admin/bulk_approve.html"
    action_priority = 10

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for post in objects:
            moderation.approve(post, user)
        return len(objects), 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d post approved.", "%(count)d posts approved.", num_parent_objects
        ) % {"count": num_parent_objects}


class BulkRejectForm(forms.Form):
    reason = RejectForm.base_fields["reason"]


class RejectBulkAction(ModerationBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected posts")
    template_name = "muurkrant/admin/bulk_reject.html"
    action_priority = 20
    form_class = BulkRejectForm

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        for post in objects:
            moderation.reject(post, user, reason)
        return len(objects), 0

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "user": self.request.user,
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d post rejected.", "%(count)d posts rejected.", num_parent_objects
        ) % {"count": num_parent_objects}


class MergeStoryBulkAction(ModerationBulkAction):
    """Editors say that the selected posts are one story; grouping leaves them so."""

    display_name = _("Merge into one story")
    action_type = "merge_story"
    aria_label = _("Show the selected posts as one story")
    template_name = "muurkrant/admin/bulk_merge_story.html"
    action_priority = 30

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        stories.merge(objects, user)
        return len(objects), 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d post is now one story.",
            "%(count)d posts are now one story.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
