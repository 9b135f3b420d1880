"""The Pool in the admin: every partner's published posts, to find and take over with one click.

A partner user also sees their own partner's drafts and pending posts there, never another's
(``PostQuerySet.in_pool``). Taking over goes through ``muurkrant.takeover.take_over``, the one
way it is done, by the API or here.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet

from mediahub.models import Partner
from mediahub.permissions import can_moderate, partner_ids_for
from muurkrant import takeover
from muurkrant.admin_views import PostSearchMixin
from muurkrant.models import Post, Wijk

PER_PAGE = 50


def may_use_pool(user) -> bool:
    """The pool is for partner users (members of a partner) and editors."""
    return user.is_authenticated and (can_moderate(user) or bool(partner_ids_for(user)))


def takeover_partners(user) -> list[Partner]:
    """The partners a user takes over for: their memberships, the first one first.

    Editors take over only for partners they are members of, not for every partner they
    moderate: a takeover is a partner's own choice.
    """
    if not user.is_authenticated:
        return []
    return list(Partner.objects.filter(memberships__user=user).order_by("memberships__pk"))


class PoolFilterSet(WagtailFilterSet):
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), queryset=Partner.objects.order_by("name")
    )
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    wijk = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"), field_name="wijken", queryset=Wijk.objects.all()
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Post.Kind.choices)
    published_at = django_filters.DateFromToRangeFilter(
        label=_("Date"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Post
        fields = ["partner", "tag", "wijk", "kind", "published_at"]

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A tag by its name or slug, as partners type it."""
        return queryset.filter(tags__slug=slugify(value))


class TakeOverColumn(Column):
    """A "Take over" button per row: a POST form, with a choice of partner for members of
    several. Shown on other partners' published posts only."""

    cell_template_name = "muurkrant/admin/pool_take_over_cell.html"

    def __init__(self, name: str, *, partners: list[Partner], next_url: str, **kwargs):
        super().__init__(name, **kwargs)
        self.partners = partners
        self.next_url = next_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        partners = [partner for partner in self.partners if partner.pk != instance.partner_id]
        if instance.status != Post.Status.PUBLISHED:
            partners = []
        context.update(
            partners=partners,
            action=reverse("pool:take_over", args=[instance.pk]),
            next_url=self.next_url,
            csrf_token=get_token(parent_context["request"]),
        )
        return context


class PoolView(PostSearchMixin, IndexView):
    """The pool's listing: newest first, searchable, filtered by partner, tag, wijk, kind, date.

    One page costs the same few queries however many rows it shows: partners come with their
    posts, and everything else a row needs is on the post or asked once per page.
    """

    model = Post
    page_title = _("Pool")
    header_icon = "group"
    paginate_by = PER_PAGE
    filterset_class = PoolFilterSet
    any_permission_required = None
    index_url_name = "pool:index"
    index_results_url_name = "pool:index_results"

    def dispatch(self, request, *args, **kwargs):
        if not may_use_pool(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet:
        return Post.objects.in_pool(self.request.user).select_related("partner")

    def title_url(self, post: Post) -> str:
        """Own posts (all posts, for editors) open in the editor; others' on the wall."""
        user = self.request.user
        if can_moderate(user) or post.partner_id in partner_ids_for(user):
            return reverse("wagtailsnippets_muurkrant_post:edit", args=[post.pk])
        return post.get_absolute_url()

    @cached_property
    def next_url(self) -> str:
        """Back to this page of the pool, filters kept, after a takeover."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    @cached_property
    def columns(self) -> list[Column]:
        partners = takeover_partners(self.request.user)
        columns = [
            TitleColumn(
                "title",
                label=_("Title"),
                get_url=self.title_url,
                get_title_id=lambda post: f"pool-title-{post.pk}",
            ),
            Column("partner", label=_("Partner"), accessor="partner.name"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("published_at", label=_("Date")),
        ]
        if partners:  # editors who are no member of a partner take nothing over
            columns.append(
                TakeOverColumn(
                    "take_over", label=_("Take over"), partners=partners, next_url=self.next_url
                )
            )
        return columns

    def get_valid_orderings(self) -> list[str]:
        return []  # newest first only: the order the pool's index serves


class TakeOverView(View):
    """Takes one post over for one of the user's partners, by POST only, and says how it went."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        partners = takeover_partners(request.user)
        if not partners:
            raise PermissionDenied
        original = get_object_or_404(
            Post.objects.in_pool(request.user).select_related("partner"), pk=pk
        )
        partner = chosen_partner(partners, request.POST.get("partner", ""))
        back = get_valid_next_url_from_request(request) or reverse("pool:index")
        try:
            result = takeover.take_over(original, partner, user=request.user)
        except takeover.TakeoverRefused as exc:
            messages.error(request, str(exc))
            return redirect(back)
        names = {"title": original.title, "partner": partner.name, "owner": original.partner.name}
        if isinstance(result, Post):
            edit_url = reverse("wagtailsnippets_muurkrant_post:edit", args=[result.pk])
            messages.success(
                request,
                _("'%(title)s' is now a post of %(partner)s.") % names,
                buttons=[messages.button(edit_url, _("Edit"))],
            )
        else:
            messages.success(
                request,
                _("%(owner)s has been asked whether you may take over '%(title)s'.") % names,
            )
        return redirect(back)


def chosen_partner(partners: list[Partner], choice: str) -> Partner:
    """The partner asked for in the form, which must be one of the user's; the first if none."""
    if not choice:
        return partners[0]
    for partner in partners:
        if str(partner.pk) == choice:
            return partner
    raise PermissionDenied


class PoolMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_use_pool(request.user)


class PoolViewSet(ViewSet):
    """The Pool: its listing (with the results-only view its filters refresh) and takeovers."""

    name = "pool"
    icon = "group"
    menu_label = _("Pool")
    menu_icon = "group"
    menu_order = 140
    add_to_admin_menu = True
    menu_item_class = PoolMenuItem

    @property
    def menu_url(self) -> str:
        return reverse("pool:index")

    def get_urlpatterns(self):
        return [
            path("", PoolView.as_view(), name="index"),
            path("results/", PoolView.as_view(results_only=True), name="index_results"),
            path("<int:pk>/take-over/", TakeOverView.as_view(), name="take_over"),
        ]
