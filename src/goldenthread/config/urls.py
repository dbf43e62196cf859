from django.contrib import admin
from django.urls import include, path

from goldenthread.api.v1 import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("goldenthread.web.urls")),
    path("", include("goldenthread.reports.urls")),
    path("data/", include("goldenthread.web.urls_data")),
    path("", include("goldenthread.web.urls_cycle")),
]

# a bad parameter of a page's address: the message and a link to the page without it
handler400 = "goldenthread.web.views.errors.bad_request"
