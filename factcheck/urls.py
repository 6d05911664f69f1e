from django.contrib import admin
from django.urls import include, path

from claims.public_feed import LatestVerdictsFeed
from claims.public_views import checks_list, verdict_page
from factcheck.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("claims.api.urls")),
    path("", checks_list, name="public-home"),
    path("checks/", checks_list, name="public-checks"),
    path("checks/<int:pk>/", verdict_page, name="public-verdict"),
    path("feeds/verdicts.atom", LatestVerdictsFeed(), name="feed-verdicts"),
]

handler400 = "claims.api.errors_http.bad_request"
handler404 = "claims.api.errors_http.not_found"
handler500 = "claims.api.errors_http.server_error"
