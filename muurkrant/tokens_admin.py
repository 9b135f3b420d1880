"""Settings → API tokens: partner users create and revoke their own partner's tokens, editors
see and revoke all. A new token's plaintext is shown once; only its hash is stored.

Every view loads tokens through the permission policy below, whose rule is
``can_manage_tokens``: another partner's token answers 404 by any URL.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log
from wagtail.snippets.views import snippets as snippet_views

from mediahub.models import Partner
from mediahub.permissions import (
    PartnerScopedPermissionPolicy,
    PartnerScopedSnippetViewSet,
    ScopedDeleteView,
    ScopedEditView,
)
from muurkrant.models import PartnerToken, can_manage_tokens
from muurkrant.models.tokens import expiry_at, token_partners

TOKEN_ACTIONS = frozenset({"add", "change", "delete", "view"})


class PartnerTokenPermissionPolicy(PartnerScopedPermissionPolicy):
    """Whoever may manage some partner's tokens may use the screen; each token is in reach of
    those for whom ``can_manage_tokens`` holds. No model permissions or groups involved."""

    def user_has_permission(self, user, action: str) -> bool:
        return action in TOKEN_ACTIONS and token_partners(user).exists()

    def user_has_any_permission(self, user, actions) -> bool:
        return bool(TOKEN_ACTIONS.intersection(actions)) and token_partners(user).exists()

    def _in_scope(self, user, instance: PartnerToken) -> bool:
        return can_manage_tokens(user, instance.partner_id)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return PartnerToken.objects.none()
        return PartnerToken.objects.manageable_by(user)

    def users_with_any_permission(self, actions) -> QuerySet:
        """Active users; the parent narrows them per token to editors and the partner's members."""
        users = get_user_model().objects.filter(is_active=True)
        return users if TOKEN_ACTIONS.intersection(actions) else users.none()


class PartnerTokenCreateForm(WagtailAdminModelForm):
    """Name, partner (only those the user may manage) and an optional expiry date."""

    name = forms.CharField(label=_("Name"), max_length=255)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=AdminDateInput,
        help_text=_("Optional. The token stops working at the start of this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        field.required = True
        field.queryset = token_partners(self.for_user).filter(active=True)
        if len(choices := list(field.queryset[:2])) == 1:
            field.initial = choices[0].pk

    def clean_partner(self) -> Partner:
        partner = self.cleaned_data["partner"]
        if not can_manage_tokens(self.for_user, partner.pk):
            raise forms.ValidationError(_("You can only make tokens for your own partner."))
        return partner

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day and expiry_at(day) <= timezone.now():
            raise forms.ValidationError(_("Choose a day in the future."))
        return day


class PartnerTokenEditForm(WagtailAdminModelForm):
    """Only the name changes; partner and expiry stay as the token was made."""

    name = forms.CharField(label=_("Name"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = self.instance.token.name

    def save(self, commit: bool = True) -> PartnerToken:
        self.instance.token.name = self.cleaned_data["name"]
        if commit:
            self.instance.token.save(update_fields=["name"])
        return super().save(commit=commit)


class CreateView(snippet_views.CreateView):
    def form_valid(self, form):
        self.object, plaintext = PartnerToken.objects.issue(
            user=self.request.user,
            partner=form.cleaned_data["partner"],
            name=form.cleaned_data["name"],
            expires_at=expiry_at(day) if (day := form.cleaned_data["expires_on"]) else None,
        )
        log(self.object, "wagtail.apitoken.create", user=self.request.user)
        context = self.get_context_data(form=form)
        context.update(
            page_title=_("API token created"),
            header_title=_("API token created"),
            object=self.object,
            token=plaintext,
            index_url=self.get_success_url(),
        )
        return TemplateResponse(self.request, "muurkrant/api_tokens/created.html", context)


class RevokeView(ScopedDeleteView):
    """Revoking keeps the token for the record; the API refuses it from then on."""

    page_title = _("Revoke")
    template_name = "muurkrant/api_tokens/confirm_revoke.html"

    @property
    def confirmation_message(self):
        return _("Are you sure you want to revoke this API token? Software using it stops working.")

    def form_valid(self, form):
        if self.object.revoke():
            log(self.object, "wagtail.apitoken.revoke", user=self.request.user)
        messages.success(
            self.request, _("API token '%(name)s' revoked.") % {"name": self.object.token.name}
        )
        return HttpResponseRedirect(self.get_success_url())


class IndexView(snippet_views.IndexView):
    @cached_property
    def columns(self):
        # No bulk-action checkboxes: tokens are revoked one by one, never deleted in bulk.
        return [
            self._get_title_column_class(TitleColumn)(
                "name", label=_("Name"), accessor="token.name", get_url=self.get_edit_url
            ),
            Column("prefix", label=_("Token"), accessor="token.prefix"),
            Column("partner", label=_("Partner"), accessor=_partner_label),
            Column("user", label=_("User"), accessor="token.user"),
            DateColumn("created", label=_("Created"), accessor="token.created"),
            DateColumn("last_used_at", label=_("Last used"), accessor="token.last_used_at"),
            DateColumn("expires_at", label=_("Expires"), accessor="expires_at"),
            DateColumn("revoked_at", label=_("Revoked"), accessor="token.revoked_at"),
            Column("status", label=_("Status"), accessor=lambda token: token.status().label),
        ]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("token__user", "partner")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        delete_url = self.get_delete_url(instance)
        for button in buttons:
            if button.url == delete_url:
                button.label = _("Revoke")
        return buttons


def _partner_label(partner_token: PartnerToken) -> str:
    return str(partner_token.partner or _("Any of the user's partners (X-Partner)"))


class PartnerTokenViewSet(PartnerScopedSnippetViewSet):
    """Settings → API tokens, for everyone who may manage some partner's tokens."""

    model = PartnerToken
    icon = "key"
    menu_label = _("API tokens")
    menu_name = "api_tokens"
    menu_order = 602
    add_to_settings_menu = True
    copy_view_enabled = False
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = ScopedEditView
    delete_view_class = RevokeView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("partner", read_only=True),
            FieldPanel("expires_at", read_only=True),
        ],
        base_form_class=PartnerTokenEditForm,
    )
    create_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("partner", widget=forms.Select), FieldPanel("expires_on")],
        base_form_class=PartnerTokenCreateForm,
    )

    def get_add_view_kwargs(self, **kwargs):
        panel = self.create_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("token__user", "partner")
