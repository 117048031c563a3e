"""Indonesian for everyone unless they chose another language themselves."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activate the language from the language cookie (set by the footer's switch), else LANGUAGE_CODE.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: staff often run English browsers
    but work in Indonesian, and the product's default must be Indonesian.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
