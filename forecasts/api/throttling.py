"""Rate limits for anonymous and signed-in clients.

DRF's stock classes read their rates once, at import; these read them per
request so that a change of settings (in tests, say) takes effect. A
request the public cache answers (``forecasts.api.caching``) is let through
without being counted: the limits guard the database, which it never reaches.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from config.clients import client_ip
from forecasts.api.caching import cached_response


class _PerRequestRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        if cached_response(request, view) is not None:
            return True
        return super().allow_request(request, view)


class AnonThrottle(_PerRequestRate, throttling.AnonRateThrottle):
    pass


class UserThrottle(_PerRequestRate, throttling.UserRateThrottle):
    pass
