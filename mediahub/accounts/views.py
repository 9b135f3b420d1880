"""The second factor's pages: the code after the password, enrolling, recovery codes, removal.

The code and enrolment pages look like Wagtail's login page (the admin is not open yet); the
others are ordinary admin pages.
"""

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from mediahub.accounts import mfa
from mediahub.accounts.forms import CodeForm


def next_url(request: HttpRequest) -> str:
    """Where to go once verified: the page asked for, if it is on this site."""
    target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class VerifyView(FormView):
    """After the password: a code from the app, or one recovery code."""

    template_name = "mediahub/accounts/verify.html"
    form_class = CodeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=next_url(self.request), **kwargs)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        if not mfa.verify(self.request, form.cleaned_data["code"]):
            form.add_error(None, _("This code is not valid. Try the current code from your app."))
            return self.form_invalid(form)
        return HttpResponseRedirect(next_url(self.request))


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class EnrolView(FormView):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code."""

    template_name = "mediahub/accounts/enrol.html"
    form_class = CodeForm

    def get_context_data(self, **kwargs):
        device = mfa.pending_enrolment(self.request.user)
        return super().get_context_data(
            qr_svg=mfa.qr_svg(device, title=_("QR code for your authenticator app")),
            secret=mfa.secret_text(device),
            replacing=mfa.has_device(self.request.user),
            **kwargs,
        )

    def form_valid(self, form: CodeForm) -> HttpResponse:
        device = mfa.pending_enrolment(self.request.user)
        if mfa.confirm_enrolment(self.request, device, form.cleaned_data["code"]) is None:
            form.add_error(None, _("This code is not valid. Try the current code from your app."))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Two-factor authentication is on. Keep your recovery codes somewhere safe."),
        )
        return redirect("mfa:security")


@method_decorator(never_cache, name="dispatch")
class SecurityView(WagtailAdminTemplateMixin, TemplateView):
    """The user's second factor: its state, the unused recovery codes, and new ones on request."""

    template_name = "mediahub/accounts/security.html"
    page_title = gettext_lazy("Two-factor authentication")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            device=mfa.authenticator(user), codes=mfa.recovery_codes(user), **kwargs
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if mfa.has_device(request.user):
            mfa.new_recovery_codes(request.user)
            messages.success(request, _("New recovery codes made; the old ones no longer work."))
        return redirect("mfa:security")


@method_decorator(never_cache, name="dispatch")
class RemoveView(WagtailAdminTemplateMixin, TemplateView):
    """Remove the authenticator and recovery codes (a lost phone, a new one): enrol again."""

    template_name = "mediahub/accounts/remove.html"
    page_title = gettext_lazy("Remove two-factor authentication")
    header_icon = "key"

    def post(self, request: HttpRequest) -> HttpResponse:
        mfa.remove_devices(request.user)
        messages.success(request, _("Your authenticator app and recovery codes are removed."))
        return redirect("mfa:security")
