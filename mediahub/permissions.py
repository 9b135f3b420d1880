"""Who may do what in the admin: editors everything, partner users only their own partner's things.

Wagtail's generic views check permissions per model, not per object, and overriding a viewset's
``get_queryset`` only filters the listing (wagtail/wagtail#10746). So the policies below scope
objects to the user's partners, and ``PartnerScopedSnippetViewSet`` fetches every object (edit,
delete, inspect, history, usage, copy, chooser, bulk actions) through the policy: another
partner's object is never loaded, the URL answers 404.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_list_or_404, get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.chooser import ModelLookupMixin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views

from mediahub.media import visible_media
from mediahub.models import Partner

MODERATE_ALL = "mediahub.moderate_all"


def can_moderate(user) -> bool:
    """Editors and superusers moderate and manage every partner's content."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(MODERATE_ALL)))


def moderators() -> QuerySet:
    """The active editors and superusers: who hears about every partner."""
    return get_user_model().objects.filter(_moderators_filter(), is_active=True).distinct()


def partner_ids_for(user) -> set[int]:
    """The partners a user is a member of, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_partner_ids_cache"):
        user._partner_ids_cache = set(user.memberships.values_list("partner_id", flat=True))
    return user._partner_ids_cache


def partners_of_request(request) -> QuerySet:
    """The partners a listing filter may offer: the user's own (all of them for editors)."""
    if request is None:
        return Partner.objects.none()
    return Partner.objects.for_user(request.user)


def _moderators_filter() -> Q:
    app_label, codename = MODERATE_ALL.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return Q(is_superuser=True) | Q(user_permissions__in=perm) | Q(groups__permissions__in=perm)


class PartnerScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions from the user's groups, narrowed to objects of the user's partners.

    ``partner_attname`` names the attribute holding the partner's id (``partner_id`` for objects
    that belong to a partner); ``partner_lookup`` is the matching queryset lookup.
    """

    partner_attname = "partner_id"
    partner_lookup = "partner_id"

    def _in_scope(self, user, instance: Model) -> bool:
        return can_moderate(user) or getattr(instance, self.partner_attname) in partner_ids_for(
            user
        )

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        return self.user_has_permission(user, action) and self._in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance: Model) -> bool:
        return self.user_has_any_permission(user, actions) and self._in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        objects = self.model._default_manager.all()
        if not self.user_has_any_permission(user, actions):
            return objects.none()
        if can_moderate(user):
            return objects
        return objects.filter(**{f"{self.partner_lookup}__in": partner_ids_for(user)})

    def users_with_any_permission_for_instance(self, actions, instance: Model) -> QuerySet:
        partner_id = getattr(instance, self.partner_attname)
        return (
            self.users_with_any_permission(actions)
            .filter(_moderators_filter() | Q(memberships__partner_id=partner_id))
            .distinct()
        )


class PartnerPermissionPolicy(PartnerScopedPermissionPolicy):
    """Editors manage partners; a member may view and edit their own partner's profile."""

    partner_attname = "pk"
    partner_lookup = "pk"
    member_actions = frozenset({"view", "change"})

    def _member_may(self, user, actions) -> bool:
        return bool(self.member_actions.intersection(actions)) and bool(partner_ids_for(user))

    def user_has_permission(self, user, action: str) -> bool:
        return super().user_has_permission(user, action) or (
            user.is_active and self._member_may(user, [action])
        )

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions) -> QuerySet:
        users = super().users_with_any_permission(actions)
        if not self.member_actions.intersection(actions):
            return users
        members = get_user_model().objects.filter(is_active=True, memberships__isnull=False)
        return (users | members).distinct()


class ModeratorsOnlyPermissionPolicy(ModelPermissionPolicy):
    """Everything for editors and superusers, nothing for anyone else (e.g. memberships)."""

    def user_has_permission(self, user, action: str) -> bool:
        return can_moderate(user)

    def users_with_any_permission(self, actions) -> QuerySet:
        return moderators()


@dataclass(frozen=True)
class DerivedCollectionPermission:
    """Reads as a GroupCollectionPermission row to Wagtail, but follows from a user's role."""

    collection: Collection
    permission: Permission

    @property
    def collection_id(self) -> int:
        return self.collection.pk


class PartnerCollectionPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Images and documents: Wagtail's collection policy, with the collections taken from roles.

    Every partner has its own collection (``mediahub.media``). The image and document
    permissions a user's groups grant (see ``mediahub.roles``) hold on the root collection for
    editors and on their partners' collections for partner users, so memberships stay the one
    answer to "whose media may I touch" and no per-partner group has to be kept in step with them.
    Wagtail's own views, choosers, upload forms and usage pages all ask this policy.
    """

    permission_cache_name = "_partner_media_permission_cache"

    def _media_permissions(self, user) -> QuerySet:
        return Permission.objects.filter(content_type=self._content_type).filter(
            Q(group__user=user) | Q(user=user)
        )

    def get_all_permissions_for_user(self, user) -> list:
        if not (user.is_active and user.is_authenticated) or user.is_superuser:
            return []  # nobody, or everybody: Wagtail decides these without looking
        granted = list(super().get_all_permissions_for_user(user))
        if can_moderate(user):
            collections = [Collection.get_first_root_node()]
        else:
            collections = list(Collection.objects.filter(partner__pk__in=partner_ids_for(user)))
        granted += [
            DerivedCollectionPermission(collection, permission)
            for permission in self._media_permissions(user).distinct()
            for collection in collections
        ]
        return granted

    def _users_with_perm_filter(self, actions, collection=None) -> Q:
        permissions = self._get_permission_objects_for_actions(actions)
        holders = Q(groups__permissions__in=permissions) | Q(user_permissions__in=permissions)
        if collection is None:
            members = Q(memberships__isnull=False)
        else:
            ancestors = collection.get_ancestors(inclusive=True)
            members = Q(memberships__partner__collection__in=ancestors)
        moderators = get_user_model().objects.filter(_moderators_filter()).values("pk")
        derived = Q(is_active=True) & holders & (Q(pk__in=moderators) | members)
        return super()._users_with_perm_filter(actions, collection=collection) | derived


def scoped_queryset(model: type[Model], user, actions) -> QuerySet:
    """The objects of a model that the user may perform any of the actions on."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)


ANY_ACCESS = ["view", "change", "delete"]


class ScopedEditView(snippet_views.EditView):
    def get_queryset(self):
        return scoped_queryset(self.model, self.request.user, ["change"])


class ScopedDeleteView(snippet_views.DeleteView):
    def get_queryset(self):
        return scoped_queryset(self.model, self.request.user, ["delete"])


class ScopedCopyView(snippet_views.CopyView):
    def get_object(self, queryset=None):
        pk = self.kwargs[self.pk_url_kwarg]
        return get_object_or_404(scoped_queryset(self.model, self.request.user, ANY_ACCESS), pk=pk)


class ScopedInspectView(snippet_views.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            scoped_queryset(self.model, self.request.user, ANY_ACCESS), pk=self.pk
        )


class ScopedHistoryView(snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return scoped_queryset(self.model, self.request.user, ANY_ACCESS)


class ScopedUsageView(snippet_views.UsageView):
    def get_base_object_queryset(self):
        return scoped_queryset(self.model, self.request.user, ANY_ACCESS)


class ScopedChooserMixin(ModelLookupMixin):
    def scoped(self) -> QuerySet:
        return scoped_queryset(self.model_class, self.request.user, ANY_ACCESS)


class ScopedChooseView(ScopedChooserMixin, chooser_views.ChooseView):
    def get_object_list(self):
        return self.scoped()


class ScopedChooseResultsView(ScopedChooserMixin, chooser_views.ChooseResultsView):
    def get_object_list(self):
        return self.scoped()


class ScopedChosenView(ScopedChooserMixin, chooser_views.SnippetChosenView):
    def get_object(self, pk):
        return self.scoped().get(pk=pk)


class ScopedChosenMultipleView(ScopedChooserMixin, chooser_views.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return self.scoped().filter(pk__in=pks)


class ScopedChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class PartnerScopedSnippetViewSet(snippet_views.SnippetViewSet):
    """A snippet viewset whose every view loads objects through the model's permission policy."""

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_class = ScopedCopyView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    chooser_viewset_class = ScopedChooserViewSet

    def get_queryset(self, request) -> QuerySet:
        return scoped_queryset(self.model, request.user, ANY_ACCESS)


class ScopedBulkActionMixin:
    """Bulk actions see only objects in the user's scope; others are treated as missing."""

    scope_actions = ANY_ACCESS

    def scoped(self) -> QuerySet:
        return scoped_queryset(self.model, self.request.user, self.scope_actions)

    def get_queryset(self, model, object_ids):
        return get_list_or_404(self.scoped(), pk__in=object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        return self.scoped().values_list("pk", flat=True)


class ScopedDeleteBulkAction(ScopedBulkActionMixin, DeleteBulkAction):
    """Wagtail's bulk delete for snippets, but blind to objects outside the user's scope."""

    scope_actions = ["delete"]


class PartnerScopedForm(WagtailAdminModelForm):
    """Offers only the user's own partners, preselecting the only one; a forged id is invalid.

    Image and document fields likewise take only media the user sees (or the one already set).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self._scope_media_fields()
        field = self.fields.get("partner")
        if field is None or self.for_user is None:
            return
        field.queryset = Partner.objects.for_user(self.for_user)
        if not self.instance.pk and len(choices := list(field.queryset[:2])) == 1:
            field.initial = choices[0].pk

    def _scope_media_fields(self) -> None:
        media_models = (get_image_model(), get_document_model())
        for name, field in self.fields.items():
            model = getattr(getattr(field, "queryset", None), "model", None)
            if model in media_models:
                current = model.objects.filter(pk=getattr(self.instance, f"{name}_id", None))
                field.queryset = visible_media(model, self.for_user) | current

    def clean_partner(self):
        partner = self.cleaned_data["partner"]
        if self.for_user is not None and not (
            can_moderate(self.for_user) or partner.pk in partner_ids_for(self.for_user)
        ):
            raise forms.ValidationError(_("You can only publish for your own partner."))
        return partner

    def user_moderates(self) -> bool:
        return self.for_user is not None and can_moderate(self.for_user)
