"""The admin's "Takeover requests": the owner partner's users (and editors) answer requests to
take their posts over. Every check is made again on the server when a button is pressed."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from muurkrant import takeover
from muurkrant.models import TakeoverRequest


class TakeoverRequestsView(WagtailAdminTemplateMixin, TemplateView):
    """Waiting requests with approve and decline buttons, then the ones already answered."""

    template_name = "muurkrant/admin/takeover_requests.html"
    page_title = _("Takeover requests")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requests = takeover.requests_for(self.request.user)
        context["waiting"] = requests.filter(status=TakeoverRequest.Status.PENDING)
        context["answered"] = requests.exclude(status=TakeoverRequest.Status.PENDING)[:50]
        return context


class DecideTakeoverView(View):
    """POST only: approve or decline one request the user may answer (else 404)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        if decision not in ("approve", "decline"):
            raise Http404
        answer = get_object_or_404(takeover.requests_for(request.user), pk=pk)
        try:
            takeover.decide(answer, approve=decision == "approve", user=request.user)
        except takeover.TakeoverError as exc:
            messages.error(request, str(exc))
        else:
            if decision == "approve":
                messages.success(request, _("Approved: the copy is made and the partner told."))
            else:
                messages.success(request, _("Declined: the partner is told."))
        return redirect("muurkrant_takeover_requests")
