"""Rate limits for anonymous and signed-in clients.

DRF's stock classes read their rates once, at import; these read them per
request so that a change of settings (in tests, say) takes effect.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
