"""One Content-Security-Policy per part of the site: public pages, the admin, the API docs.

django-csp sends one policy from settings, changed per view by its decorators; the admin's
views are Wagtail's, so its policy is chosen here by path instead (CONTENT_SECURITY_POLICY_PATHS).
The admin's policy refuses inline scripts: the few Wagtail widgets that start with one are
started by mediahub/static/mediahub/admin/inline-init.js instead.
"""

import json
from functools import cache

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

# What inline-init.js calls, with which target element id and arguments; the widget and panel
# templates under templates/wagtailadmin/ write the same element.
INLINE_INIT = (
    '<template data-controller="inline-init" data-inline-init-call-value="{}" '
    'data-inline-init-target-value="{}" data-inline-init-args-value="{}"></template>'
)


@cache
def _path_policies() -> tuple[tuple[str, dict], ...]:
    """Each path prefix with its complete policy, built once rather than on every response."""
    return tuple(
        (prefix, default_config(directives))
        for prefix, directives in settings.CONTENT_SECURITY_POLICY_PATHS.items()
    )


@receiver(setting_changed)
def _forget_path_policies(setting: str, **kwargs) -> None:
    if setting == "CONTENT_SECURITY_POLICY_PATHS":
        _path_policies.cache_clear()


def policy_for_path(path: str) -> dict | None:
    """The policy of the first path prefix `path` starts with, if any."""
    for prefix, config in _path_policies():
        if path.startswith(prefix):
            return config
    return None


class PathPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, starting from the policy of the request's path when one is set.

    A view's own decorator (csp_replace, csp_update) still applies on top of it.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Wagtail renders a preview by passing a dummy request for the page's public path through
        # the middleware; the preview is an admin response, so the admin's policy is set on it
        # when the real request leaves.
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            parts.config = policy_for_path(request.path_info)
        # frame-ancestors overrides X-Frame-Options in browsers: a view that lets the site frame
        # it (Wagtail's preview panel) says so with SAMEORIGIN, and the policy follows.
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts


def render_chooser(
    self: BaseChooser, name: str, value, attrs: dict | None = None, renderer=None
) -> SafeString:
    """BaseChooser.render, its script started by inline-init.js instead of an inline <script>."""
    if not attrs or "id" not in attrs:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute")
    id_ = attrs["id"]
    value_data = self.get_value_data(value)
    if isinstance(self, AdminTaskChooser):
        call, options = "createTaskChooser", {}
    else:
        call, options = self.js_constructor, self.get_js_init_options(id_, name, value_data)
    return format_html(
        "{}" + INLINE_INIT,
        self.render_html(name, value_data, attrs),
        call,
        id_,
        json.dumps(options),
    )
