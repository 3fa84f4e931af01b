"""URL map. Each app mounts its city-scoped pages under ``/<city-slug>/<prefix>/``;
core is included last because its ``/<city-slug>/`` pattern would shadow the rest."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("learningcity.catalogue.api_urls")),
    # The network's own pages (cities/, clusters/, practices/): no path of theirs is
    # monitoring/ or empty, so /network/ (core) and /network/monitoring/ are untouched.
    # The award cycles and the conferences (events app) under the network's address.
    path("network/events/", include("learningcity.events.urls")),
    path("network/", include("learningcity.network.urls")),
    path("network/monitoring/", include("learningcity.monitoring.network_urls")),
    path("<slug:city_slug>/learn/", include("learningcity.catalogue.urls")),
    path("<slug:city_slug>/monitoring/", include("learningcity.monitoring.urls")),
    path("<slug:city_slug>/plan/", include("learningcity.plans.urls")),
    path("<slug:city_slug>/festivals/", include("learningcity.festivals.urls")),
    path("<slug:city_slug>/quality/", include("learningcity.quality.urls")),
    path("<slug:city_slug>/outreach/", include("learningcity.outreach.urls")),
    path("<slug:city_slug>/programmes/", include("learningcity.programmes.urls")),
    path("<slug:city_slug>/participate/", include("learningcity.participation.urls")),
    path("<slug:city_slug>/credentials/", include("learningcity.credentials.urls")),
    # Credential verification, issuers' DID documents and status lists: not city-scoped.
    path("credentials/", include("learningcity.credentials.public_urls")),
    path("", include("learningcity.core.urls")),
]

handler404 = "learningcity.core.views.page_not_found"
handler500 = "learningcity.core.views.server_error"
