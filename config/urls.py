from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Reckon — editors' desk"
admin.site.site_title = "Reckon admin"
admin.site.index_title = "The forecast ledger"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("forecasts.api.urls")),
    path("", include("forecasts.urls")),
]
