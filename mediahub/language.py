"""Which language a request is answered in.

Residents read Dutch, whatever their browser asks for, until they choose English with the switch
(kept in the language cookie). The admin (its users' browsers), the API and the feeds (other
systems) are answered in the language their Accept-Language asks for, as Django's
LocaleMiddleware does. Django has no setting to ignore Accept-Language for part of a
site, hence this small middleware in its place.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Where the client's Accept-Language decides; everywhere else is read by residents.
NEGOTIATED_PREFIXES = ("/admin/", "/api/", "/feeds/")


def resident_language(request: HttpRequest) -> str:
    """The language a resident chose with the switch, else the site's own (Dutch)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    try:
        return translation.get_supported_language_variant(chosen)
    except LookupError:
        return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        negotiated = request.path_info.startswith(NEGOTIATED_PREFIXES)
        if negotiated:
            language = translation.get_language_from_request(request)
        else:
            language = resident_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie") if negotiated else ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
