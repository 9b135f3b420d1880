from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from mediahub.health import healthz
from mediahub.identity import theme_css
from mediahub.robots_txt import robots_txt
from mediahub.security_txt import security_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("theme.css", theme_css, name="theme_css"),
    # For clients that ask without reading the page's <link rel="icon">; looked up per request,
    # as the static file's hashed name is known only once collectstatic has run.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("mediahub/favicon.svg"))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include("muurkrant.urls"))]
urlpatterns += [path("api/v1/", include("muurkrant.api.endpoints"))]
urlpatterns += [path("", include("feeds.urls"))]
urlpatterns += [path("", include(wagtail_urls))]
