from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from forecasts.api.errors import json_or_default

admin.site.site_header = "Reckon — editors' desk"
admin.site.site_title = "Reckon admin"
admin.site.index_title = "The forecast ledger"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("forecasts.api.urls")),
    path("", include("forecasts.urls")),
]

# Under /api/ errors are JSON; elsewhere Django's pages (and any templates) answer.
handler400 = json_or_default(defaults.bad_request, 400, "Bad request.")
handler403 = json_or_default(defaults.permission_denied, 403, "Forbidden.")
handler404 = json_or_default(defaults.page_not_found, 404, "Not found.")
handler500 = json_or_default(defaults.server_error, 500, "Server error.")
